import { awardBlock, evaluationPhase, type EvaluationPhase } from "#app/domain/evaluation/award-rules.ts";
import { describeTerms, isComprehensive } from "#app/domain/evaluation/evaluation-terms.ts";
import type { EvaluationView } from "#app/domain/evaluation/view.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { nextStep } from "./award-notice-signing.server.ts";
import { loadEvaluation, machineScoring, priceOf, unansweredResultObjections } from "./evaluation-context.server.ts";
import { awardBlockError } from "./evaluation-errors.server.ts";

/** Hundredths of a point as "58.23". */
export const points = (h: bigint | number | null): string | null => {
  if (h === null) return null;
  const v = BigInt(h);
  const sign = v < 0n ? "-" : "";
  const a = v < 0n ? -v : v;
  return `${sign}${a / 100n}.${(a % 100n).toString().padStart(2, "0")}`;
};

/**
 * What the agency's evaluation page and the tenderer's award page show (decisions 65–67): the
 * machine's price scores with the working, the committee's recorded result, the publicity, the
 * award and its notices with their signatures. Only the project's agency and tenderer read it;
 * the committee's names only the one who recorded them (the manager) until the award is announced
 * (法 44). Amounts are decimal strings of fen, points strings of hundredths.
 */
export async function readEvaluation(app: AppContext, actor: Actor, sectionId: string): Promise<EvaluationView> {
  const now = app.clock.now();
  const loaded = await loadEvaluation(app.db, sectionId, now);
  const { project, section } = loaded.opening;
  const org = actor.membership.organisationId;
  if (org !== project.agency_organisation_id && org !== project.tenderer_organisation_id)
    throw new AppError("FORBIDDEN", { permission: "record:result:own" });
  const manager = (project.agency_organisation_id ?? project.tenderer_organisation_id) === org;
  const can = (p: string) => (actor.permissions as ReadonlySet<string>).has(p);
  const { evaluation, award } = loaded;
  const nameOf = (id: string) => loaded.opening.bids.find((b) => b.organisationId === id)?.organisationName ?? "";
  const scoring = machineScoring(loaded);
  const unanswered = evaluation ? await unansweredResultObjections(app.db, section.id) : 0;
  const phase: EvaluationPhase = evaluationPhase(
    {
      evaluationRecordedAt: evaluation?.recorded_at ?? null,
      publicityEndsAt: evaluation?.publicity_ends_at ?? null,
      awardDecidedAt: award?.decided_at ?? null,
      announcedAt: award?.announced_at ?? null,
    },
    now,
  );
  // What would stop awarding to the first candidate now, in words (the page says it before anyone tries).
  const first = loaded.evaluationBids.find((b) => b.candidate_rank === 1);
  const block =
    evaluation && !award
      ? awardBlock(
          {
            publicityEndsAt: evaluation.publicity_ends_at,
            suspendedAt: section.suspended_at,
            unansweredObjections: unanswered,
            rank: first ? 1 : null,
            reason: null,
          },
          now,
        )
      : null;
  const blockError = block ? awardBlockError(block) : null;
  const working = evaluation?.price_working as { rows?: { id: string; working: { zh: string; en: string } }[] } | null;
  return {
    now: now.toISOString(),
    phase,
    project: { id: project.id, code: project.code, name: project.name, procurementType: project.procurement_type },
    section: { id: section.id, code: section.code, name: section.name, suspendedAt: section.suspended_at?.toISOString() ?? null },
    method: section.evaluation_method,
    comprehensive: isComprehensive(section.evaluation_method) && loaded.terms.weights !== null,
    weights: loaded.terms.weights,
    termsText: describeTerms(section.evaluation_method, loaded.terms),
    viewer: {
      manager,
      tenderer: org === project.tenderer_organisation_id,
      hasAgency: project.agency_organisation_id !== null,
      mayRecord: manager && can("record:result:own"),
      mayDecide: org === project.tenderer_organisation_id && can("record:result:own"),
      maySign: can("sign:notice:own"),
      mayIssue: manager && can("record:result:own"),
    },
    bids: loaded.opening.bids.map((b) => ({
      organisationId: b.organisationId,
      name: b.organisationName,
      decrypted: b.result === "decrypted",
      priceFen: priceOf(b)?.toString() ?? null,
    })),
    scoring: scoring && {
      working: scoring.working,
      rows: scoring.rows.map((r) => ({
        organisationId: r.id,
        name: nameOf(r.id),
        priceFen: r.priceFen.toString(),
        points: points(r.scoreHundredths),
        rank: r.rank,
        abnormalLow: r.abnormalLow,
        working: r.working,
      })),
    },
    evaluation: evaluation
      ? {
          recordedAt: evaluation.recorded_at.toISOString(),
          reportSha256: evaluation.report_sha256,
          reportSize: String(evaluation.report_size),
          publicityEndsAt: evaluation.publicity_ends_at.toISOString(),
          publicityLastDay: evaluation.publicity_day,
          publicitySource: evaluation.publicity_source,
          committee: manager || award?.announced_at ? (evaluation.committee as string[]) : null,
          unansweredObjections: unanswered,
          bids: loaded.evaluationBids
            .map((b) => ({
              organisationId: b.organisation_id,
              name: nameOf(b.organisation_id),
              priceFen: b.price_fen?.toString() ?? null,
              valid: b.valid,
              rejectionReason: b.rejection_reason,
              abnormalLow: b.abnormal_low,
              pricePoints: points(b.price_hundredths),
              technical: points(b.technical_hundredths),
              commercial: points(b.commercial_hundredths),
              total: points(b.total_hundredths),
              rank: b.candidate_rank,
              // The recorded working of the committee's valid bids (the scores computed again without the rejected ones).
              working: working?.rows?.find((r) => r.id === b.organisation_id)?.working ?? null,
            }))
            .sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99) || a.name.localeCompare(b.name)),
        }
      : null,
    awardBlock: blockError && { zh: blockError.messageIn("zh-CN"), en: blockError.messageIn("en") },
    award: award
      ? {
          winnerName: nameOf(award.winner_organisation_id),
          rank: award.candidate_rank,
          reason: award.reason,
          priceFen: award.price_fen.toString(),
          decidedAt: award.decided_at.toISOString(),
          announcedAt: award.announced_at?.toISOString() ?? null,
        }
      : null,
    notices: loaded.notices.map((n) => {
      const step = nextStep({ ...n, agency_organisation_id: project.agency_organisation_id });
      return {
        id: n.id,
        kind: n.kind,
        number: n.number,
        organisationName: n.organisation_name,
        sha256: n.document_sha256,
        tendererSignedAt: n.tenderer_signed_at?.toISOString() ?? null,
        agencySignedAt: n.agency_signed_at?.toISOString() ?? null,
        issuedAt: n.issued_at?.toISOString() ?? null,
        acknowledgedAt: n.acknowledged_at?.toISOString() ?? null,
        nextStep: step,
        // The signing organisation of the step that waits is the viewer's.
        mySignature: step !== null && (step === "tenderer" ? project.tenderer_organisation_id : project.agency_organisation_id) === org,
      };
    }),
  };
}
