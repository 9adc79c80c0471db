import type { HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { plusDays, startOfShanghaiDay } from "#app/domain/calendar/local-day.ts";
import { lastDayBefore, periodFrom, type DayUnit, type LegalPeriod } from "#app/domain/calendar/periods.ts";
import { citation, type Citation, type LegalRule } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * The windows and limits of objections (异议 / 质疑) and complaints (投诉), DOMAIN.md §4 and
 * decision 0061. Pure: every function takes the calendar and the facts, and answers with the
 * period (its rule, source and end) or the reason there is none yet.
 *
 * | | engineering | government procurement |
 * |---|---|---|
 * | documents | until 10 days before the deadline (条例 22) | 7 working days from obtaining them (GP法 52) |
 * | opening | on the spot only (条例 44) | 7 working days from the opening's end |
 * | result | during the candidates' publicity (条例 54) | 7 working days from the result announcement |
 * | answer | 3 days (条例 22, 54) | 7 working days (GP法 53) |
 * | objection first | documents, opening, result (条例 60) | always (GP法 55) |
 * | complaint | 10 days from the answer (or its due day), the objection's time not counted (条例 60) | 15 working days after the answer period (GP法 55) |
 */
export const OBJECTION_SUBJECTS = ["documents", "opening", "result"] as const;
export type ObjectionSubject = (typeof OBJECTION_SUBJECTS)[number];
export const COMPLAINT_SUBJECTS = [...OBJECTION_SUBJECTS, "other"] as const;
export type ComplaintSubject = (typeof COMPLAINT_SUBJECTS)[number];

/** The numbers, by procurement type (statutory; the operator's rule set does not hold them yet). */
export interface ComplaintRules {
  /** Engineering: an objection to the documents at the latest this many days before the deadline (the rule set's number). */
  documentObjectionLeadDays: number;
  /** GP: a challenge within this long of knowing. */
  challenge: { count: number; unit: DayUnit };
  answer: { count: number; unit: DayUnit };
  complaint: { count: number; unit: DayUnit };
}

export const COMPLAINT_RULES: Record<ProcurementType, ComplaintRules> = {
  engineering: {
    documentObjectionLeadDays: 10,
    challenge: { count: 0, unit: "calendarDays" },
    answer: { count: 3, unit: "calendarDays" },
    complaint: { count: 10, unit: "calendarDays" },
  },
  government: {
    documentObjectionLeadDays: 10,
    challenge: { count: 7, unit: "workingDays" },
    answer: { count: 7, unit: "workingDays" },
    complaint: { count: 15, unit: "workingDays" },
  },
};

/** A window: from `opensAt` (inclusive) to `endsAt` (exclusive), with the rule it implements. */
export interface Window {
  rule: LegalRule;
  source: Citation;
  opensAt: Date;
  endsAt: Date;
  /** Found on a provisional calendar year (decision 0031). */
  provisional: boolean;
}

/** Why there is no window (yet, or ever). */
export type NoWindow =
  { kind: "onTheSpot"; source: Citation } | { kind: "notYet"; what: "documents" | "opening" | "result"; source: Citation };

export interface ObjectionFacts {
  type: ProcurementType;
  subject: ObjectionSubject;
  /** The section's announcement (the documents published). */
  publishedAt: Date;
  deadlineAt: Date;
  /** GP documents: when the objector obtained the documents (registration or first download). */
  documentsObtainedAt: Date | null;
  /** When the opening ended: the opening record published, or the opening failed. */
  openingEndedAt: Date | null;
  /** The evaluation result announced; engineering: the candidates' publicity and its end. */
  resultPublishedAt: Date | null;
  publicityEndsAt: Date | null;
}

const fromPeriod = (p: LegalPeriod, rule: LegalRule, type: ProcurementType): Window => ({
  rule,
  source: citation(rule, type),
  opensAt: p.from,
  endsAt: p.endsAt,
  provisional: p.provisional,
});

/** The window for an objection to `facts.subject`, or why there is none. */
export function objectionWindow(cal: HolidayCalendar, rules: ComplaintRules, f: ObjectionFacts): Window | NoWindow {
  const { type } = f;
  const counted = (rule: LegalRule, from: Date): Window =>
    fromPeriod(periodFrom(cal, { rule, source: citation(rule, type).zh, from, ...rules.challenge }), rule, type);
  switch (f.subject) {
    case "documents": {
      if (type === "engineering") {
        // 条例 22: at the latest `lead` days before the deadline, counted backward (decision 0030).
        const last = lastDayBefore(f.deadlineAt, rules.documentObjectionLeadDays);
        return {
          rule: "documentObjectionLead",
          source: citation("documentObjectionLead", type),
          opensAt: f.publishedAt,
          endsAt: startOfShanghaiDay(plusDays(last, 1)),
          provisional: false,
        };
      }
      if (!f.documentsObtainedAt) return { kind: "notYet", what: "documents", source: citation("documentsChallenge", type) };
      return counted("documentsChallenge", f.documentsObtainedAt);
    }
    case "opening": {
      if (type === "engineering") return { kind: "onTheSpot", source: citation("openingObjection", type) };
      if (!f.openingEndedAt) return { kind: "notYet", what: "opening", source: citation("openingChallenge", type) };
      return counted("openingChallenge", f.openingEndedAt);
    }
    case "result": {
      if (!f.resultPublishedAt) return { kind: "notYet", what: "result", source: citation("resultObjection", type) };
      if (type === "engineering") {
        if (!f.publicityEndsAt) return { kind: "notYet", what: "result", source: citation("resultObjection", type) };
        return {
          rule: "resultObjection",
          source: citation("resultObjection", type),
          opensAt: f.resultPublishedAt,
          endsAt: f.publicityEndsAt,
          provisional: false,
        };
      }
      return counted("resultObjection", f.resultPublishedAt);
    }
  }
}

export const isWindow = (w: Window | NoWindow): w is Window => "endsAt" in w;

/** Whether `at` falls in the window. */
export const withinWindow = (w: Window, at: Date): boolean => at.getTime() >= w.opensAt.getTime() && at.getTime() < w.endsAt.getTime();

/** When the answer to an objection raised at `raisedAt` is due (3 days / 7 working days). */
export function answerPeriod(cal: HolidayCalendar, rules: ComplaintRules, type: ProcurementType, raisedAt: Date): Window {
  const rule = "objectionAnswer";
  return fromPeriod(periodFrom(cal, { rule, source: citation(rule, type).zh, from: raisedAt, ...rules.answer }), rule, type);
}

/** Whether a complaint about `subject` must be preceded by an objection (条例 60; GP法 55). */
export function objectionRequired(type: ProcurementType, subject: ComplaintSubject): boolean {
  return type === "government" || subject !== "other";
}

/** The objection a complaint rests on: when it was raised, answered, and when its answer was due. */
export interface PrerequisiteFacts {
  raisedAt: Date;
  answeredAt: Date | null;
  /** Null for an engineering objection at the opening: answered on the spot. */
  answerDueAt: Date | null;
}

export type ComplaintWindowResult =
  | { ok: true; window: Window }
  /** The objection is still within its answer period, unanswered: wait for the answer (or its end). */
  | { ok: false; kind: "awaitingAnswer"; answerDueAt: Date; source: Citation };

/**
 * The window of a complaint.
 * - After an objection: engineering, 10 days from the answer (or from the day it was due, if none
 *   came), which leaves the days spent waiting uncounted (条例 60); GP, 15 working days after the
 *   answer period ends, open from the answer if it came earlier (GP法 55, 94号令 17).
 * - Without one (engineering, `other`): 10 days from when the complainant knew.
 */
export function complaintWindow(
  cal: HolidayCalendar,
  rules: ComplaintRules,
  type: ProcurementType,
  basis: { objection: PrerequisiteFacts } | { knownAt: Date },
  now: Date,
): ComplaintWindowResult {
  const rule = "complaintWindow";
  const source = citation(rule, type);
  const period = (from: Date) => periodFrom(cal, { rule, source: source.zh, from, ...rules.complaint });
  if ("knownAt" in basis) return { ok: true, window: fromPeriod(period(basis.knownAt), rule, type) };
  const o = basis.objection;
  const due = o.answerDueAt;
  if (!o.answeredAt && due && now.getTime() < due.getTime()) return { ok: false, kind: "awaitingAnswer", answerDueAt: due, source };
  // The answer period's last day (its end is 00:00 the day after): the day the counting starts from.
  const lastAnswerDay = due ? new Date(due.getTime() - 1) : null;
  if (type === "government" && due) {
    const p = period(lastAnswerDay!);
    return { ok: true, window: { ...fromPeriod(p, rule, type), opensAt: o.answeredAt && o.answeredAt < due ? o.answeredAt : due } };
  }
  const from = o.answeredAt ?? lastAnswerDay ?? o.raisedAt;
  return { ok: true, window: fromPeriod(period(from), rule, type) };
}
