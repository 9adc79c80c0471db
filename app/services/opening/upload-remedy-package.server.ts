import { assertOpeningAction, assertRemedyCounts, type AttemptFailure } from "#app/domain/opening/index.ts";
import { isAppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { checkPlaintextPackage, receiptOf, sha256File } from "./bid-package-checks.server.ts";
import { gatherSecurityFacts } from "#app/services/guarantee/verify-bid-security.server.ts";
import { recordDecryptionAttempt } from "./decryption-attempts.server.ts";
import { inOpeningTransaction, loadOpening, requireBidder, requireSignedIn } from "./opening-context.server.ts";

export interface UploadRemedyPackageOptions {
  actor: Actor;
  openingId: string;
  /** The bidder's plaintext package (its own backup), as a completed upload on disk. */
  packagePath: string;
  meta: RequestMeta;
}

export type RemedyResult = { decrypted: true } | { decrypted: false; failure: AttemptFailure; detail: string };

/**
 * Whether this actor may upload a remedy package to this opening now — the same checks as
 * {@link uploadRemedyPackage} short of the digest — so that a refusal (not a bidder, not signed
 * in, outside the window, no remedy in this section, already decrypted) comes before a byte of a
 * package that may be hundreds of megabytes is read (decision 25).
 */
export async function assertMayUploadRemedyPackage(app: AppContext, opts: { actor: Actor; openingId: string }): Promise<void> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  const bid = requireBidder(opts.actor, loaded, "decrypt:bid:own");
  await requireSignedIn(app.db, opts.actor, loaded.opening.id);
  assertOpeningAction(loaded.facts, "uploadRemedy", now);
  // The digest is compared once the package has arrived: here only whether a remedy may count at all.
  assertRemedyCounts({
    remedyAllowed: loaded.section.remedy_allowed,
    alreadyDecrypted: bid.result === "decrypted",
    receiptPackageDigest: "-",
    uploadedSha256: "-",
  });
}

/**
 * The remedy (办法 Art 31, where the section allows it): within the window a bidder uploads its
 * plaintext package, which counts only if its SHA-256 equals the receipt's package digest
 * (`assertRemedyCounts`). A package that does not match is refused with that error, and the
 * refused attempt is recorded; one that matches goes through the same package checks as a
 * decrypted one.
 */
export async function uploadRemedyPackage(app: AppContext, opts: UploadRemedyPackageOptions): Promise<RemedyResult> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  const bid = requireBidder(opts.actor, loaded, "decrypt:bid:own");
  await requireSignedIn(app.db, opts.actor, loaded.opening.id);
  assertOpeningAction(loaded.facts, "uploadRemedy", now);
  const checked = await receiptOf(app, bid);
  if (!checked.ok) {
    // The platform's own record is not what it signed: recorded as the platform's failure, where a
    // remedy could count at all (no digest to compare without a receipt).
    const remedy = { remedyAllowed: loaded.section.remedy_allowed, alreadyDecrypted: bid.result === "decrypted" };
    assertRemedyCounts({ ...remedy, receiptPackageDigest: "-", uploadedSha256: "-" });
    await inOpeningTransaction(app, loaded.opening.id, "uploadRemedy", now, (trx, again) =>
      recordDecryptionAttempt(app, trx, {
        loaded: again,
        bid: again.bids.find((b) => b.id === bid.id)!,
        actor: opts.actor,
        meta: opts.meta,
        via: "remedy",
        now,
        outcome: checked,
      }),
    );
    return { decrypted: false, failure: checked.failure, detail: checked.detail };
  }
  const { receipt } = checked;
  const uploadedSha256 = await sha256File(opts.packagePath);
  const check = {
    remedyAllowed: loaded.section.remedy_allowed,
    alreadyDecrypted: bid.result === "decrypted",
    receiptPackageDigest: receipt.packageDigest,
    uploadedSha256,
  };
  try {
    assertRemedyCounts(check);
  } catch (e) {
    if (isAppError(e) && e.code === "OPENING_REMEDY_DIGEST_MISMATCH") {
      await inOpeningTransaction(app, loaded.opening.id, "uploadRemedy", now, (trx, again) =>
        recordDecryptionAttempt(app, trx, {
          loaded: again,
          bid: again.bids.find((b) => b.id === bid.id)!,
          actor: opts.actor,
          meta: opts.meta,
          via: "remedy",
          now,
          outcome: { ok: false, failure: "PACKAGE_DIGEST_MISMATCH", detail: `remedy ${uploadedSha256}, receipt ${receipt.packageDigest}` },
        }),
      );
    }
    throw e;
  }
  const outcome = await checkPlaintextPackage(app, loaded, bid, opts.packagePath);
  const securityFacts = outcome.ok && outcome.bid ? await gatherSecurityFacts(app, loaded, bid, outcome.bid.security) : undefined;
  await inOpeningTransaction(app, loaded.opening.id, "uploadRemedy", now, async (trx, again) => {
    const current = again.bids.find((b) => b.id === bid.id)!;
    assertRemedyCounts({ ...check, alreadyDecrypted: current.result === "decrypted" });
    await recordDecryptionAttempt(app, trx, {
      loaded: again,
      bid: current,
      actor: opts.actor,
      meta: opts.meta,
      via: "remedy",
      now,
      outcome,
      securityFacts,
    });
  });
  return outcome.ok ? { decrypted: true } : { decrypted: false, failure: outcome.failure, detail: outcome.detail };
}
