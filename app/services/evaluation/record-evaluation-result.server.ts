import { publicityPeriod, resultProblem, type CommitteeBid } from "#app/domain/evaluation/award-rules.ts";
import { isComprehensive } from "#app/domain/evaluation/evaluation-terms.ts";
import { totalHundredths } from "#app/domain/evaluation/price-score.ts";
import { assertBidsMayChange } from "#app/domain/tendering/suspension.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { requireProjectManager, withCalendar } from "#app/services/tendering/tendering-rules.server.ts";
import { loadEvaluation, machineScoring, priceOf } from "./evaluation-context.server.ts";
import { resultError } from "./evaluation-errors.server.ts";

export const REPORT_LIMIT_BYTES = 20 * 1024 * 1024;

export interface RecordEvaluationResultOptions {
  actor: Actor;
  sectionId: string;
  /** The committee's signed report (评标报告), a PDF. */
  report: Uint8Array;
  /** The members' names: kept confidential until the result is announced (法 44). */
  committee: string[];
  bids: Omit<CommitteeBid, "priceFen">[];
  /** Organisation ids, first candidate first. */
  candidates: string[];
  meta: RequestMeta;
}

/**
 * The agency records the evaluation committee's result (decision 66): the report (its SHA-256
 * anchored), the technical and commercial points within the method's range, the rejected bids
 * with their reasons and up to 3 ranked candidates. The machine's price points are computed again
 * here over the bids the committee kept valid. Recording it publishes the candidates for the
 * legal publicity period, counted by the calendar rules. All or nothing.
 */
export async function recordEvaluationResult(app: AppContext, opts: RecordEvaluationResultOptions): Promise<{ evaluationId: string }> {
  const now = app.clock.now();
  const loaded = await loadEvaluation(app.db, opts.sectionId, now);
  const { opening } = loaded;
  requirePermission(opts.actor, "record:result:own");
  requireProjectManager(opts.actor, opening.project);
  if (loaded.evaluation) throw new AppError("EVALUATION_ALREADY_RECORDED", { at: formatShanghai(loaded.evaluation.recorded_at, "zh-CN") });
  assertBidsMayChange({ suspendedAt: opening.section.suspended_at }, opening.project.procurement_type, now);

  const nameOf = (id: string) => opening.bids.find((b) => b.organisationId === id)?.organisationName ?? id;
  // Every bid of the opening, once, and no other.
  const given = new Map(opts.bids.map((b) => [b.organisationId, b]));
  if (given.size !== opts.bids.length || given.size !== opening.bids.length || opening.bids.some((b) => !given.has(b.organisationId)))
    throw new AppError("VALIDATION_FAILED", { field: "bids" });
  const committee = opts.committee.map((n) => n.trim()).filter(Boolean);
  if (committee.length === 0 || committee.length > 25 || committee.some((n) => n.length > 40))
    throw new AppError("VALIDATION_FAILED", { field: "committee" });
  if (
    opts.report.byteLength === 0 ||
    opts.report.byteLength > REPORT_LIMIT_BYTES ||
    Buffer.from(opts.report.subarray(0, 5)).toString("latin1") !== "%PDF-"
  )
    throw new AppError("EVALUATION_REPORT_INVALID", { limit: "20 MB" });

  const bids: CommitteeBid[] = opening.bids.map((b) => {
    const g = given.get(b.organisationId)!;
    const priceFen = priceOf(b);
    return { ...g, priceFen, rejectionReason: g.valid ? null : (g.rejectionReason?.trim() ?? null) };
  });
  const rejected = new Set(bids.filter((b) => !b.valid).map((b) => b.organisationId));
  const scoring = machineScoring(loaded, rejected);
  const method = opening.section.evaluation_method;
  const scored = isComprehensive(method) && loaded.terms.weights !== null;
  const priceRow = (id: string) => scoring?.rows.find((r) => r.id === id) ?? null;
  const totals = new Map(
    bids
      .filter((b) => b.valid)
      .map((b) => [
        b.organisationId,
        totalHundredths(priceRow(b.organisationId)?.scoreHundredths ?? null, b.technicalHundredths, b.commercialHundredths),
      ]),
  );
  const problem = resultProblem(method, loaded.terms, bids, opts.candidates, totals);
  if (problem) throw resultError(problem, nameOf);

  const calendar = await loadHolidayCalendar(app.db);
  const publicity = withCalendar(() => publicityPeriod(calendar, opening.project.procurement_type, now));
  const stored = await storageFor(app).put(`evaluations/${opts.sectionId}/report-${now.getTime()}.pdf`, opts.report);
  try {
    return await app.db.transaction().execute(async (trx) => {
      const again = await trx
        .selectFrom("evaluations")
        .select("id")
        .where("section_id", "=", opts.sectionId)
        .forUpdate()
        .executeTakeFirst();
      if (again) throw new AppError("EVALUATION_ALREADY_RECORDED", { at: formatShanghai(now, "zh-CN") });
      const { id: evaluationId } = await trx
        .insertInto("evaluations")
        .values({
          section_id: opts.sectionId,
          opening_id: opening.opening.id,
          report_key: stored.key,
          report_sha256: stored.sha256,
          report_size: stored.size,
          committee: JSON.stringify(committee),
          price_working: JSON.stringify({
            terms: loaded.terms,
            working: scoring?.working ?? null,
            rows: scoring?.rows.map((r) => ({ id: r.id, working: r.working })) ?? [],
          }),
          publicity_rule: publicity.rule,
          publicity_source: publicity.source,
          publicity_last_day: publicity.lastDay,
          publicity_ends_at: publicity.endsAt,
          publicity_provisional: publicity.provisional,
          recorded_by: opts.actor.personId,
          recorded_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("evaluation_bids")
        .values(
          bids.map((b) => {
            const row = b.valid ? priceRow(b.organisationId) : null;
            return {
              evaluation_id: evaluationId,
              opening_bid_id: opening.bids.find((x) => x.organisationId === b.organisationId)!.id,
              organisation_id: b.organisationId,
              price_fen: b.priceFen === null ? null : b.priceFen.toString(),
              valid: b.valid,
              rejection_reason: b.rejectionReason,
              abnormal_low: row?.abnormalLow ?? false,
              price_hundredths: row?.scoreHundredths?.toString() ?? null,
              technical_hundredths: b.valid && scored ? b.technicalHundredths : null,
              commercial_hundredths: b.valid && scored ? b.commercialHundredths : null,
              total_hundredths: b.valid && scored ? totals.get(b.organisationId)!.toString() : null,
              candidate_rank: b.valid && opts.candidates.includes(b.organisationId) ? opts.candidates.indexOf(b.organisationId) + 1 : null,
            };
          }),
        )
        .execute();
      await queueForAnchoring(trx, { sha256: stored.sha256, source: "evaluation-report" }, now);
      await appendAudit(trx, {
        event: {
          type: "evaluation.result_recorded",
          data: {
            sectionId: opts.sectionId,
            evaluationId,
            reportSha256: stored.sha256,
            candidates: opts.candidates,
            rejected: [...rejected],
            publicityEndsAt: publicity.endsAt.toISOString(),
          },
        },
        actor: auditActorOf(opts.actor, opts.meta),
        at: now,
      });
      return { evaluationId };
    });
  } catch (e) {
    await storageFor(app).remove(stored.key);
    throw e;
  }
}
