import type { HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { calendarDaysBetween, dayEndingAt, plusDays, shanghaiDay, type LocalDay } from "#app/domain/calendar/local-day.ts";
import { coversPeriod, daysBetween, lastDayBefore, periodFrom } from "#app/domain/calendar/periods.ts";
import type { ProcurementType } from "./rule-set.ts";

/**
 * Prequalification (资格预审, DOMAIN.md §4; decision 0043): a stage before the tender with its own
 * announcement, documents, clarifications, objections and result. Its periods, each a pure check
 * returning null when it holds or a violation naming the rule, its source and what would satisfy it:
 *
 * | rule | engineering | government procurement |
 * |---|---|---|
 * | documents on sale | ≥ 5 days (条例 16) | ≥ 5 working days (87号令 14) |
 * | applications due after the last sale day (projects that must be tendered by law) | ≥ 5 days (条例 17) | ≥ 5 working days (by analogy) |
 * | a clarification affecting the applications, before the application deadline | ≥ 3 days (条例 21) | the same, by analogy |
 * | an objection to the prequalification documents, before the application deadline | ≥ 2 days (条例 22) | the same, by analogy |
 *
 * Counted as every other period (decision 0030): forward periods from an event do not count its
 * day and move a last day off work to the next working day; "N days before the deadline" is
 * counted backward from the deadline's day and never moved. The review itself happens offline
 * for now; its result is published on the platform (条例 19: fewer than 3 who pass → re-tender).
 */
export interface PrequalificationRule {
  count: number;
  unit: "calendarDays" | "workingDays";
  zh: string;
  en: string;
}

const r = (count: number, unit: PrequalificationRule["unit"], zh: string, en: string): PrequalificationRule => ({ count, unit, zh, en });

export const PREQUALIFICATION_RULES = {
  engineering: {
    sale: r(5, "calendarDays", "招标投标法实施条例第十六条", "Regulations on the Bidding Law Art 16"),
    submissionAfterSale: r(5, "calendarDays", "招标投标法实施条例第十七条", "Regulations on the Bidding Law Art 17"),
    clarificationLead: r(3, "calendarDays", "招标投标法实施条例第二十一条", "Regulations on the Bidding Law Art 21"),
    objectionLead: r(2, "calendarDays", "招标投标法实施条例第二十二条", "Regulations on the Bidding Law Art 22"),
  },
  government: {
    sale: r(5, "workingDays", "政府采购货物和服务招标投标管理办法（87号令）第十四条", "MOF Order 87 Art 14"),
    submissionAfterSale: r(5, "workingDays", "招标投标法实施条例第十七条（参照）", "Regulations on the Bidding Law Art 17 (by analogy)"),
    clarificationLead: r(3, "calendarDays", "招标投标法实施条例第二十一条（参照）", "Regulations on the Bidding Law Art 21 (by analogy)"),
    objectionLead: r(2, "calendarDays", "招标投标法实施条例第二十二条（参照）", "Regulations on the Bidding Law Art 22 (by analogy)"),
  },
} as const satisfies Record<ProcurementType, Record<string, PrequalificationRule>>;

export type PrequalificationRuleName = keyof (typeof PREQUALIFICATION_RULES)["engineering"];

export interface PrequalificationViolation {
  rule: PrequalificationRuleName;
  source: string;
  sourceEn: string;
  /** The day counting starts from (not counted) or, for the backward rules, the day of the act. */
  fromOn: LocalDay;
  /** The day that fell short: the sale's end, the application deadline's day. */
  toOn: LocalDay;
  count: number;
  required: number;
  unit: "calendarDays" | "workingDays";
  /** The earliest day that satisfies the rule (forward rules), or the last day the act may come (backward rules). */
  limitOn: LocalDay;
  provisional: boolean;
}

export interface PrequalificationTerms {
  type: ProcurementType;
  mandatoryTendering: boolean;
  saleFrom: Date;
  saleUntil: Date;
  submissionDeadlineAt: Date;
}

/** 条例 16 / 87号令 14: the prequalification documents are on sale at least 5 days (GP: working days). */
export function checkPrequalificationSale(calendar: HolidayCalendar, t: PrequalificationTerms): PrequalificationViolation | null {
  return forward(calendar, t.type, "sale", t.saleFrom, t.saleUntil);
}

/**
 * 条例 17: for a project that must be tendered by law, applications are due at least 5 days after
 * the sale stops (the last sale day not counted). GP applies it to every prequalification.
 */
export function checkPrequalificationSubmission(calendar: HolidayCalendar, t: PrequalificationTerms): PrequalificationViolation | null {
  if (t.type === "engineering" && !t.mandatoryTendering) return null;
  if (t.submissionDeadlineAt <= t.saleUntil)
    return violationAt(t.type, "submissionAfterSale", t.saleUntil, t.submissionDeadlineAt, 0, calendar);
  return forward(calendar, t.type, "submissionAfterSale", t.saleUntil, t.submissionDeadlineAt);
}

/** Every check of the terms, in order; the first violation or null. */
export function checkPrequalificationTerms(calendar: HolidayCalendar, t: PrequalificationTerms): PrequalificationViolation | null {
  if (t.saleUntil <= t.saleFrom) return violationAt(t.type, "sale", t.saleFrom, t.saleUntil, 0, calendar);
  return checkPrequalificationSale(calendar, t) ?? checkPrequalificationSubmission(calendar, t);
}

/** 条例 21: a clarification that may affect the applications comes at least 3 days before the application deadline, else the deadline moves. */
export function checkPrequalificationClarification(
  type: ProcurementType,
  input: { affectsApplications: boolean; issuedAt: Date; submissionDeadlineAt: Date },
): PrequalificationViolation | null {
  if (!input.affectsApplications) return null;
  return backward(type, "clarificationLead", input.issuedAt, input.submissionDeadlineAt);
}

/** 条例 22: an objection to the prequalification documents comes at least 2 days before the application deadline. */
export function checkPrequalificationObjection(
  type: ProcurementType,
  input: { raisedAt: Date; submissionDeadlineAt: Date },
): PrequalificationViolation | null {
  return backward(type, "objectionLead", input.raisedAt, input.submissionDeadlineAt);
}

function forward(calendar: HolidayCalendar, type: ProcurementType, rule: PrequalificationRuleName, from: Date, until: Date) {
  const spec = PREQUALIFICATION_RULES[type][rule];
  const period = periodFrom(calendar, { rule, source: spec.zh, from, count: spec.count, unit: spec.unit });
  if (coversPeriod(period, until)) return null;
  const toOn = dayEndingAt(until);
  return {
    rule,
    source: spec.zh,
    sourceEn: spec.en,
    fromOn: period.startDay,
    toOn,
    count: toOn < period.startDay ? 0 : daysBetween(calendar, period.startDay, toOn, spec.unit),
    required: spec.count,
    unit: spec.unit,
    limitOn: period.lastDay,
    provisional: period.provisional,
  };
}

function violationAt(
  type: ProcurementType,
  rule: PrequalificationRuleName,
  from: Date,
  until: Date,
  count: number,
  calendar: HolidayCalendar,
) {
  const spec = PREQUALIFICATION_RULES[type][rule];
  const period = periodFrom(calendar, { rule, source: spec.zh, from, count: spec.count, unit: spec.unit });
  return {
    rule,
    source: spec.zh,
    sourceEn: spec.en,
    fromOn: period.startDay,
    toOn: dayEndingAt(until),
    count,
    required: spec.count,
    unit: spec.unit,
    limitOn: period.lastDay,
    provisional: period.provisional,
  };
}

function backward(
  type: ProcurementType,
  rule: "clarificationLead" | "objectionLead",
  at: Date,
  deadline: Date,
): PrequalificationViolation | null {
  const spec = PREQUALIFICATION_RULES[type][rule];
  const onDay = shanghaiDay(at);
  const lastDay = lastDayBefore(deadline, spec.count);
  if (onDay <= lastDay) return null;
  const deadlineOn = dayEndingAt(deadline);
  return {
    rule,
    source: spec.zh,
    sourceEn: spec.en,
    fromOn: onDay,
    toOn: deadlineOn,
    count: calendarDaysBetween(onDay, deadlineOn),
    required: spec.count,
    unit: spec.unit,
    limitOn: lastDay,
    provisional: false,
  };
}

/** For a clarification too late: the earliest application deadline that would make it timely. */
export function earliestDeadlineAfterClarification(type: ProcurementType, issuedAt: Date): LocalDay {
  return plusDays(shanghaiDay(issuedAt), PREQUALIFICATION_RULES[type].clarificationLead.count);
}
