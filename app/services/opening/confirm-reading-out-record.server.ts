import { CONFIRMATION_TYPE, type Confirmation } from "#app/crypto/jws/signed-json.ts";
import { assertOpeningAction } from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { describeMemberSignatureProblem, MemberSignatureError, verifyMemberSignedJson } from "#app/server/pki/member-signed-json.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import {
  assertConfirmationPeriodRunning,
  inOpeningTransaction,
  loadOpening,
  recordOpeningFact,
  requireBidder,
} from "./opening-context.server.ts";

export interface ConfirmReadingOutRecordOptions {
  actor: Actor;
  openingId: string;
  /** The confirmation JWS (`bidhall-confirmation+jws`) the browser signed with the member's signing key. */
  confirmationJws: string;
  meta: RequestMeta;
}

/** `code`, when there is one, is kept in the error's params for the log, never shown. */
const invalid = (problemZh: string, problemEn: string, code?: string) =>
  new AppError("OPENING_CONFIRMATION_INVALID", { problemZh, problemEn, ...(code ? { code } : {}) });

/**
 * A bidder confirms the reading-out record, or objects to it, by signing its SHA-256
 * (ARCHITECTURE.md §4 "Two records"): the JWS must verify, its certificate be a valid one of a
 * member of the bidder organisation (chained to the platform root, unrevoked now), and its
 * payload name this opening and the record published. One decision per organisation.
 */
export async function confirmReadingOutRecord(
  app: AppContext,
  opts: ConfirmReadingOutRecordOptions,
): Promise<{ decision: Confirmation["decision"]; signedAt: Date }> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  const bid = requireBidder(opts.actor, loaded, "confirm:record:own");
  assertOpeningAction(loaded.facts, "confirm", now);
  assertConfirmationPeriodRunning(loaded.facts, now);

  let signed: { payload: Confirmation; personId: string };
  try {
    signed = await verifyMemberSignedJson(app, opts.confirmationJws, {
      typ: CONFIRMATION_TYPE,
      organisationId: bid.organisationId,
      now,
      checkPayload: (p) => {
        const payload = p as Confirmation;
        if (payload.openingId !== loaded.opening.id) throw invalid("签名针对的是另一场开标", "it names another opening");
        if (payload.recordSha256 !== loaded.opening.reading_out_record_sha256)
          throw invalid("签名针对的不是已公布的唱标记录", "it names another record than the one published");
        return payload;
      },
    });
  } catch (e) {
    if (!(e instanceof MemberSignatureError)) throw e;
    const p = e.problem;
    if (p.kind === "signature" || p.kind === "certificate") {
      // The code (p.code, p.reason) goes to the log and the error's params, not into the message.
      const { zh, en } = describeMemberSignatureProblem(p);
      if (p.kind === "signature") throw invalid(`签名校验未通过：${zh}`, `the signature does not verify: ${en}`, p.code);
      throw invalid(`证书无效：${zh}`, `the certificate is not valid: ${en}`, p.reason);
    }
    if (p.kind === "type") throw invalid("不是确认签名", "it is not a confirmation");
    throw new AppError("OPENING_CERTIFICATE_NOT_OWN");
  }
  const { payload } = signed;

  return inOpeningTransaction(app, loaded.opening.id, "confirm", now, async (trx, again) => {
    const inserted = await trx
      .insertInto("opening_confirmations")
      .values({
        opening_id: again.opening.id,
        organisation_id: bid.organisationId,
        person_id: signed.personId,
        decision: payload.decision,
        record_sha256: payload.recordSha256,
        confirmation_jws: opts.confirmationJws.trim(),
        signed_at: now,
      })
      .onConflict((oc) => oc.columns(["opening_id", "organisation_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) throw new AppError("OPENING_ALREADY_CONFIRMED");
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: {
        type: "opening.record_confirmed",
        data: {
          openingId: again.opening.id,
          organisationId: bid.organisationId,
          decision: payload.decision,
          recordSha256: payload.recordSha256,
        },
      },
      live: {
        type: "record.confirmed",
        data: {
          organisationId: bid.organisationId,
          organisationName: bid.organisationName,
          decision: payload.decision,
          at: now.toISOString(),
        },
      },
    });
    return { decision: payload.decision, signedAt: now };
  });
}
