/**
 * The dashboard is a to-do list (issue 13, decision 48): what needs doing now, each item with the
 * moment it is due, the nearest first. Pure: the service gathers the facts, this orders them.
 */

export type TodoKind =
  | "certificate.missing"
  | "bid.not_submitted"
  | "bid.submitted_closing"
  | "opening.sign_in"
  | "opening.today"
  | "clarification.last_day"
  | "objection.waiting"
  | "approvals.waiting"
  | "incident.open"
  | "opening.suspended"
  | "opening.overdue"
  | "complaint.acceptance"
  | "complaint.decision"
  | "complaint.documents"
  | "guarantee.underwrite"
  | "guarantee.issue"
  | "guarantee.claim"
  | "guarantee.fee_due"
  | "guarantee.documents_requested"
  | "guarantee.declare"
  | "evaluation.record"
  | "award.decide"
  | "notice.sign"
  | "notice.issue"
  | "notice.acknowledge";

export interface TodoItem {
  kind: TodoKind;
  /** Stable and unique within the list (React key, tests). */
  key: string;
  /** When it must be done by; null for work without a deadline (an approval queue). */
  dueAt: Date | null;
  /** Where to do it. */
  link: string;
  /** Values for the item's message (names, counts). */
  params: Record<string, string | number>;
}

export type Urgency = "overdue" | "today" | "soon" | "later" | "open";

const HOUR = 3_600_000;

/** 24 hours or less: today's work; 7 days or less: soon. A due time at exactly `now` is overdue. */
export function urgencyOf(dueAt: Date | null, now: Date): Urgency {
  if (!dueAt) return "open";
  const left = dueAt.getTime() - now.getTime();
  if (left <= 0) return "overdue";
  if (left <= 24 * HOUR) return "today";
  if (left <= 7 * 24 * HOUR) return "soon";
  return "later";
}

/**
 * Nearest due first; items without a due time after every dated item, in the order given (the
 * service lists them by weight). Equal due times keep a stable order by key.
 */
export function orderTodo(items: readonly TodoItem[]): TodoItem[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => {
      const da = a.item.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
      const db = b.item.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
      if (da !== db) return da - db;
      if (a.item.dueAt === null) return a.index - b.index;
      return a.item.key.localeCompare(b.item.key);
    })
    .map(({ item }) => item);
}

/**
 * NOTE 招标投标法 Art 23 / 政府采购法实施条例 Art 31: a clarification or change that may affect the
 * preparation of bids must reach every bidder at least 15 days before the deadline. The last
 * moment the agency can issue one without moving the deadline.
 */
export const CLARIFICATION_LEAD_DAYS = 15;
export function lastClarificationMoment(deadlineAt: Date): Date {
  return new Date(deadlineAt.getTime() - CLARIFICATION_LEAD_DAYS * 24 * HOUR);
}

/** The Beijing calendar day of an instant, as YYYY-MM-DD (sections opening "today"). */
export function beijingDay(at: Date): string {
  return new Date(at.getTime() + 8 * HOUR).toISOString().slice(0, 10);
}
