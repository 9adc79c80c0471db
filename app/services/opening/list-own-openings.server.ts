import { openingPhase, openingWithoutFacts, type OpeningPhase } from "#app/domain/opening/index.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { loadOpeningFacts } from "#app/server/repo/openings.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // UTC+8 all year, no daylight saving
const MAX_ROWS = 300;

export interface OwnOpeningRow {
  sectionId: string;
  sectionCode: string;
  sectionName: string;
  projectId: string;
  projectCode: string;
  projectName: string;
  deadlineAt: Date;
  phase: OpeningPhase;
  /** `host`: the organisation hosts it; `tenderer`: an agency hosts the tenderer's project (read view). */
  role: "host" | "tenderer";
  /** today: the deadline falls on today's date in Beijing time; coming: later; inProgress: earlier, not over. */
  when: "today" | "coming" | "inProgress";
}

/** Midnight of `now`'s date in Beijing time, as an instant. */
export function startOfBeijingDay(now: Date): Date {
  return new Date(Math.floor((now.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/**
 * The agency's or tenderer's openings (issue 13, the 开标 entry): published sections of its own
 * projects whose deadline is today or later, and earlier ones whose opening is not over yet,
 * nearest first, with the phase derived from the recorded facts. Read-only: no opening row is made.
 * Owner filter in the query: projects where the organisation is the agency or the tenderer.
 */
export async function listOwnOpenings(app: AppContext, actor: Actor): Promise<{ openings: OwnOpeningRow[] }> {
  requirePermission(actor, "host:opening:own");
  const org = actor.membership.organisationId;
  const now = app.clock.now();
  const today = startOfBeijingDay(now);
  const tomorrow = new Date(today.getTime() + DAY_MS);
  const rows = await app.db
    .selectFrom("sections as s")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .leftJoin("openings as o", "o.section_id", "s.id")
    .select([
      "s.id",
      "s.code",
      "s.name",
      "s.deadline_at",
      "s.sign_in_lead_minutes",
      "s.decryption_window_minutes",
      "s.confirmation_period_minutes",
      "s.minimum_bids",
      "p.id as project_id",
      "p.code as project_code",
      "p.name as project_name",
      "p.agency_organisation_id",
      "p.tenderer_organisation_id",
      "o.id as opening_id",
      "o.closed_at",
      "o.failed_at",
    ])
    .where((eb) => eb.or([eb("p.agency_organisation_id", "=", org), eb("p.tenderer_organisation_id", "=", org)]))
    .where("s.published_at", "is not", null)
    .where("s.cancelled_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("s.deadline_at", ">=", today),
        eb.and([eb("o.id", "is not", null), eb("o.closed_at", "is", null), eb("o.failed_at", "is", null)]),
      ]),
    )
    .orderBy("s.deadline_at")
    .orderBy("s.code")
    .limit(MAX_ROWS)
    .execute();

  const openings: OwnOpeningRow[] = [];
  for (const s of rows) {
    const loaded = s.opening_id ? await loadOpeningFacts(app.db, s.opening_id) : undefined;
    const facts =
      loaded?.facts ??
      openingWithoutFacts({
        deadlineAt: s.deadline_at,
        signInLeadMinutes: s.sign_in_lead_minutes,
        decryptionWindowMinutes: s.decryption_window_minutes,
        confirmationPeriodMinutes: s.confirmation_period_minutes,
        minimumBids: s.minimum_bids,
      });
    const phase = openingPhase(facts, now);
    const when = s.deadline_at >= tomorrow ? "coming" : s.deadline_at >= today ? "today" : "inProgress";
    // An earlier opening whose facts say it is over (a timed fact not yet written) is not listed.
    if (when === "inProgress" && (phase === "closed" || phase === "failed")) continue;
    openings.push({
      sectionId: s.id,
      sectionCode: s.code,
      sectionName: s.name,
      projectId: s.project_id,
      projectCode: s.project_code,
      projectName: s.project_name,
      deadlineAt: s.deadline_at,
      phase,
      role: (s.agency_organisation_id ?? s.tenderer_organisation_id) === org ? "host" : "tenderer",
      when,
    });
  }
  return { openings };
}
