import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { LoadedOpening, LoadedOpeningBid } from "#app/server/repo/openings.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import type { BidJson } from "#app/crypto/bid-package/formats.ts";
import { securityDefects, type SecurityDefect } from "#app/domain/credit/bid-security.ts";
import type { GuaranteeVerificationFacts } from "#app/domain/guarantee/verify-guarantee.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import { recordSecurityVerification } from "#app/services/guarantee/verify-bid-security.server.ts";
import { creditStanding } from "#app/server/repo/tendering.server.ts";
import { auditActorOf } from "#app/server/session.server.ts";
import { fieldsForStorage, type PackageCheck } from "./bid-package-checks.server.ts";
import { recordOpeningFact } from "./opening-context.server.ts";
import { recordAllDecidedIfSo, recordBidDecided } from "./record-timed-facts.server.ts";

/**
 * Records one decryption attempt (by key or by the remedy) and, when every check passed, the
 * result with the bid's fields (ID numbers replaced by their keyed hash) and security. The live
 * event says who succeeded or failed and why, never what the bid contains.
 */
export async function recordDecryptionAttempt(
  app: AppContext,
  trx: Transaction<Database>,
  input: {
    loaded: LoadedOpening;
    bid: LoadedOpeningBid;
    actor: Actor;
    meta: RequestMeta;
    via: "key" | "remedy";
    now: Date;
    outcome: PackageCheck;
    /** What the verification of the bid's security needs (decision 0060), gathered before the transaction. */
    securityFacts?: GuaranteeVerificationFacts;
  },
): Promise<void> {
  const { loaded, bid, actor, meta, via, now, outcome, securityFacts } = input;
  const openingId = loaded.opening.id;
  await trx
    .insertInto("decryption_attempts")
    .values({
      opening_bid_id: bid.id,
      person_id: actor.personId,
      kind: via,
      failure: outcome.ok ? null : outcome.failure,
      detail: outcome.ok
        ? outcome.defect
          ? `${outcome.defect.code}: ${outcome.defect.detail}`.slice(0, 2000)
          : null
        : outcome.detail.slice(0, 2000),
      attempted_at: now,
      ip: meta.ip,
    })
    .execute();
  await recordOpeningFact(trx, {
    openingId,
    actor,
    meta,
    at: now,
    audit: {
      type: "opening.decryption_attempted",
      data: { openingId, organisationId: bid.organisationId, via, failure: outcome.ok ? null : outcome.failure },
    },
    live: {
      type: "decryption.attempted",
      data: {
        organisationId: bid.organisationId,
        via,
        ok: outcome.ok,
        failure: outcome.ok ? null : outcome.failure,
        at: now.toISOString(),
      },
    },
  });
  if (outcome.ok) {
    // Decision 39: a signature or form defect after a successful decryption is no decryption failure.
    const rule = via === "remedy" ? "REMEDY_ACCEPTED" : outcome.defect ? "DECRYPTED_WITH_DEFECTS" : "DECRYPTED";
    const inBid = outcome.bid;
    const defects: SecurityDefect[] = [
      ...(outcome.defect ? [{ code: outcome.defect.code, detail: outcome.defect.detail.slice(0, 500) }] : []),
      ...(inBid ? await securityDefectsOf(trx, loaded, bid, inBid.security) : []),
    ];
    await trx
      .updateTable("opening_bids")
      .set({
        result: "decrypted",
        rule,
        decided_at: now,
        fields: inBid ? JSON.stringify(fieldsForStorage(app, loaded.section.opening_form, inBid.fields)) : null,
        security: inBid ? JSON.stringify(inBid.security) : null,
        defects: JSON.stringify(defects),
        manifest: outcome.manifest ? JSON.stringify({ ...outcome.manifest, entries: outcome.manifest.entries }) : null,
        decrypted_by: actor.personId,
        decryption_ip: meta.ip,
      })
      .where("id", "=", bid.id)
      .where("result", "is", null)
      .execute();
    if (inBid && securityFacts)
      await recordSecurityVerification(trx, {
        openingId,
        openingBidId: bid.id,
        organisationId: bid.organisationId,
        bidVersionId: bid.bidVersionId,
        facts: securityFacts,
        now,
      });
    await recordBidDecided(trx, openingId, bid.organisationId, bid.organisationName, { result: "decrypted", rule, at: now }, now);
    if (defects.length > 0)
      await appendAudit(trx, {
        event: {
          type: "opening.security_defects_recorded",
          data: { openingId, organisationId: bid.organisationId, codes: defects.map((d) => d.code) },
        },
        actor: auditActorOf(actor, meta),
        at: now,
      });
  }
  await recordAllDecidedIfSo(trx, openingId, now);
}

/**
 * Decision 35: the security bid.json offers against the declaration beside the envelope, the
 * section's accepted forms and — for a credit commitment — the bidder's grade at the deadline.
 * Defects go to the evaluation committee; the bid stays decrypted and is read out.
 */
async function securityDefectsOf(
  trx: Transaction<Database>,
  loaded: LoadedOpening,
  bid: LoadedOpeningBid,
  inBid: BidJson["security"],
): Promise<SecurityDefect[]> {
  const { records } = await creditStanding(trx, bid.uscc);
  return securityDefects({
    declared: bid.declaredSecurity,
    inBid,
    acceptedForms: loaded.section.security_forms,
    records,
    deadline: loaded.section.deadline_at,
  });
}
