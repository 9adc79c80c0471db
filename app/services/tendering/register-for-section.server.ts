import { gradeAt, participationRefusal, type ParticipationRefusal } from "#app/domain/credit/credit.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { creditStanding, factsOf, findProject, findSection } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { assertWithinSalePeriod } from "./sale-period.server.ts";
import { guardPhase, projectPartyRefusal, shanghai } from "./tendering-rules.server.ts";

export interface RegisterForSectionOptions {
  actor: Actor;
  sectionId: string;
  meta: RequestMeta;
}

const SCOPE_ZH = { engineering: "工程建设项目招标投标", government: "政府采购", both: "工程建设项目招标投标和政府采购" } as const;
const SCOPE_EN = {
  engineering: "engineering tenders",
  government: "government procurement",
  both: "engineering tenders and government procurement",
} as const;

/**
 * A bidder organisation registers for a published section (报名 / 获取招标文件). Refused, with the
 * reason, outside the sale period (条例 16), or when the organisation is not approved, is the
 * project's own agency or tenderer (条例 Arts 13, 34), is rated black, or has an active ban in the
 * project's scope (DOMAIN.md §6); a refusal is audited too. The registration stays confidential
 * until the opening (办法 21, 法 22): only the parties and the regulator may list it.
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

  const standing = await creditStanding(app.db, m.organisationUscc);
  const refusal = participationRefusal({ ...standing, type: project.procurement_type, now });
  if (refusal) {
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
    throw refusalError(refusal, m.organisationName, standing.bans);
  }

  const grade = gradeAt(standing.records, now)?.grade ?? null;
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

export function refusalError(
  r: ParticipationRefusal,
  organisation: string,
  bans: { basis: string; until: Date; source: string }[],
): AppError {
  if (r.reason === "black")
    return new AppError("CREDIT_BLACK", { organisation, source: r.source, since: shanghai(r.since), detail: r.detail });
  const source = bans.find((b) => b.basis === r.basis && b.until.getTime() === r.until.getTime())?.source ?? "";
  return new AppError("CREDIT_BANNED", {
    organisation,
    basis: r.basis,
    source,
    until: shanghai(r.until),
    scopeZh: SCOPE_ZH[r.scope],
    scopeEn: SCOPE_EN[r.scope],
  });
}
