import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * Credit standing (DOMAIN.md §6): grades are data with effective dates, source and history;
 * statutory bans are recorded beside them with scope, legal basis and end date. These rules
 * decide what a grade or ban means for registration, bidding and the bid security.
 */
export const CREDIT_GRADES = ["red", "orange", "blue", "black"] as const;
export type CreditGrade = (typeof CREDIT_GRADES)[number];
export type BanScope = "engineering" | "government" | "both";

export interface CreditRecord {
  grade: CreditGrade;
  effectiveFrom: Date;
  /** Open-ended when null. */
  effectiveTo: Date | null;
  source: string;
  reason: string;
}

export interface Ban {
  scope: BanScope;
  /** e.g. 招标投标法第五十三条 (collusion, 1–2 years). */
  basis: string;
  from: Date;
  until: Date;
}

/** The grade in force at `now`: the latest record whose period contains now; orange (normal) when none. */
export function gradeAt(records: readonly CreditRecord[], now: Date): CreditRecord | null {
  const inForce = records.filter((r) => r.effectiveFrom <= now && (r.effectiveTo === null || now < r.effectiveTo));
  inForce.sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime());
  return inForce[0] ?? null;
}

export function activeBans(bans: readonly Ban[], type: ProcurementType, now: Date): Ban[] {
  return bans.filter((b) => (b.scope === "both" || b.scope === type) && b.from <= now && now < b.until);
}

export type ParticipationRefusal =
  | { reason: "black"; grade: "black"; source: string; since: Date; detail: string }
  | { reason: "banned"; basis: string; until: Date; scope: BanScope };

/**
 * Registration and bidding: refused for a black grade (naming it, its source and its date) or an
 * active ban in the project's scope, whatever the grade.
 */
export function participationRefusal(input: {
  records: readonly CreditRecord[];
  bans: readonly Ban[];
  type: ProcurementType;
  now: Date;
}): ParticipationRefusal | null {
  const current = gradeAt(input.records, input.now);
  if (current?.grade === "black")
    return { reason: "black", grade: "black", source: current.source, since: current.effectiveFrom, detail: current.reason };
  const [ban] = activeBans(input.bans, input.type, input.now);
  if (ban) return { reason: "banned", basis: ban.basis, until: ban.until, scope: ban.scope };
  return null;
}

/** A credit commitment may replace the bid security only for red-rated bidders where the section allows it. */
export function mayOfferCreditCommitment(input: { records: readonly CreditRecord[]; sectionAllows: boolean; now: Date }): boolean {
  return input.sectionAllows && gradeAt(input.records, input.now)?.grade === "red";
}

/** Blue is flagged to the agency and the regulator (at registration and at the opening). */
export function isFlagged(records: readonly CreditRecord[], now: Date): boolean {
  return gradeAt(records, now)?.grade === "blue";
}
