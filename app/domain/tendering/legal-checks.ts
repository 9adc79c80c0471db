import { calendarDaysBetween, plusDays, shanghaiDay, type LocalDay } from "#app/domain/calendar/local-day.ts";
import { addWorkingDays, workingDaysBetween } from "#app/domain/calendar/periods.ts";
import type { HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import type { Fen } from "#app/domain/shared/money.ts";
import { RULE_SOURCES, type RuleSet } from "./rule-set.ts";

/**
 * The legal checks of a tender before its opening (DOMAIN.md §4). Each returns null when the
 * rule holds, or a violation naming the rule, its source, the dates or amounts involved and
 * what would satisfy it, so the error a person sees can say exactly what to change.
 *
 * Counting (DOMAIN.md §3): the day a period starts is not counted; "at least N days before the
 * deadline" means the deadline's Shanghai calendar day is N or more days after the act's day.
 */
export type Violation =
  | { rule: "bidSecurityCap"; source: string; securityFen: Fen; capFen: Fen; basisFen: Fen; basisPoints: number }
  | {
      rule: "documentsToDeadline";
      source: string;
      issuedOn: LocalDay;
      deadlineOn: LocalDay;
      days: number;
      requiredDays: number;
      earliestDeadlineOn: LocalDay;
    }
  | {
      rule: "documentsOnSale";
      source: string;
      saleFrom: LocalDay;
      saleUntil: LocalDay;
      count: number;
      required: number;
      unit: "calendarDays" | "workingDays";
      earliestEndOn: LocalDay;
    }
  | {
      rule: "clarificationLead";
      source: string;
      issuedOn: LocalDay;
      deadlineOn: LocalDay;
      days: number;
      requiredDays: number;
      earliestDeadlineOn: LocalDay;
    }
  | {
      rule: "documentObjectionLead";
      source: string;
      raisedOn: LocalDay;
      deadlineOn: LocalDay;
      days: number;
      requiredDays: number;
      lastDayOn: LocalDay;
    };

/** 条例 26 / GP条例 33: bid security at most 2% of the estimate (GP: budget). */
export function checkBidSecurity(rules: RuleSet, input: { estimateFen: Fen; securityFen: Fen }): Violation | null {
  // Integer arithmetic: the cap is rounded down to the fen, so the rule can never be exceeded by rounding.
  const capFen = (input.estimateFen * BigInt(rules.bidSecurityMaxBasisPoints)) / 10_000n;
  if (input.securityFen <= capFen) return null;
  return {
    rule: "bidSecurityCap",
    source: RULE_SOURCES[rules.procurementType].bidSecurityMaxBasisPoints,
    securityFen: input.securityFen,
    capFen,
    basisFen: input.estimateFen,
    basisPoints: rules.bidSecurityMaxBasisPoints,
  };
}

/** 法 24 / GP法 35: from the day documents are issued to the deadline, at least 20 days. */
export function checkDocumentsToDeadline(
  rules: RuleSet,
  input: { mandatoryTendering: boolean; issuedAt: Date; deadlineAt: Date },
): Violation | null {
  if (rules.documentsToDeadlineAppliesTo === "mandatory" && !input.mandatoryTendering) return null;
  const issuedOn = shanghaiDay(input.issuedAt);
  const deadlineOn = shanghaiDay(input.deadlineAt);
  const days = calendarDaysBetween(issuedOn, deadlineOn);
  if (days >= rules.documentsToDeadlineDays) return null;
  return {
    rule: "documentsToDeadline",
    source: RULE_SOURCES[rules.procurementType].documentsToDeadlineDays,
    issuedOn,
    deadlineOn,
    days,
    requiredDays: rules.documentsToDeadlineDays,
    earliestDeadlineOn: plusDays(issuedOn, rules.documentsToDeadlineDays),
  };
}

/** 条例 16 (5 days) / 87号令 (5 working days): how long the documents are on sale. */
export function checkDocumentsOnSale(
  rules: RuleSet,
  calendar: HolidayCalendar,
  input: { saleFrom: Date; saleUntil: Date },
): Violation | null {
  const saleFrom = shanghaiDay(input.saleFrom);
  const saleUntil = shanghaiDay(input.saleUntil);
  const { count: required, unit } = rules.documentsOnSale;
  const count = unit === "workingDays" ? workingDaysBetween(calendar, saleFrom, saleUntil) : calendarDaysBetween(saleFrom, saleUntil);
  if (count >= required) return null;
  return {
    rule: "documentsOnSale",
    source: RULE_SOURCES[rules.procurementType].documentsOnSale,
    saleFrom,
    saleUntil,
    count,
    required,
    unit,
    earliestEndOn: unit === "workingDays" ? addWorkingDays(calendar, saleFrom, required) : plusDays(saleFrom, required),
  };
}

/**
 * 条例 21 / 87号令 27: a clarification or amendment that may affect the preparation of bids must be
 * issued at least 15 days before the deadline; otherwise the deadline moves (to
 * `earliestDeadlineOn` or later). One that does not affect preparation may come later.
 */
export function checkClarification(
  rules: RuleSet,
  input: { affectsPreparation: boolean; issuedAt: Date; deadlineAt: Date },
): Violation | null {
  if (!input.affectsPreparation) return null;
  const issuedOn = shanghaiDay(input.issuedAt);
  const deadlineOn = shanghaiDay(input.deadlineAt);
  const days = calendarDaysBetween(issuedOn, deadlineOn);
  if (days >= rules.clarificationLeadDays) return null;
  return {
    rule: "clarificationLead",
    source: RULE_SOURCES[rules.procurementType].clarificationLeadDays,
    issuedOn,
    deadlineOn,
    days,
    requiredDays: rules.clarificationLeadDays,
    earliestDeadlineOn: plusDays(issuedOn, rules.clarificationLeadDays),
  };
}

/** 条例 22: an objection to the tender documents must come at least 10 days before the deadline. */
export function checkDocumentObjection(rules: RuleSet, input: { raisedAt: Date; deadlineAt: Date }): Violation | null {
  const raisedOn = shanghaiDay(input.raisedAt);
  const deadlineOn = shanghaiDay(input.deadlineAt);
  const days = calendarDaysBetween(raisedOn, deadlineOn);
  if (days >= rules.documentObjectionLeadDays) return null;
  return {
    rule: "documentObjectionLead",
    source: RULE_SOURCES[rules.procurementType].documentObjectionLeadDays,
    raisedOn,
    deadlineOn,
    days,
    requiredDays: rules.documentObjectionLeadDays,
    lastDayOn: plusDays(deadlineOn, -rules.documentObjectionLeadDays),
  };
}
