import { releaseSectionGuarantees } from "#app/services/guarantee/release-guarantees.server.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { findProject, factsOf, sectionsOf } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { documentHolders, notifyOrganisations } from "#app/services/notices/notify-organisations.server.ts";
import { guardPhase, shanghai } from "./tendering-rules.server.ts";

export interface TerminateTenderOptions {
  actor: Actor;
  projectId: string;
  /** The sections terminated; default: every section of the project still open for bids. */
  sectionIds?: string[];
  reason: string;
  meta: RequestMeta;
}

const SOURCE = {
  engineering: "《招标投标法实施条例》第三十一条",
  government: "《政府采购货物和服务招标投标管理办法》（87号令）第二十九条",
} as const;

/**
 * The tenderer, or its agency, terminates a published tender (终止招标, 条例 31; GP 87号令 29) with
 * a reason (decision 42). Only before the deadline: from then on the opening runs its own course
 * (a failure, a suspension). The section becomes `cancelled` at once, so nothing can be
 * registered, sealed, submitted or opened any more; the termination is shown on the public
 * announcement with its reason; everyone who obtained the documents is told in the platform and by
 * mail; and every bid security starts its return period (app/domain/guarantee/security-return.ts).
 */
export async function terminateTender(app: AppContext, opts: TerminateTenderOptions) {
  const reason = opts.reason.trim();
  if (reason.length < 4) throw new AppError("VALIDATION_FAILED", { issues: ["reason"] });
  const project = await findProject(app.db, opts.projectId);
  if (!project) throw new AppError("NOT_FOUND", { what: "project" });
  const org = opts.actor.membership.organisationId;
  if (
    ![project.tenderer_organisation_id, project.agency_organisation_id].includes(org) ||
    !opts.actor.permissions.has("publish:section:own")
  )
    throw new AppError("FORBIDDEN", { permission: "publish:section:own" });
  const now = app.clock.now();

  return app.db.transaction().execute(async (trx) => {
    await findProject(trx, project.id, { forUpdate: true });
    const all = await trx.selectFrom("sections").select("id").where("project_id", "=", project.id).forUpdate().execute();
    const sections = await sectionsOf(trx, project.id);
    const chosen = opts.sectionIds
      ? opts.sectionIds.map((id) => sections.find((s) => s.id === id))
      : sections.filter((s) => s.published_at && s.published_at <= now && !s.cancelled_at && now < s.deadline_at);
    if (all.length === 0 || chosen.length === 0 || chosen.some((s) => !s)) throw new AppError("NOT_FOUND", { what: "section" });
    const terminated = chosen as NonNullable<(typeof chosen)[number]>[];
    for (const s of terminated) guardPhase(factsOf(s), ["published"], now);
    await trx
      .updateTable("sections")
      .set({ cancelled_at: now, cancel_reason: reason, cancelled_by: opts.actor.personId })
      .where(
        "id",
        "in",
        terminated.map((s) => s.id),
      )
      .execute();

    const source = SOURCE[project.procurement_type];
    const notified = await notifyOrganisations(
      app,
      trx,
      {
        kind: "termination",
        projectId: project.id,
        subjectId: terminated[0]!.id,
        title: `${project.name}（${project.code}）终止招标`,
        body:
          `招标人已于 ${shanghai(now)} 终止以下标段的招标：\n${terminated.map((s) => `${s.code} ${s.name}`).join("\n")}\n\n终止理由：${reason}\n\n` +
          `已收取的投标保证金将依法退还，平台跟踪退还情况并向监督部门提示逾期未退的保证金。依据：${source}。\n\n` +
          `The tenderer terminated the tender of the sections above (${project.procurement_type === "engineering" ? "Regulations on the Bidding Law Art 31" : "MOF Order 87 Art 29"}). Reason: ${reason}. Bid securities will be returned.`,
        organisationIds: await documentHolders(
          trx,
          project.id,
          terminated.map((s) => s.id),
        ),
      },
      now,
    );
    await appendAudit(trx, {
      event: { type: "section.terminated", data: { projectId: project.id, sectionIds: terminated.map((s) => s.id), reason, notified } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    // Decision 0060: a terminated section's bid guarantees are released on the ledger (条例 31).
    for (const s of terminated)
      await releaseSectionGuarantees(trx, { sectionId: s.id, event: "termination", now, actor: auditActorOf(opts.actor, opts.meta) });
    return { sectionIds: terminated.map((s) => s.id), notified };
  });
}
