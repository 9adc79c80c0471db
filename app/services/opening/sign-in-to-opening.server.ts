import { assertOpeningAction } from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { normaliseSerialHex } from "#app/server/pki/x509.server.ts";
import { ensureOpening } from "#app/server/repo/openings.server.ts";
import { findSection } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";
import { consumeChallenge, verifyKeyPossession } from "#app/services/certificates/key-possession.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireBidder } from "./opening-context.server.ts";

export interface SignInToOpeningOptions {
  actor: Actor;
  sectionId: string;
  /** From `createChallenge` (app/services/certificates/key-possession.server.ts). */
  challengeId: string;
  /** The serial of the certificate whose key signed the challenge. */
  certificateSerial: string;
  /** `signChallenge` of app/crypto/pki/key-possession.ts, made in the browser. */
  signature: Uint8Array;
  meta: RequestMeta;
}

export interface OpeningSignIn {
  openingId: string;
  signedInAt: Date;
  /** False when the person had already signed in (the first sign-in stands). */
  created: boolean;
}

/**
 * A bid member of a registered bidder signs in to the opening from the configured lead time
 * before the deadline (ARCHITECTURE.md §4 step 6), proving possession of its certificate's key
 * with a one-time challenge: the certificate must be the person's own in this organisation,
 * chain to the platform root, and be valid and unrevoked now. After the deadline only bidders
 * whose bids stood at the deadline may sign in.
 */
export async function signInToOpening(app: AppContext, opts: SignInToOpeningOptions): Promise<OpeningSignIn> {
  const now = app.clock.now();
  const { actor } = opts;
  const section = await findSection(app.db, opts.sectionId);
  if (!section || !section.published_at) throw new AppError("NOT_FOUND", { what: "section" });
  requirePermission(actor, "decrypt:bid:own");
  const registered = await app.db
    .selectFrom("registrations")
    .select("id")
    .where("section_id", "=", section.id)
    .where("organisation_id", "=", actor.membership.organisationId)
    .executeTakeFirst();
  if (!registered) throw new AppError("FORBIDDEN", { permission: "decrypt:bid:own" });
  const openingId = await ensureOpening(app.db, section.id, now);
  const loaded = await loadOpening(app.db, openingId);
  if (loaded.facts.validBidsAtDeadline !== null) requireBidder(actor, loaded, "decrypt:bid:own");
  assertOpeningAction(loaded.facts, "signIn", now);

  // The challenge is used up whatever happens next.
  const challenge = await app.db.transaction().execute((trx) => consumeChallenge(trx, opts.challengeId, now));
  if (!challenge) throw new AppError("CHALLENGE_INVALID");
  let serial: string;
  try {
    serial = normaliseSerialHex(opts.certificateSerial);
  } catch {
    throw new AppError("OPENING_CERTIFICATE_NOT_OWN");
  }
  const cert = await app.db
    .selectFrom("person_certificates")
    .select(["serial_hex", "certificate_pem", "status"])
    .where("serial_hex", "=", serial)
    .where("person_id", "=", actor.personId)
    .where("organisation_id", "=", actor.membership.organisationId)
    .executeTakeFirst();
  if (!cert || cert.status !== "valid") throw new AppError("OPENING_CERTIFICATE_NOT_OWN");
  const verified = await verifyKeyPossession(app, { challenge, signature: opts.signature, certificatePem: cert.certificate_pem, now });
  if (!verified.ok) {
    if (verified.reason === "REVOKED") throw new AppError("CERTIFICATE_REVOKED", { revokedAt: formatShanghai(verified.revokedAt ?? now) });
    if (verified.reason === "EXPIRED" || verified.reason === "NOT_YET_VALID") throw new AppError("CERTIFICATE_EXPIRED");
    if (verified.reason === "BAD_CHALLENGE_SIGNATURE") throw new AppError("CHALLENGE_INVALID");
    throw new AppError("CERTIFICATE_UNTRUSTED");
  }

  return inOpeningTransaction(app, openingId, "signIn", now, async (trx) => {
    const inserted = await trx
      .insertInto("opening_sign_ins")
      .values({
        opening_id: openingId,
        organisation_id: actor.membership.organisationId,
        person_id: actor.personId,
        certificate_serial: serial,
        signed_in_at: now,
        ip: opts.meta.ip,
        user_agent: opts.meta.userAgent,
      })
      .onConflict((oc) => oc.columns(["opening_id", "person_id"]).doNothing())
      .returning("signed_in_at")
      .executeTakeFirst();
    if (!inserted) {
      const first = await trx
        .selectFrom("opening_sign_ins")
        .select("signed_in_at")
        .where("opening_id", "=", openingId)
        .where("person_id", "=", actor.personId)
        .executeTakeFirstOrThrow();
      return { openingId, signedInAt: first.signed_in_at, created: false };
    }
    const count = await trx
      .selectFrom("opening_sign_ins")
      .select((eb) => eb.fn.count<string | number>("organisation_id").distinct().as("n"))
      .where("opening_id", "=", openingId)
      .executeTakeFirstOrThrow();
    await recordOpeningFact(trx, {
      openingId,
      actor,
      meta: opts.meta,
      at: now,
      audit: {
        type: "opening.signed_in",
        data: { openingId, organisationId: actor.membership.organisationId, personId: actor.personId, certificateSerial: serial },
      },
      // Who signed in is for the host and the regulator (readOpening); a bidder is sent only its own
      // sign-ins and the public none (liveEventFor, decision 23), so nobody learns of a rival before the list.
      live: {
        type: "signin.recorded",
        data: { organisationId: actor.membership.organisationId, organisationsSignedIn: Number(count.n), at: now.toISOString() },
      },
    });
    return { openingId, signedInAt: now, created: true };
  });
}
