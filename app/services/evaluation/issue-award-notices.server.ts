import { AppError } from "#app/domain/shared/app-error.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { notifyOrganisations } from "#app/services/notices/notify-organisations.server.ts";
import { requireProjectManager } from "#app/services/tendering/tendering-rules.server.ts";
import { nextStep } from "./award-notice-signing.server.ts";
import { loadEvaluation } from "./evaluation-context.server.ts";

/**
 * Issues the award's notices online once every one carries all its signatures (办法 36, 40;
 * decision 67): each notice's SHA-256 is anchored, each recipient gets an in-app notice (its
 * people read and acknowledge it at /notices) and a mail, and the award result is announced on
 * the public announcement page (the committee's names become public with it, 法 44). The agency
 * (or the tenderer tendering by itself) issues them; once.
 */
export async function issueAwardNotices(
  app: AppContext,
  opts: { actor: Actor; sectionId: string; meta: RequestMeta },
): Promise<{ issuedAt: Date }> {
  const now = app.clock.now();
  const loaded = await loadEvaluation(app.db, opts.sectionId, now);
  const { project, section } = loaded.opening;
  requirePermission(opts.actor, "record:result:own");
  requireProjectManager(opts.actor, project);
  const award = loaded.award;
  if (!award) throw new AppError("NOT_FOUND", { what: "award" });
  return app.db.transaction().execute(async (trx) => {
    const a = await trx.selectFrom("awards").select(["announced_at"]).where("id", "=", award.id).forUpdate().executeTakeFirstOrThrow();
    if (a.announced_at) return { issuedAt: a.announced_at };
    const notices = await trx
      .selectFrom("award_notices")
      .select(["id", "kind", "number", "organisation_id", "document_sha256", "tenderer_signed_at", "agency_signed_at"])
      .where("award_id", "=", award.id)
      .execute();
    const unsigned = notices.filter((n) => nextStep({ ...n, agency_organisation_id: project.agency_organisation_id }) !== null);
    if (unsigned.length)
      throw new AppError("NOTICE_SIGNING_OUT_OF_TURN", {
        number: unsigned.map((n) => n.number).join("、"),
        reasonZh: "尚未签署完毕，不能发出",
        reasonEn: "not every signature is there yet, so nothing is issued",
      });
    await trx.updateTable("award_notices").set({ issued_at: now }).where("award_id", "=", award.id).execute();
    await trx.updateTable("awards").set({ announced_at: now }).where("id", "=", award.id).execute();
    for (const n of notices) {
      await queueForAnchoring(trx, { sha256: n.document_sha256, source: n.kind === "award" ? "award-notice" : "result-notice" }, now);
      const title = n.kind === "award" ? "中标通知书" : "中标结果通知书";
      await notifyOrganisations(
        app,
        trx,
        {
          kind: "award",
          projectId: project.id,
          subjectId: n.id,
          title: `${title} ${n.number}：${project.name} ${section.name}`,
          body: `${project.name}（${project.code}）${section.name} 已定标，中标价 ${formatYuan(award.price_fen)} 元。请下载已签名的${title}并签收。\nThe ${n.kind === "award" ? "award" : "result"} notice ${n.number} for ${section.code} is issued: download the signed PDF and acknowledge receipt.`,
          organisationIds: [n.organisation_id],
        },
        now,
      );
    }
    await appendAudit(trx, {
      event: { type: "award.announced", data: { sectionId: section.id, awardId: award.id, noticeIds: notices.map((n) => n.id) } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { issuedAt: now };
  });
}
