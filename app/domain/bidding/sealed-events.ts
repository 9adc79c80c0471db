/**
 * Who has bid stays secret until the section's deadline, from everyone, the trading centre's
 * operator included (招标投标法 Art 22; ARCHITECTURE.md §4 "Who sees what before the deadline";
 * decision 23). The audit trail must still record every step as it happens (办法 Art 49), so
 * the rows are written in full and hash-chained, and sealed when read: these are the audit
 * events that tell that an organisation bids in a section, and how each names its section.
 *
 * Every `bid.*` audit event belongs here (app/server/audit.server.test.ts checks it), and so does
 * a sign-in to the opening, which before the deadline any registered bidder may make and which
 * tells that it means to bid.
 */
export const SEALED_AUDIT_EVENTS = {
  "bid.submitted": "sectionId",
  "bid.withdrawn": "sectionId",
  "bid.upload_discarded": "sectionId",
  // A signature on a document that tells of a bid, e.g. a bid guarantee letter (decision 56).
  "bid.document_signed": "sectionId",
  "opening.signed_in": "openingId",
  // Decision 0057: applying for a bid guarantee tells that the applicant means to bid.
  "guarantee_application.submitted": "sectionId",
  "guarantee_application.approved": "sectionId",
  "guarantee_application.declined": "sectionId",
  "guarantee_application.documents_requested": "sectionId",
  "guarantee_application.supplemented": "sectionId",
  "guarantee_application.fee_paid": "sectionId",
  "guarantee.issue_started": "sectionId",
  "guarantee.letter_signed": "sectionId",
  // Issue 14: the ledger's answer to an issue names the section (w-g-issue seals its own steps too).
  "guarantee.issued": "sectionId",
  "guarantee.issue_failed": "sectionId",
  // Decision 0072: a withdrawing bidder's release is requested before the deadline (条例 35), and
  // taken back when it declares the guarantee again: both tell that it bid.
  "guarantee.release_requested": "sectionId",
  "guarantee.release_cancelled": "sectionId",
} as const satisfies Record<string, "sectionId" | "openingId">;
export type SealedAuditEventType = keyof typeof SEALED_AUDIT_EVENTS;

export const SEALED_AUDIT_EVENT_TYPES = Object.keys(SEALED_AUDIT_EVENTS) as SealedAuditEventType[];

/** The sealed types that carry `data.sectionId`, and those that carry `data.openingId`. */
export const sealedTypesNaming = (key: "sectionId" | "openingId"): SealedAuditEventType[] =>
  SEALED_AUDIT_EVENT_TYPES.filter((t) => SEALED_AUDIT_EVENTS[t] === key);

export function isSealedAuditEventType(type: string): type is SealedAuditEventType {
  return Object.hasOwn(SEALED_AUDIT_EVENTS, type);
}

/**
 * Whether an audit event of `type`, whose section's deadline is `deadlineAt`, is sealed at `now`.
 * A bid event whose section cannot be told (null) stays sealed: failing closed keeps a forgotten
 * or malformed reference from showing a bidder.
 */
export function isSealedAt(type: string, deadlineAt: Date | null, now: Date): boolean {
  if (!isSealedAuditEventType(type)) return false;
  return deadlineAt === null || now < deadlineAt;
}

/** The Beijing calendar day of an instant (`YYYY-MM-DD`): all a sealed row tells of its time. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
