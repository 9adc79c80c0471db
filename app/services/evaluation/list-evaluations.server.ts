import { evaluationPhase, type EvaluationPhase } from "#app/domain/evaluation/award-rules.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";

export interface EvaluationListItem {
  sectionId: string;
  sectionCode: string;
  sectionName: string;
  projectName: string;
  phase: EvaluationPhase;
  publicityEndsAt: string | null;
  /** Notices of the award still waiting for a signature of the viewer's organisation. */
  noticesToSign: number;
  /** The viewer's organisation runs the project (the agency, or the tenderer tendering by itself). */
  manager: boolean;
  tenderer: boolean;
  /** The award's notices carry every signature they need (ready to issue). */
  allSigned: boolean;
}

/**
 * The sections of the actor's own projects (as agency or tenderer) whose opening record is signed:
 * where each stands from the committee's result to the announced award (decisions 66, 67). Only
 * the organisation's own projects, filtered in the query.
 */
export async function listEvaluations(app: AppContext, actor: Actor): Promise<EvaluationListItem[]> {
  const now = app.clock.now();
  const org = actor.membership.organisationId;
  const rows = await app.db
    .selectFrom("sections as s")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("openings as o", "o.section_id", "s.id")
    .leftJoin("evaluations as e", "e.section_id", "s.id")
    .leftJoin("awards as a", "a.section_id", "s.id")
    .select([
      "s.id",
      "s.code",
      "s.name",
      "p.name as project_name",
      "p.tenderer_organisation_id",
      "p.agency_organisation_id",
      "e.recorded_at",
      "e.publicity_ends_at",
      "a.id as award_id",
      "a.decided_at",
      "a.announced_at",
    ])
    .where((eb) => eb.or([eb("p.agency_organisation_id", "=", org), eb("p.tenderer_organisation_id", "=", org)]))
    .where("o.opening_record_sha256", "is not", null)
    .where("o.failed_at", "is", null)
    .orderBy("s.code")
    .execute();
  const awardIds = rows.flatMap((r) => (r.award_id ? [r.award_id] : []));
  const notices = awardIds.length
    ? await app.db
        .selectFrom("award_notices")
        .select(["award_id", "tenderer_signed_at", "agency_signed_at"])
        .where("award_id", "in", awardIds)
        .execute()
    : [];
  return rows.map((r) => {
    const mine = notices.filter((n) => n.award_id === r.award_id);
    const waitingForMe = mine.filter((n) =>
      !n.tenderer_signed_at ? r.tenderer_organisation_id === org : r.agency_organisation_id === org && !n.agency_signed_at,
    );
    return {
      sectionId: r.id,
      sectionCode: r.code,
      sectionName: r.name,
      projectName: r.project_name,
      phase: evaluationPhase(
        {
          evaluationRecordedAt: r.recorded_at,
          publicityEndsAt: r.publicity_ends_at,
          awardDecidedAt: r.decided_at,
          announcedAt: r.announced_at,
        },
        now,
      ),
      publicityEndsAt: r.publicity_ends_at?.toISOString() ?? null,
      noticesToSign: waitingForMe.length,
      manager: (r.agency_organisation_id ?? r.tenderer_organisation_id) === org,
      tenderer: r.tenderer_organisation_id === org,
      allSigned: mine.length > 0 && mine.every((n) => n.tenderer_signed_at && (!r.agency_organisation_id || n.agency_signed_at)),
    };
  });
}
