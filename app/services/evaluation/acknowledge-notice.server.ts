import { ACKNOWLEDGEMENT_TYPE, type Acknowledgement } from "#app/crypto/jws/signed-json.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { describeMemberSignatureProblem, MemberSignatureError, verifyMemberSignedJson } from "#app/server/pki/member-signed-json.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";

/** `code`, when there is one, is kept in the error's params for the log, never shown. */
const invalid = (reasonZh: string, reasonEn: string, code?: string) =>
  new AppError("NOTICE_ACKNOWLEDGEMENT_INVALID", { reasonZh, reasonEn, ...(code ? { code } : {}) });

/**
 * The recipient acknowledges receipt of its award or result notice (decision 67) with a signed
 * JWS (`bidhall-acknowledgement+jws`, like the opening confirmations) over the notice's number and
 * SHA-256: it must verify, name this notice as issued, and be signed with a valid, unrevoked
 * certificate of a member of the recipient organisation. Once per notice.
 */
export async function acknowledgeNotice(
  app: AppContext,
  opts: { actor: Actor; noticeId: string; acknowledgementJws: string; meta: RequestMeta },
): Promise<{ acknowledgedAt: Date }> {
  const now = app.clock.now();
  const notFound = new AppError("NOT_FOUND", { what: "notice" });
  if (!/^[0-9a-f-]{36}$/i.test(opts.noticeId)) throw notFound;
  const notice = await app.db
    .selectFrom("award_notices")
    .select(["id", "number", "organisation_id", "document_sha256", "issued_at", "acknowledged_at"])
    .where("id", "=", opts.noticeId)
    .executeTakeFirst();
  if (!notice || !notice.issued_at || notice.organisation_id !== opts.actor.membership.organisationId) throw notFound;
  if (notice.acknowledged_at) return { acknowledgedAt: notice.acknowledged_at };
  if (opts.acknowledgementJws.length > 32_000) throw invalid("内容过长", "it is too long");

  let holder: { personId: string };
  try {
    holder = await verifyMemberSignedJson(app, opts.acknowledgementJws, {
      typ: ACKNOWLEDGEMENT_TYPE,
      organisationId: notice.organisation_id,
      now,
      checkPayload: (p) => {
        const payload = p as Acknowledgement;
        if (payload.noticeId !== notice.id || payload.noticeNumber !== notice.number)
          throw invalid("回执针对的是另一份通知书", "it names another notice");
        if (payload.noticeSha256 !== notice.document_sha256)
          throw invalid("回执针对的不是已发出的通知书文件", "it names another file than the one issued");
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
    if (p.kind === "type") throw invalid("不是签收回执", "it is not an acknowledgement");
    throw invalid("证书不属于本单位成员", "the certificate is not one of your organisation's members'");
  }

  return app.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("award_notices")
      .set({ acknowledged_at: now, acknowledged_by: holder.personId, acknowledgement_jws: opts.acknowledgementJws.trim() })
      .where("id", "=", notice.id)
      .where("acknowledged_at", "is", null)
      .returning("acknowledged_at")
      .executeTakeFirst();
    if (!updated) return { acknowledgedAt: now };
    await appendAudit(trx, {
      event: { type: "award_notice.acknowledged", data: { noticeId: notice.id, sha256: notice.document_sha256 } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { acknowledgedAt: now };
  });
}
