import { sql } from "kysely";
import { findRegion, regionWithin } from "#app/domain/shared/regions.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { sectionPhase, type SectionPhase } from "#app/domain/tendering/section-phase.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { factsOf } from "#app/server/repo/tendering.server.ts";

export interface AnnouncementFilters {
  /** Words in the project's name or code. */
  q?: string;
  /** A region code; covers its children (350000 covers 350100). */
  region?: string;
  type?: ProcurementType;
  /** Projects with at least one section in this phase. */
  phase?: SectionPhase;
}

const LIMIT = 200;

/**
 * The public list of announcements (no login): projects with something published, newest first,
 * each with its sections and their derived phases. Phases come from facts and `now`, so the phase
 * filter runs after the query; the query narrows by text, region and type first.
 */
export async function listAnnouncements(app: AppContext, filters: AnnouncementFilters) {
  const now = app.clock.now();
  let q = app.db
    .selectFrom("projects as p")
    .innerJoin("announcements as a", "a.project_id", "p.id")
    .where("a.version", "=", (eb) =>
      eb
        .selectFrom("announcements as a2")
        .select((e) => e.fn.max("a2.version").as("v"))
        .whereRef("a2.project_id", "=", "p.id"),
    )
    .select(["p.id", "p.code", "p.name", "p.region_code", "p.procurement_type", "a.title", "a.published_at"])
    .where("a.published_at", "<=", now)
    .orderBy("a.published_at", "desc")
    .limit(LIMIT);
  const text = filters.q?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb("p.name", "ilike", like), eb("p.code", "ilike", like), eb("a.title", "ilike", like)]));
  }
  if (filters.region) q = q.where("p.region_code", "like", `${filters.region.replace(/(00)+$/, "")}%`);
  if (filters.type) q = q.where("p.procurement_type", "=", filters.type);
  const projects = await q.execute();
  if (projects.length === 0) return { items: [], now };

  const sections = await app.db
    .selectFrom("sections")
    .select(["id", "project_id", "code", "name", "deadline_at", "published_at", "cancelled_at", "failed_at", "suspended_at"])
    .where(
      "project_id",
      "in",
      projects.map((p) => p.id),
    )
    .where(sql<boolean>`published_at is not null`)
    .orderBy("sequence")
    .execute();

  const items = projects
    .filter((p) => !filters.region || regionWithin(p.region_code, filters.region))
    .map((p) => ({
      id: p.id,
      code: p.code,
      name: p.name,
      title: p.title,
      regionName: findRegion(p.region_code)?.zh ?? p.region_code,
      procurementType: p.procurement_type,
      publishedAt: p.published_at,
      sections: sections
        .filter((s) => s.project_id === p.id)
        .map((s) => ({ id: s.id, code: s.code, name: s.name, deadlineAt: s.deadline_at, phase: sectionPhase(factsOf(s), now) })),
    }))
    .filter((p) => !filters.phase || p.sections.some((s) => s.phase === filters.phase));
  return { items, now };
}
