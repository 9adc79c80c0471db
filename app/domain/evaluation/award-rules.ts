import { periodFrom, type LegalPeriod } from "#app/domain/calendar/periods.ts";
import type { HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import type { Citation } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { isComprehensive, type EvaluationTerms } from "./evaluation-terms.ts";

/**
 * From the committee's result to the award (decision 66). Pure: the caller passes the facts,
 * the calendar and `now`.
 *
 * | | engineering | government procurement |
 * |---|---|---|
 * | candidates | ≤ 3, ranked (条例 53) | ≤ 3, ranked (87号令 68) |
 * | publicity of the candidates | ≥ 3 days from the report's publication (条例 54) | the result announced for 1 working day (87号令 69) |
 * | objection to the result | during the publicity (条例 54) | a challenge (质疑) within it (GP法 52) |
 *
 * No award before the publicity ends, while an objection to the result is unanswered (条例 54:
 * the activity pauses) or while the section is suspended (条例 62 / GP法 57).
 */
export const MAX_CANDIDATES = 3;

const c = (zh: string, en: string): Citation => ({ zh, en });

export const PUBLICITY_RULES: Record<ProcurementType, { count: number; unit: "calendarDays" | "workingDays"; source: Citation }> = {
  engineering: { count: 3, unit: "calendarDays", source: c("招标投标法实施条例第五十四条", "Regulations on the Bidding Law Art 54") },
  government: { count: 1, unit: "workingDays", source: c("政府采购货物和服务招标投标管理办法（87号令）第六十九条", "MOF Order 87 Art 69") },
};

/** The publicity that starts at `from` (its day not counted; decision 30). */
export function publicityPeriod(cal: HolidayCalendar, type: ProcurementType, from: Date): LegalPeriod & { citation: Citation } {
  const rule = PUBLICITY_RULES[type];
  return {
    ...periodFrom(cal, { rule: "candidatePublicity", source: rule.source.zh, from, count: rule.count, unit: rule.unit }),
    citation: rule.source,
  };
}

export type EvaluationPhase = "awaitingResult" | "publicity" | "awaitingAward" | "signing" | "awarded";

/** Where the section stands after its opening closed, from the recorded facts and `now`. */
export function evaluationPhase(
  f: { evaluationRecordedAt: Date | null; publicityEndsAt: Date | null; awardDecidedAt: Date | null; announcedAt: Date | null },
  now: Date,
): EvaluationPhase {
  if (f.announcedAt && f.announcedAt <= now) return "awarded";
  if (f.awardDecidedAt && f.awardDecidedAt <= now) return "signing";
  if (!f.evaluationRecordedAt || f.evaluationRecordedAt > now) return "awaitingResult";
  return now < f.publicityEndsAt! ? "publicity" : "awaitingAward";
}

export interface CommitteeBid {
  organisationId: string;
  /** null when not decrypted (nothing to evaluate). */
  priceFen: bigint | null;
  valid: boolean;
  rejectionReason: string | null;
  technicalHundredths: number | null;
  commercialHundredths: number | null;
}

export type ResultProblem =
  | { kind: "tooManyCandidates"; count: number }
  | { kind: "noCandidate" }
  | { kind: "candidateNotValid"; organisationId: string }
  | { kind: "candidateTwice"; organisationId: string }
  | { kind: "rejectionWithoutReason"; organisationId: string }
  | { kind: "notDecryptedValid"; organisationId: string }
  | { kind: "scoreOutOfRange"; organisationId: string; part: "technical" | "commercial"; max: number }
  | { kind: "scoreMissing"; organisationId: string; part: "technical" | "commercial" }
  | { kind: "scoreNotAllowed"; organisationId: string }
  | { kind: "rankOrder"; organisationId: string };

/**
 * Why the committee's result cannot be recorded as given, or null. `totals` are the valid bids'
 * total points in hundredths (comprehensive scoring) — candidates must follow them, best first (a
 * tie may go either way); under a lowest-price method candidates follow the price, lowest first.
 */
export function resultProblem(
  method: string,
  terms: EvaluationTerms,
  bids: readonly CommitteeBid[],
  candidates: readonly string[],
  totals: ReadonlyMap<string, bigint>,
): ResultProblem | null {
  if (candidates.length > MAX_CANDIDATES) return { kind: "tooManyCandidates", count: candidates.length };
  if (candidates.length === 0) return { kind: "noCandidate" };
  const scored = isComprehensive(method) && terms.weights !== null;
  for (const b of bids) {
    if (!b.valid && !b.rejectionReason?.trim()) return { kind: "rejectionWithoutReason", organisationId: b.organisationId };
    if (b.valid && b.priceFen === null) return { kind: "notDecryptedValid", organisationId: b.organisationId };
    if (!scored || !b.valid) {
      if (b.technicalHundredths !== null || b.commercialHundredths !== null)
        return { kind: "scoreNotAllowed", organisationId: b.organisationId };
      continue;
    }
    for (const part of ["technical", "commercial"] as const) {
      const v = part === "technical" ? b.technicalHundredths : b.commercialHundredths;
      const max = terms.weights![part];
      if (v === null) return { kind: "scoreMissing", organisationId: b.organisationId, part };
      if (!Number.isInteger(v) || v < 0 || v > max * 100) return { kind: "scoreOutOfRange", organisationId: b.organisationId, part, max };
    }
  }
  const seen = new Set<string>();
  for (const id of candidates) {
    if (seen.has(id)) return { kind: "candidateTwice", organisationId: id };
    seen.add(id);
    const bid = bids.find((b) => b.organisationId === id);
    if (!bid || !bid.valid) return { kind: "candidateNotValid", organisationId: id };
  }
  // The ranking follows the points (or the price): no valid bid left out ranks above a candidate.
  const key = (id: string): bigint => (scored ? totals.get(id)! : -bids.find((b) => b.organisationId === id)!.priceFen!);
  for (let i = 1; i < candidates.length; i++)
    if (key(candidates[i]!) > key(candidates[i - 1]!)) return { kind: "rankOrder", organisationId: candidates[i]! };
  const lastKey = key(candidates.at(-1)!);
  for (const b of bids)
    if (b.valid && !seen.has(b.organisationId) && key(b.organisationId) > lastKey)
      return { kind: "rankOrder", organisationId: b.organisationId };
  return null;
}

export type AwardBlock =
  | { kind: "publicity"; endsAt: Date }
  | { kind: "suspended"; since: Date }
  | { kind: "objection"; count: number }
  | { kind: "reasonRequired" }
  | { kind: "notCandidate" };

/** Why the tenderer may not award to the candidate of `rank` now, or null. */
export function awardBlock(
  f: { publicityEndsAt: Date; suspendedAt: Date | null; unansweredObjections: number; rank: number | null; reason: string | null },
  now: Date,
): AwardBlock | null {
  if (f.suspendedAt && f.suspendedAt <= now) return { kind: "suspended", since: f.suspendedAt };
  if (now < f.publicityEndsAt) return { kind: "publicity", endsAt: f.publicityEndsAt };
  if (f.unansweredObjections > 0) return { kind: "objection", count: f.unansweredObjections };
  if (f.rank === null) return { kind: "notCandidate" };
  // 条例 55: the first candidate, unless it gave up, failed to perform or was found ineligible: say which.
  if (f.rank !== 1 && !f.reason?.trim()) return { kind: "reasonRequired" };
  return null;
}
