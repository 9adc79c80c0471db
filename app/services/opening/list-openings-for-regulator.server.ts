import {
  activeSuspension,
  assertOpeningAction,
  factsAsOf,
  OPENING_ACTION_PHASES,
  openingPhase,
  openingWithoutFacts,
  phaseUnderSuspension,
  requireReason,
  type OpeningFacts,
  type OpeningPhase,
} from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { findRegion } from "#app/domain/shared/regions.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { ensureOpening, findOpeningIdOfSection, loadOpeningFacts } from "#app/server/repo/openings.server.ts";
import { findProject, findSection } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";
import { isRegulatorOf, requireRegulator } from "./opening-context.server.ts";
import { suspendOpening } from "./suspend-opening.server.ts";

const WINDOW_DAYS = 14;
const DAY_MS = 86_400_000;
const MAX_ROWS = 300;

export interface RegulatorOpeningRow {
  sectionId: string;
  sectionCode: string;
  sectionName: string;
  projectId: string;
  projectCode: string;
  projectName: string;
  deadlineAt: Date;
  /** Null while nobody has looked at the opening and its deadline has not come. */
  openingId: string | null;
  phase: OpeningPhase;
  /** Where a suspended opening resumes to. */
  phaseUnderSuspension: Exclude<OpeningPhase, "suspended">;
  suspension: { suspendedAt: Date; reason: string } | null;
  /** Counted by the scheduler at the deadline; null before it, when nobody may learn who has bid. */
  validBids: number | null;
  minimumBids: number;
  maySuspend: boolean;
  mayResume: boolean;
}

/**
 * The regulator's desk of openings: every published section of its jurisdiction (its region and
 * below) whose deadline lies within 14 days either side of `now`, or whose opening row exists,
 * with the phase derived from the recorded facts. Read-only: an opening row is created only
 * when a suspension is asked for (`suspendOpeningOfSection`), never on reading.
 */
export async function listOpeningsForRegulator(
  app: AppContext,
  actor: Actor,
): Promise<{ jurisdiction: { code: string; zh: string; en: string }; canSuspend: boolean; openings: RegulatorOpeningRow[] }> {
  requirePermission(actor, "view:section:jurisdiction");
  const jurisdiction = actor.membership.regionCode;
  if (!/^\d{6}$/.test(jurisdiction)) throw new AppError("FORBIDDEN", { permission: "view:section:jurisdiction" });
  const now = app.clock.now();
  const canSuspend = actor.permissions.has("suspend:section:jurisdiction");

  // The owner filter in the query (the region prefix) and again through the one rule (isRegulatorOf).
  const projects = (
    await app.db
      .selectFrom("projects")
      .selectAll()
      .where("region_code", "like", `${jurisdiction.replace(/(00)+$/, "")}%`)
      .execute()
  ).filter((project) => isRegulatorOf(actor, { project }));
  if (projects.length === 0) return { jurisdiction: jurisdictionOf(jurisdiction), canSuspend, openings: [] };

  const sections = await app.db
    .selectFrom("sections as s")
    .leftJoin("openings as o", "o.section_id", "s.id")
    .select([
      "s.id",
      "s.project_id",
      "s.code",
      "s.name",
      "s.deadline_at",
      "s.sign_in_lead_minutes",
      "s.decryption_window_minutes",
      "s.confirmation_period_minutes",
      "s.minimum_bids",
      "o.id as opening_id",
    ])
    .where(
      "s.project_id",
      "in",
      projects.map((p) => p.id),
    )
    .where("s.published_at", "is not", null)
    .where("s.cancelled_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("o.id", "is not", null),
        eb.between("s.deadline_at", new Date(now.getTime() - WINDOW_DAYS * DAY_MS), new Date(now.getTime() + WINDOW_DAYS * DAY_MS)),
      ]),
    )
    .orderBy("s.deadline_at", "desc")
    .orderBy("s.code", "desc")
    .limit(MAX_ROWS)
    .execute();

  const byId = new Map(projects.map((p) => [p.id, p]));
  const openings = await Promise.all(
    sections.reverse().map(async (s): Promise<RegulatorOpeningRow> => {
      const loaded = s.opening_id ? await loadOpeningFacts(app.db, s.opening_id) : undefined;
      const facts = loaded?.facts ?? factsBeforeOpening(s);
      const phase = openingPhase(facts, now);
      const suspension = activeSuspension(factsAsOf(facts, now), now);
      const project = byId.get(s.project_id)!;
      return {
        sectionId: s.id,
        sectionCode: s.code,
        sectionName: s.name,
        projectId: project.id,
        projectCode: project.code,
        projectName: project.name,
        deadlineAt: s.deadline_at,
        openingId: s.opening_id,
        phase,
        phaseUnderSuspension: phaseUnderSuspension(facts, now),
        suspension: suspension && { suspendedAt: suspension.suspendedAt, reason: suspension.reason },
        validBids: factsAsOf(facts, now).validBidsAtDeadline,
        minimumBids: s.minimum_bids,
        maySuspend: canSuspend && (OPENING_ACTION_PHASES.suspend as readonly OpeningPhase[]).includes(phase),
        mayResume: canSuspend && s.opening_id !== null && (OPENING_ACTION_PHASES.resume as readonly OpeningPhase[]).includes(phase),
      };
    }),
  );
  return { jurisdiction: jurisdictionOf(jurisdiction), canSuspend, openings };
}

export interface SuspendOpeningOfSectionOptions {
  actor: Actor;
  sectionId: string;
  reason: string;
  meta: RequestMeta;
}

/**
 * The regulator suspends the opening of a section from its desk (条例 Art 62: it may suspend
 * during an investigation). The opening's row may not exist yet (it is made on first look or
 * at the deadline); it is made here, after the jurisdiction, the reason and the phase have been
 * checked, so a refused request leaves nothing behind. The row holds no fact, so making it
 * changes no phase; `suspendOpening` then records the suspension under the row lock.
 */
export async function suspendOpeningOfSection(
  app: AppContext,
  opts: SuspendOpeningOfSectionOptions,
): Promise<{ openingId: string; suspendedAt: Date }> {
  const section = /^[0-9a-f-]{36}$/i.test(opts.sectionId) ? await findSection(app.db, opts.sectionId) : undefined;
  if (!section || !section.published_at || section.cancelled_at) throw new AppError("NOT_FOUND", { what: "section" });
  const project = (await findProject(app.db, section.project_id))!;
  requireRegulator(opts.actor, { project });
  const reason = requireReason("suspend", opts.reason);
  let openingId = await findOpeningIdOfSection(app.db, section.id);
  if (!openingId) {
    assertOpeningAction(factsBeforeOpening(section), "suspend", app.clock.now());
    openingId = await ensureOpening(app.db, section.id, app.clock.now());
  }
  const { suspendedAt } = await suspendOpening(app, { actor: opts.actor, openingId, reason, meta: opts.meta });
  return { openingId, suspendedAt };
}

/** The facts of an opening whose row does not exist yet: the section's terms, nothing recorded. */
function factsBeforeOpening(s: {
  deadline_at: Date;
  sign_in_lead_minutes: number;
  decryption_window_minutes: number;
  confirmation_period_minutes: number;
  minimum_bids: number;
}): OpeningFacts {
  return openingWithoutFacts({
    deadlineAt: s.deadline_at,
    signInLeadMinutes: s.sign_in_lead_minutes,
    decryptionWindowMinutes: s.decryption_window_minutes,
    confirmationPeriodMinutes: s.confirmation_period_minutes,
    minimumBids: s.minimum_bids,
  });
}

function jurisdictionOf(code: string): { code: string; zh: string; en: string } {
  const region = findRegion(code);
  return { code, zh: region?.zh ?? code, en: region?.en ?? code };
}
