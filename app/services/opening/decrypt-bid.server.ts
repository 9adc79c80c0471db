import fs from "node:fs";
import { assertOpeningAction, type AttemptFailure } from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { scratchDir } from "#app/server/scratch.server.ts";
import { checkPlaintextPackage, decryptStoredEnvelope } from "./bid-package-checks.server.ts";
import { gatherSecurityFacts } from "#app/services/guarantee/verify-bid-security.server.ts";
import { recordDecryptionAttempt } from "./decryption-attempts.server.ts";
import { inOpeningTransaction, loadOpening, requireBidder, requireSignedIn } from "./opening-context.server.ts";

export interface DecryptBidOptions {
  actor: Actor;
  openingId: string;
  /** The 32-byte AES key the browser unwrapped from its own recipient info. */
  contentKey: Uint8Array;
  meta: RequestMeta;
}

/** `defect`: decrypted, but the signature or form failed a later check — read out, for the evaluation (decision 39). */
export type DecryptBidResult =
  { decrypted: true; defect?: "SIGNATURE_INVALID" | "FORM_INVALID" } | { decrypted: false; failure: AttemptFailure; detail: string };

/**
 * A signed-in bid member posts the content key (ARCHITECTURE.md §4 step 6); the server
 * stream-decrypts the stored envelope to a temporary file and runs every check
 * (bid-package-checks.server.ts) before anything is kept. The attempt is recorded either way:
 * a failure is not an error of the request but a fact the classification reads (办法 Art 31).
 */
export async function decryptBid(app: AppContext, opts: DecryptBidOptions): Promise<DecryptBidResult> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  const bid = requireBidder(opts.actor, loaded, "decrypt:bid:own");
  await requireSignedIn(app.db, opts.actor, loaded.opening.id);
  assertOpeningAction(loaded.facts, "decrypt", now);
  if (bid.result === "decrypted") throw new AppError("OPENING_BID_ALREADY_DECRYPTED");
  if (opts.contentKey.length !== 32) throw new AppError("VALIDATION_FAILED", { field: "contentKey" });

  const dir = scratchDir("opening");
  try {
    const opened = await decryptStoredEnvelope(app, bid, opts.contentKey, dir);
    const outcome = opened.ok ? await checkPlaintextPackage(app, loaded, bid, opened.packagePath) : opened;
    // 核验 (decision 0060): the ledger and the guarantee PDF are read before the opening's lock is taken.
    const securityFacts = outcome.ok && outcome.bid ? await gatherSecurityFacts(app, loaded, bid, outcome.bid.security) : undefined;
    await inOpeningTransaction(app, loaded.opening.id, "decrypt", now, async (trx, again) => {
      const current = again.bids.find((b) => b.id === bid.id)!;
      if (current.result === "decrypted") throw new AppError("OPENING_BID_ALREADY_DECRYPTED");
      await recordDecryptionAttempt(app, trx, {
        loaded: again,
        bid: current,
        actor: opts.actor,
        meta: opts.meta,
        via: "key",
        now,
        outcome,
        securityFacts,
      });
    });
    if (!outcome.ok) return { decrypted: false, failure: outcome.failure, detail: outcome.detail };
    return outcome.defect ? { decrypted: true, defect: outcome.defect.code } : { decrypted: true };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true }); // never block the event loop of a busy hall
  }
}
