import {
  calendarDaysBetween,
  dayEndingAt,
  plusDays,
  shanghaiDay,
  startOfShanghaiDay,
  type LocalDay,
} from "#app/domain/calendar/local-day.ts";
import { coversPeriod, daysBetween, lastDayBefore, periodFrom, type LegalPeriod } from "#app/domain/calendar/periods.ts";
import type { HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import type { Fen } from "#app/domain/shared/money.ts";
import { RULE_SOURCES, type ProcurementType, type RuleSet } from "./rule-set.ts";

/**
 * The legal checks of a tender before its opening (DOMAIN.md §4). Each returns null when the
 * rule holds, or a violation naming the rule, its source, the dates or amounts involved and
 * what would satisfy it, so the error a person sees can say exactly what to change.
 *
 * Counting (DOMAIN.md §3, docs/decisions/0030):
 * - a period FROM an event (documents on sale ≥ 5 days, documents → deadline ≥ 20 days): the
 *   event's day is not counted, and a last day that is a holiday or rest day moves to the next
 *   working day (民法典 201, 203; 87号令 85), on the calendar in force, which may be provisional
 *   for a year the State Council has not published (decision 0031: the violation says so);
 * - "at least N days BEFORE the deadline" (clarifications, objections to the documents): counted
 *   backward from the deadline's day, calendar days, never moved by a holiday;
 * - an end or a deadline given as an instant falls on `dayEndingAt(instant)`: at 00:00 it ends
 *   the day before, which is then its last day.
 */

/** How the periods are counted, named beside the rule's own source. */
export const COUNTING_SOURCES: Record<ProcurementType, string> = {
  engineering: "民法典第二百零一条、第二百零三条",
  government: "政府采购货物和服务招标投标管理办法（87号令）第八十五条",
};

export type Violation =
  | { rule: "bidSecurityCap"; source: string; securityFen: Fen; capFen: Fen; basisFen: Fen; basisPoints: number }
  | {
      rule: "documentsToDeadline";
      source: string;
      countingSource: string;
      issuedOn: LocalDay;
      deadlineOn: LocalDay;
      days: number;
      requiredDays: number;
      /** The period's last day (moved off a holiday): the deadline's earliest day. */
      earliestDeadlineOn: LocalDay;
      provisional: boolean;
    }
  | {
      rule: "documentsOnSale";
      source: string;
      countingSource: string;
      saleFrom: LocalDay;
      saleUntil: LocalDay;
      count: number;
      required: number;
      unit: "calendarDays" | "workingDays";
      earliestEndOn: LocalDay;
      provisional: boolean;
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
    }
  | {
      rule: "registrationOutsideSale";
      source: string;
      at: Date;
      opensAt: Date;
      /** The later of the announced end and the end of the statutory sale period. */
      closesAt: Date;
      early: boolean;
      provisional: boolean;
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

/**
 * 法 24 / GP法 35: the period from the day the documents are issued (not counted) that the bid
 * deadline must not end before; null where it does not bind (engineering projects that need not
 * be tendered by law).
 */
export function documentsToDeadlinePeriod(
  rules: RuleSet,
  calendar: HolidayCalendar,
  input: { mandatoryTendering: boolean; issuedAt: Date },
): LegalPeriod | null {
  if (rules.documentsToDeadlineAppliesTo === "mandatory" && !input.mandatoryTendering) return null;
  return periodFrom(calendar, {
    rule: "documentsToDeadline",
    source: RULE_SOURCES[rules.procurementType].documentsToDeadlineDays,
    from: input.issuedAt,
    count: rules.documentsToDeadlineDays,
    unit: "calendarDays",
  });
}

/** 法 24 / GP法 35: from the day documents are issued to the deadline, at least 20 days. */
export function checkDocumentsToDeadline(
  rules: RuleSet,
  calendar: HolidayCalendar,
  input: { mandatoryTendering: boolean; issuedAt: Date; deadlineAt: Date },
): Violation | null {
  const period = documentsToDeadlinePeriod(rules, calendar, input);
  if (!period || coversPeriod(period, input.deadlineAt)) return null;
  const deadlineOn = dayEndingAt(input.deadlineAt);
  return {
    rule: "documentsToDeadline",
    source: period.source,
    countingSource: COUNTING_SOURCES[rules.procurementType],
    issuedOn: period.startDay,
    deadlineOn,
    days: calendarDaysBetween(period.startDay, deadlineOn),
    requiredDays: period.count,
    earliestDeadlineOn: period.lastDay,
    provisional: period.provisional,
  };
}

/** 条例 16 (5 days) / 87号令 18 (5 working days): the statutory sale period from `saleFrom` (its day not counted). */
export function salePeriod(rules: RuleSet, calendar: HolidayCalendar, saleFrom: Date): LegalPeriod {
  return periodFrom(calendar, {
    rule: "documentsOnSale",
    source: RULE_SOURCES[rules.procurementType].documentsOnSale,
    from: saleFrom,
    count: rules.documentsOnSale.count,
    unit: rules.documentsOnSale.unit,
  });
}

/** 条例 16 (5 days) / 87号令 (5 working days): how long the documents are on sale. */
export function checkDocumentsOnSale(
  rules: RuleSet,
  calendar: HolidayCalendar,
  input: { saleFrom: Date; saleUntil: Date },
): Violation | null {
  const period = salePeriod(rules, calendar, input.saleFrom);
  if (coversPeriod(period, input.saleUntil)) return null;
  const saleUntil = dayEndingAt(input.saleUntil);
  return {
    rule: "documentsOnSale",
    source: period.source,
    countingSource: COUNTING_SOURCES[rules.procurementType],
    saleFrom: period.startDay,
    saleUntil,
    // Only the days up to saleUntil, before the period's last day: nothing further is looked at.
    count: saleUntil < period.startDay ? 0 : daysBetween(calendar, period.startDay, saleUntil, period.unit),
    required: period.count,
    unit: period.unit,
    earliestEndOn: period.lastDay,
    provisional: period.provisional,
  };
}

/**
 * 条例 16 / 87号令 18: a bidder registers (obtains the documents) only within the sale period:
 * from its start until its announced end, or until the end of the statutory period's last day if
 * that is later (the official calendar, loaded after publication, can move it: decision 0032).
 */
export function checkRegistrationInSalePeriod(
  rules: RuleSet,
  input: { at: Date; saleFrom: Date; saleUntil: Date; statutory: Pick<LegalPeriod, "lastDay" | "provisional"> | null },
): Violation | null {
  const statutoryEnd = input.statutory ? startOfShanghaiDay(plusDays(input.statutory.lastDay, 1)) : null;
  const extended = statutoryEnd !== null && statutoryEnd > input.saleUntil;
  const closesAt = extended ? statutoryEnd : input.saleUntil;
  const early = input.at < input.saleFrom;
  if (!early && input.at < closesAt) return null;
  return {
    rule: "registrationOutsideSale",
    source: RULE_SOURCES[rules.procurementType].documentsOnSale,
    at: input.at,
    opensAt: input.saleFrom,
    closesAt,
    early,
    provisional: extended && input.statutory!.provisional,
  };
}

/**
 * 条例 21 / 87号令 27: a clarification or amendment that may affect the preparation of bids must be
 * issued at least 15 days before the deadline; otherwise the deadline moves (to
 * `earliestDeadlineOn` or later). One that does not affect preparation may come later. Counted
 * backward from the deadline's day; a holiday moves nothing (decision 0030).
 */
export function checkClarification(
  rules: RuleSet,
  input: { affectsPreparation: boolean; issuedAt: Date; deadlineAt: Date },
): Violation | null {
  if (!input.affectsPreparation) return null;
  const issuedOn = shanghaiDay(input.issuedAt);
  const deadlineOn = dayEndingAt(input.deadlineAt);
  if (issuedOn <= lastDayBefore(input.deadlineAt, rules.clarificationLeadDays)) return null;
  return {
    rule: "clarificationLead",
    source: RULE_SOURCES[rules.procurementType].clarificationLeadDays,
    issuedOn,
    deadlineOn,
    days: calendarDaysBetween(issuedOn, deadlineOn),
    requiredDays: rules.clarificationLeadDays,
    earliestDeadlineOn: plusDays(issuedOn, rules.clarificationLeadDays),
  };
}

/** 条例 22: an objection to the tender documents must come at least 10 days before the deadline (counted backward). */
export function checkDocumentObjection(rules: RuleSet, input: { raisedAt: Date; deadlineAt: Date }): Violation | null {
  const raisedOn = shanghaiDay(input.raisedAt);
  const lastDayOn = lastDayBefore(input.deadlineAt, rules.documentObjectionLeadDays);
  if (raisedOn <= lastDayOn) return null;
  const deadlineOn = dayEndingAt(input.deadlineAt);
  return {
    rule: "documentObjectionLead",
    source: RULE_SOURCES[rules.procurementType].documentObjectionLeadDays,
    raisedOn,
    deadlineOn,
    days: calendarDaysBetween(raisedOn, deadlineOn),
    requiredDays: rules.documentObjectionLeadDays,
    lastDayOn,
  };
}
