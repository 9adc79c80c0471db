import { isProvisionalDay, isWorkingDay, type HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { plusDays, shanghaiDay, startOfShanghaiDay, toEpochDay, type LocalDay } from "#app/domain/calendar/local-day.ts";
import { addWorkingDays } from "#app/domain/calendar/periods.ts";
import { citation, type Citation, type LegalRule } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * The regulator's time limits for a complaint (DOMAIN.md §4, decision 0063), in working days from
 * the holiday calendar (decision 30):
 *
 * | | engineering | government procurement |
 * |---|---|---|
 * | decide whether to accept | 3 working days from receipt (条例 61; 投诉处理办法 11) | 5 working days to review (94号令 21) |
 * | written decision | 30 working days from acceptance (条例 61; 投诉处理办法 21) | 30 working days from receipt (GP法 56; 94号令 26) |
 * | not counted | inspection, testing, appraisal, expert review (条例 61) | the same, and the complainant's supplementary materials (94号令 27) |
 *
 * Time not counted is whole working days: a pause from a request on day A to its answer on day B
 * leaves out the working days after A up to and including B (the same counting as every period:
 * the day of the event is not counted). Overlapping pauses leave each day out once. While a pause
 * that the law leaves out is still open, the limit stands still and has no last day yet.
 */
export type HandlingLimit = "acceptance" | "decision";

/** Why the handling stood still: documents asked of the complainant or of another party, or expert work. */
export const PAUSE_KINDS = ["complainantDocuments", "partyDocuments", "expertReview"] as const;
export type PauseKind = (typeof PAUSE_KINDS)[number];

export interface ComplaintHandlingRules {
  acceptanceWorkingDays: number;
  decisionWorkingDays: number;
  /** From what the decision's limit counts. */
  decisionCountsFrom: "acceptance" | "receipt";
  /** The pauses the law leaves out of the limits. */
  excluded: readonly PauseKind[];
}

/** The statutory numbers (the operator's rule set does not hold them yet, like the complaint windows of decision 0061). */
export const HANDLING_RULES: Record<ProcurementType, ComplaintHandlingRules> = {
  engineering: { acceptanceWorkingDays: 3, decisionWorkingDays: 30, decisionCountsFrom: "acceptance", excluded: ["expertReview"] },
  government: {
    acceptanceWorkingDays: 5,
    decisionWorkingDays: 30,
    decisionCountsFrom: "receipt",
    excluded: ["expertReview", "complainantDocuments"],
  },
};

const LIMIT_RULE: Record<HandlingLimit, LegalRule> = { acceptance: "complaintAcceptance", decision: "complaintDecision" };

export interface HandlingPause {
  kind: PauseKind;
  from: Date;
  /** When the documents came in or the expert work ended; null while it lasts. */
  to: Date | null;
}

export interface HandlingFacts {
  filedAt: Date;
  acceptedAt: Date | null;
  pauses: readonly HandlingPause[];
}

export interface HandlingDeadline {
  limit: HandlingLimit;
  source: Citation;
  /** Where excluded time comes from, when some was left out or a pause is open. */
  excludedSource: Citation | null;
  /** The event the limit counts from (its day not counted). */
  from: Date;
  count: number;
  /** Working days left out for pauses the law does not count. */
  excludedWorkingDays: number;
  /** The last day; null while an excluded pause is open (the limit stands still). */
  lastDay: LocalDay | null;
  /** The first instant after the limit: 00:00 Shanghai the day after `lastDay`. */
  endsAt: Date | null;
  provisional: boolean;
}

/**
 * The limit `limit` of a complaint, or null when it does not run yet (an engineering decision
 * before acceptance).
 */
export function handlingDeadline(
  cal: HolidayCalendar,
  type: ProcurementType,
  limit: HandlingLimit,
  facts: HandlingFacts,
  rules: ComplaintHandlingRules = HANDLING_RULES[type],
): HandlingDeadline | null {
  const from = limit === "acceptance" || rules.decisionCountsFrom === "receipt" ? facts.filedAt : facts.acceptedAt;
  if (!from) return null;
  const count = limit === "acceptance" ? rules.acceptanceWorkingDays : rules.decisionWorkingDays;
  const startDay = shanghaiDay(from);
  const pauses = facts.pauses.filter((p) => rules.excluded.includes(p.kind) && p.from >= from);
  const excludedSource = pauses.length > 0 ? citation("complaintExcludedTime", type) : null;
  const base = { limit, source: citation(LIMIT_RULE[limit], type), excludedSource, from, count };
  if (pauses.some((p) => p.to === null)) {
    return { ...base, excludedWorkingDays: excludedDays(cal, pauses, startDay), lastDay: null, endsAt: null, provisional: false };
  }
  const excludedWorkingDays = excludedDays(cal, pauses, startDay);
  const lastDay = addWorkingDays(cal, startDay, count + excludedWorkingDays);
  return {
    ...base,
    excludedWorkingDays,
    lastDay,
    endsAt: startOfShanghaiDay(plusDays(lastDay, 1)),
    provisional: isProvisionalDay(cal, lastDay),
  };
}

/** Working days after `startDay` covered by the pauses (each day once); an open pause counts up to its start. */
function excludedDays(cal: HolidayCalendar, pauses: readonly HandlingPause[], startDay: LocalDay): number {
  const days = new Set<LocalDay>();
  for (const p of pauses) {
    if (!p.to) continue;
    const a = shanghaiDay(p.from);
    const b = shanghaiDay(p.to);
    for (let d = plusDays(a, 1); toEpochDay(d) <= toEpochDay(b); d = plusDays(d, 1)) {
      if (toEpochDay(d) > toEpochDay(startDay) && isWorkingDay(cal, d)) days.add(d);
    }
  }
  return days.size;
}

/** Where a limit stands at `now`: met (done in time), late (done after it), open, due today, overdue, or standing still. */
export type DeadlineStanding = "met" | "late" | "open" | "dueToday" | "overdue" | "paused";

export function deadlineStanding(d: HandlingDeadline, doneAt: Date | null, now: Date): DeadlineStanding {
  if (doneAt) return d.endsAt && doneAt >= d.endsAt ? "late" : "met";
  if (!d.endsAt || !d.lastDay) return "paused";
  if (now >= d.endsAt) return "overdue";
  return shanghaiDay(now) === d.lastDay ? "dueToday" : "open";
}
