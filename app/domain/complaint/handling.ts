import { AppError } from "#app/domain/shared/app-error.ts";

/**
 * The state of a complaint's handling, derived from its recorded facts exactly as ComplaintLedger's
 * `state()` derives it on chain (decision 0063): a refusal here is a transaction the chain would
 * revert, caught before anything is written.
 *
 * - `filed`: not yet accepted or rejected; `accepted`: accepted, the section not suspended by it;
 * - `suspended`: accepted, the section suspended for it; the terminal `rejected`, `decided`, `withdrawn`.
 */
export const COMPLAINT_STATES = ["filed", "accepted", "suspended", "rejected", "decided", "withdrawn"] as const;
export type ComplaintState = (typeof COMPLAINT_STATES)[number];

export interface ComplaintHandlingFacts {
  acceptedAt: Date | null;
  rejectedAt: Date | null;
  decidedAt: Date | null;
  withdrawnAt: Date | null;
  /** The latest suspension for this complaint, and its end. */
  suspendedAt: Date | null;
  resumedAt: Date | null;
}

export function complaintState(f: ComplaintHandlingFacts): ComplaintState {
  if (f.withdrawnAt) return "withdrawn";
  if (f.decidedAt) return "decided";
  if (f.rejectedAt) return "rejected";
  if (f.suspendedAt && (!f.resumedAt || f.resumedAt < f.suspendedAt)) return "suspended";
  if (f.acceptedAt) return "accepted";
  return "filed";
}

export const COMPLAINT_ACTIONS = ["accept", "reject", "suspend", "resume", "requestDocuments", "decide", "withdraw"] as const;
export type ComplaintAction = (typeof COMPLAINT_ACTIONS)[number];

/** The states each action is allowed in (ComplaintLedger's requirements; documents may be asked for until the decision). */
export const ALLOWED_STATES: Record<ComplaintAction, readonly ComplaintState[]> = {
  accept: ["filed"],
  reject: ["filed"],
  suspend: ["accepted"],
  resume: ["suspended"],
  requestDocuments: ["filed", "accepted", "suspended"],
  decide: ["accepted", "suspended"],
  withdraw: ["filed", "accepted", "suspended"],
};

export const STATE_WORDS: Record<ComplaintState, { zh: string; en: string }> = {
  filed: { zh: "待受理审查", en: "awaiting the acceptance decision" },
  accepted: { zh: "已受理", en: "accepted" },
  suspended: { zh: "已受理，标段暂停中", en: "accepted, section suspended" },
  rejected: { zh: "不予受理", en: "not accepted" },
  decided: { zh: "已作出处理决定", en: "decided" },
  withdrawn: { zh: "已撤回", en: "withdrawn" },
};

export const ACTION_WORDS: Record<ComplaintAction, { zh: string; en: string }> = {
  accept: { zh: "受理", en: "accepting" },
  reject: { zh: "不予受理", en: "refusing to accept" },
  suspend: { zh: "暂停标段", en: "suspending the section" },
  resume: { zh: "恢复标段", en: "resuming the section" },
  requestDocuments: { zh: "要求提交材料", en: "requesting documents" },
  decide: { zh: "作出处理决定", en: "deciding" },
  withdraw: { zh: "撤回投诉", en: "withdrawing" },
};

/** Throws `COMPLAINT_UNEXPECTED_STATE`, naming the current and the allowed states, unless `action` is allowed now. */
export function assertComplaintAction(f: ComplaintHandlingFacts, action: ComplaintAction): ComplaintState {
  const current = complaintState(f);
  const allowed = ALLOWED_STATES[action];
  if (!allowed.includes(current)) {
    throw new AppError("COMPLAINT_UNEXPECTED_STATE", {
      current,
      currentZh: STATE_WORDS[current].zh,
      currentEn: STATE_WORDS[current].en,
      actionZh: ACTION_WORDS[action].zh,
      actionEn: ACTION_WORDS[action].en,
      expectedZh: allowed.map((s) => `“${STATE_WORDS[s].zh}”`).join("、"),
      expectedEn: allowed.map((s) => `“${STATE_WORDS[s].en}”`).join(", "),
    });
  }
  return current;
}

export const DECISION_OUTCOMES = ["upheld", "partly_upheld", "dismissed"] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** ComplaintLedger's `Outcome` enum: None = 0, then these in order. */
export const OUTCOME_ON_CHAIN: Record<DecisionOutcome, number> = { upheld: 1, partly_upheld: 2, dismissed: 3 };

export const OUTCOME_WORDS: Record<DecisionOutcome, { zh: string; en: string }> = {
  upheld: { zh: "投诉成立", en: "upheld" },
  partly_upheld: { zh: "投诉部分成立", en: "partly upheld" },
  dismissed: { zh: "驳回投诉", en: "dismissed" },
};

/** A reason, a request or a decision text: trimmed, not empty, no NUL, at most `max` characters. */
export function requireText(field: string, value: string | null | undefined, max = 5000): string {
  const text = (value ?? "").trim();
  if (text === "" || text.length > max || text.includes("\u0000")) throw new AppError("VALIDATION_FAILED", { field });
  return text;
}
