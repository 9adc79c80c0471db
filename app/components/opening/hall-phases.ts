import { OPENING_ACTION_PHASES, type OpeningAction } from "#app/domain/opening/opening-actions.ts";
import type { OpeningPhase } from "#app/domain/opening/index.ts";
import type { OpeningView } from "#app/domain/opening/view.ts";

/**
 * Whether the hall may offer `action` now (issue 13: no button that can no longer work). The same
 * phase table the services assert (app/domain/opening/opening-actions.ts); confirmations and
 * objections also stop when the confirmation period has run out. The server stays the judge.
 */
export function offered(view: Pick<OpeningView, "phase" | "confirmation">, action: OpeningAction): boolean {
  if (!(OPENING_ACTION_PHASES[action] as readonly string[]).includes(view.phase)) return false;
  if ((action === "confirm" || action === "object") && view.phase === "confirming" && view.confirmation?.remainingMs === 0) return false;
  return true;
}

/** The hall is over: nothing more can be recorded in it (流标 or closed). */
export function hallOver(view: Pick<OpeningView, "phase">): boolean {
  return view.phase === "failed" || view.phase === "closed";
}

/** The tendering pills' colours (tendering.css), for an opening's phase: one table for every list of openings. */
export const PHASE_PILL: Record<OpeningPhase, string> = {
  scheduled: "published",
  "signing-in": "opening",
  "awaiting-window": "opening",
  decrypting: "opening",
  "reading-out": "opening",
  confirming: "opening",
  closed: "draft",
  failed: "failed",
  suspended: "suspended",
};
