import { calendarDaysBetween, shanghaiDay } from "#app/domain/calendar/local-day.ts";
import { lastDayBefore } from "#app/domain/calendar/periods.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { sectionPhase } from "#app/domain/tendering/section-phase.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { currentRuleSet, factsOf, findProject } from "#app/server/repo/tendering.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { relationTo } from "./tendering-rules.server.ts";

/**
 * The clarifications of a project with their read receipts (法 23, 办法 22): for each, the sections
 * it affected with their deadlines, and for each organisation told, when, and who of its people
 * read it, when. For the agency, the tenderer and the regulator, who may know who obtained the
 * documents (ARCHITECTURE.md §4).
 */
export async function readClarificationReceipts(app: AppContext, actor: Actor, projectId: string) {
  const project = await findProject(app.db, projectId);
  if (!project) throw new AppError("NOT_FOUND", { what: "project" });
  if (!relationTo(actor, project)) throw new AppError("FORBIDDEN", { permission: "view:section:own" });
  const [clarifications, sections, notices, reads] = await Promise.all([
    app.db
      .selectFrom("clarifications")
      .select(["id", "sequence", "title", "affects_preparation", "issued_at"])
      .where("project_id", "=", projectId)
      .orderBy("sequence")
      .execute(),
    app.db
      .selectFrom("clarification_sections as cs")
      .innerJoin("sections as s", "s.id", "cs.section_id")
      .select(["cs.clarification_id", "s.code", "s.name", "cs.old_deadline_at", "cs.new_deadline_at"])
      .where("s.project_id", "=", projectId)
      .orderBy("s.sequence")
      .execute(),
    app.db
      .selectFrom("notices as n")
      .innerJoin("organisations as o", "o.id", "n.organisation_id")
      .select(["n.id", "n.subject_id", "n.created_at", "o.name"])
      .where("n.project_id", "=", projectId)
      .where("n.kind", "=", "clarification")
      .orderBy("o.name")
      .execute(),
    app.db
      .selectFrom("notice_reads as r")
      .innerJoin("notices as n", "n.id", "r.notice_id")
      .innerJoin("people as p", "p.id", "r.person_id")
      .select(["r.notice_id", "p.name", "r.read_at"])
      .where("n.project_id", "=", projectId)
      .where("n.kind", "=", "clarification")
      .orderBy("r.read_at")
      .execute(),
  ]);
  return clarifications.map((c) => ({
    id: c.id,
    sequence: c.sequence,
    title: c.title,
    affectsPreparation: c.affects_preparation,
    issuedAt: c.issued_at,
    sections: sections
      .filter((s) => s.clarification_id === c.id)
      .map((s) => ({ code: s.code, name: s.name, oldDeadlineAt: s.old_deadline_at, newDeadlineAt: s.new_deadline_at })),
    recipients: notices
      .filter((n) => n.subject_id === c.id)
      .map((n) => ({
        organisation: n.name,
        notifiedAt: n.created_at,
        reads: reads.filter((r) => r.notice_id === n.id).map((r) => ({ person: r.name, readAt: r.read_at })),
      })),
  }));
}

/**
 * For the agency's dashboard ("clarifications due"): each section of the organisation's projects
 * still open for bids, with the last day on which a clarification that may affect the preparation
 * of bids can be issued without moving its deadline (条例 21 / 87号令 27, counted backward:
 * decision 0030), the days left, and how many clarification notices of the project nobody has read
 * yet. Nearest first.
 */
export async function clarificationsDue(app: AppContext, actor: Actor) {
  if (!actor.permissions.has("publish:section:own")) throw new AppError("FORBIDDEN", { permission: "publish:section:own" });
  const now = app.clock.now();
  const org = actor.membership.organisationId;
  const rows = await app.db
    .selectFrom("sections as s")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .select([
      "s.id",
      "s.code",
      "s.name",
      "s.deadline_at",
      "s.published_at",
      "s.cancelled_at",
      "s.failed_at",
      "s.suspended_at",
      "p.id as project_id",
      "p.name as project_name",
      "p.procurement_type",
    ])
    .where((eb) =>
      eb.or([
        eb("p.agency_organisation_id", "=", org),
        eb.and([eb("p.agency_organisation_id", "is", null), eb("p.tenderer_organisation_id", "=", org)]),
      ]),
    )
    .where("s.published_at", "is not", null)
    .where("s.deadline_at", ">", now)
    .execute();
  const open = rows.filter((s) => sectionPhase(factsOf(s), now) === "published");
  const unread = open.length
    ? await app.db
        .selectFrom("notices as n")
        .leftJoin("notice_reads as r", "r.notice_id", "n.id")
        .select(["n.project_id", "n.id"])
        .where("n.kind", "=", "clarification")
        .where("n.project_id", "in", [...new Set(open.map((s) => s.project_id))])
        .where("r.notice_id", "is", null)
        .execute()
    : [];
  const leads = {
    engineering: (await currentRuleSet(app.db, "engineering")).rules.clarificationLeadDays,
    government: (await currentRuleSet(app.db, "government")).rules.clarificationLeadDays,
  };
  const today = shanghaiDay(now);
  return open
    .map((s) => {
      const lastDay = lastDayBefore(s.deadline_at, leads[s.procurement_type]);
      return {
        sectionId: s.id,
        code: s.code,
        name: s.name,
        project: { id: s.project_id, name: s.project_name },
        deadlineAt: s.deadline_at,
        lastDayWithoutMovingDeadline: lastDay,
        daysLeft: calendarDaysBetween(today, lastDay),
        unreadNotices: unread.filter((n) => n.project_id === s.project_id).length,
      };
    })
    .sort((a, b) => a.lastDayWithoutMovingDeadline.localeCompare(b.lastDayWithoutMovingDeadline));
}
