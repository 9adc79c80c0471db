import { AppError } from "#app/domain/shared/app-error.ts";
import { findRegion, regionWithin } from "#app/domain/shared/regions.ts";
import { sectionPhase, type SectionPhase } from "#app/domain/tendering/section-phase.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { periodChangesOfSections } from "#app/server/repo/periods.server.ts";
import { factsOf } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";

/** The projects an agency runs or a tenderer owns (its desk), newest first. */
export async function listOwnProjects(app: AppContext, actor: Actor) {
  requirePermission(actor, "create:project:own");
  const org = actor.membership.organisationId;
  const projects = await app.db
    .selectFrom("projects")
    .select(["id", "code", "name", "region_code", "procurement_type", "created_at"])
    .where((eb) => eb.or([eb("agency_organisation_id", "=", org), eb("tenderer_organisation_id", "=", org)]))
    .orderBy("created_at", "desc")
    .limit(200)
    .execute();
  return withSections(app, projects);
}

const UPCOMING_DAYS = 14;

/**
 * The regulator's view (ARCHITECTURE.md §4): every project in its jurisdiction (its region and
 * below) with sections by phase, the openings of the coming two weeks, the deadlines that
 * clarifications moved, the statutory periods the official calendar moved (decision 0031), and
 * the documents with their versions.
 */
export async function regulatorOverview(app: AppContext, actor: Actor) {
  requirePermission(actor, "view:section:jurisdiction");
  const jurisdiction = actor.membership.regionCode;
  if (!/^\d{6}$/.test(jurisdiction)) throw new AppError("FORBIDDEN", { permission: "view:section:jurisdiction" });
  const prefix = jurisdiction.replace(/(00)+$/, "");
  const rows = await app.db
    .selectFrom("projects")
    .select(["id", "code", "name", "region_code", "procurement_type", "created_at"])
    .where("region_code", "like", `${prefix}%`)
    .orderBy("created_at", "desc")
    .limit(500)
    .execute();
  const projects = await withSections(
    app,
    rows.filter((p) => regionWithin(p.region_code, jurisdiction)),
  );
  const ids = projects.map((p) => p.id);
  const [moves, documents] = ids.length
    ? await Promise.all([
        app.db
          .selectFrom("clarifications as c")
          .innerJoin("sections as s", "s.id", "c.section_id")
          .innerJoin("projects as p", "p.id", "c.project_id")
          .select([
            "c.id",
            "c.sequence",
            "c.title",
            "c.issued_at",
            "c.old_deadline_at",
            "c.new_deadline_at",
            "s.code as sectionCode",
            "p.id as projectId",
            "p.name as projectName",
          ])
          .where("c.project_id", "in", ids)
          .where("c.new_deadline_at", "is not", null)
          .orderBy("c.issued_at", "desc")
          .execute(),
        app.db
          .selectFrom("tender_documents as d")
          .innerJoin("projects as p", "p.id", "d.project_id")
          .select([
            "d.id",
            "d.version",
            "d.title",
            "d.sha256",
            "d.issued_at",
            "d.uploaded_at",
            "p.id as projectId",
            "p.code as projectCode",
          ])
          .where("d.project_id", "in", ids)
          .orderBy("p.code")
          .orderBy("d.version")
          .execute(),
      ])
    : [[], []];
  const now = app.clock.now();
  const horizon = new Date(now.getTime() + UPCOMING_DAYS * 86_400_000);
  const sections = projects.flatMap((p) => p.sections.map((s) => ({ ...s, projectId: p.id, projectName: p.name })));
  const byPhase: Partial<Record<SectionPhase, number>> = {};
  for (const s of sections) byPhase[s.phase] = (byPhase[s.phase] ?? 0) + 1;
  return {
    jurisdiction: { code: jurisdiction, name: findRegion(jurisdiction)?.zh ?? jurisdiction },
    projects,
    byPhase,
    upcoming: sections
      .filter((s) => s.phase === "published" && s.deadlineAt <= horizon)
      .sort((a, b) => a.deadlineAt.getTime() - b.deadlineAt.getTime()),
    moves,
    documents,
  };
}

async function withSections(
  app: AppContext,
  projects: {
    id: string;
    code: string;
    name: string;
    region_code: string;
    procurement_type: "engineering" | "government";
    created_at: Date;
  }[],
) {
  if (projects.length === 0) return [];
  const now = app.clock.now();
  const sections = await app.db
    .selectFrom("sections")
    .select(["id", "project_id", "code", "name", "deadline_at", "published_at", "cancelled_at", "failed_at", "suspended_at"])
    .where(
      "project_id",
      "in",
      projects.map((p) => p.id),
    )
    .orderBy("sequence")
    .execute();
  const changes = await periodChangesOfSections(
    app.db,
    sections.map((s) => s.id),
  );
  return projects.map((p) => ({
    id: p.id,
    code: p.code,
    name: p.name,
    regionName: findRegion(p.region_code)?.zh ?? p.region_code,
    procurementType: p.procurement_type,
    createdAt: p.created_at,
    sections: sections
      .filter((s) => s.project_id === p.id)
      .map((s) => ({
        id: s.id,
        code: s.code,
        name: s.name,
        deadlineAt: s.deadline_at,
        phase: sectionPhase(factsOf(s), now),
        /** Statutory periods the official calendar moved; `unsatisfied`: the section's own dates no longer cover one. */
        periodChanges: {
          total: changes.filter((c) => c.sectionId === s.id).length,
          unsatisfied: changes.filter((c) => c.sectionId === s.id && !c.satisfied).length,
        },
      })),
  }));
}
