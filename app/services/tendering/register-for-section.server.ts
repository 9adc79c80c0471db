import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { factsOf, findProject, findSection } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { participationCheck, tenderScopeOf } from "#app/services/credit/credit-standing.server.ts";
import { assertWithinSalePeriod } from "./sale-period.server.ts";
import { guardPhase, projectPartyRefusal } from "./tendering-rules.server.ts";

export interface RegisterForSectionOptions {
  actor: Actor;
  sectionId: string;
  meta: RequestMeta;
}

/**
 * A bidder organisation registers for a published section (报名 / 获取招标文件). Refused, with the
 * reason, outside the sale period (条例 16), or when the organisation is not approved, is the
 * project's own agency or tenderer (条例 Arts 13, 34), is rated black (the most severe grade in
 * force), or has an active ban that reaches the tender (DOMAIN.md §6, decision 34); a refusal is
 * audited too. The registration stays confidential until the opening (办法 21, 法 22): only the
 * parties and the regulator may list it.
 */
export async function registerForSection(app: AppContext, opts: RegisterForSectionOptions) {
  const { actor } = opts;
  const m = actor.membership;
  if (m.organisationStatus !== "approved")
    throw new AppError("ORGANISATION_NOT_APPROVED", { name: m.organisationName, status: m.organisationStatus });
  requirePermission(actor, "register:section:own");
  const section = await findSection(app.db, opts.sectionId);
  if (!section) throw new AppError("NOT_FOUND", { what: "section" });
  const project = (await findProject(app.db, section.project_id))!;
  const now = app.clock.now();
  guardPhase(factsOf(section), ["published"], now);
  await assertWithinSalePeriod(app, section, project.procurement_type, now); // 条例 16 (decision 0032)

  const partyRefusal = projectPartyRefusal(actor, project);
  if (partyRefusal) {
    await app.db.transaction().execute((trx) =>
      appendAudit(trx, {
        event: {
          type: "section.registration_refused",
          data: { sectionId: section.id, organisationId: m.organisationId, reason: `project-party:${String(partyRefusal.params.party)}` },
        },
        actor: auditActorOf(actor, opts.meta),
        at: now,
      }),
    );
    throw partyRefusal;
  }

  const credit = await participationCheck(app.db, {
    uscc: m.organisationUscc,
    organisationName: m.organisationName,
    tender: tenderScopeOf(project),
    now,
  });
  if (credit.refused) {
    const { refusal } = credit.refused;
    await app.db.transaction().execute((trx) =>
      appendAudit(trx, {
        event: {
          type: "section.registration_refused",
          data: { sectionId: section.id, organisationId: m.organisationId, reason: refusal.reason },
        },
        actor: auditActorOf(actor, opts.meta),
        at: now,
      }),
    );
    throw credit.refused.error;
  }

  const grade = credit.grade?.grade ?? null;
  return app.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("registrations")
      .values({
        section_id: section.id,
        organisation_id: m.organisationId,
        registered_by: actor.personId,
        registered_at: now,
        credit_grade: grade,
      })
      .onConflict((oc) => oc.columns(["section_id", "organisation_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) throw new AppError("ALREADY_REGISTERED", { section: section.code });
    await appendAudit(trx, {
      event: { type: "section.registered", data: { sectionId: section.id, organisationId: m.organisationId, grade } },
      actor: auditActorOf(actor, opts.meta),
      at: now,
    });
    return { registrationId: inserted.id };
  });
}
