import { AppError } from "#app/domain/shared/app-error.ts";
import { factsAsOf, type OpeningFacts } from "./opening-facts.ts";
import { assertOpeningPhase, type OpeningPhase } from "./phase.ts";
import { confirmationEndedBy, confirmationEndsAt, isWindowPaused } from "./window.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";

/**
 * What each action on an opening requires, so that every service guards with one call
 * (`assertOpeningAction(facts, "pauseWindow", now)`). The phase table is the contract; the few
 * extra conditions (paused or not, bids counted, every bid decided, period over) follow it.
 */
export const OPENING_ACTION_PHASES = {
  // A member who signs in late may still decrypt within the window: the law sets the decryption
  // time (办法 30), not a sign-in deadline.
  signIn: ["signing-in", "awaiting-window", "decrypting"],
  publishBidderList: ["awaiting-window"],
  openWindow: ["awaiting-window"],
  pauseWindow: ["decrypting"],
  resumeWindow: ["decrypting"],
  extendWindow: ["decrypting"],
  closeWindowEarly: ["decrypting"],
  decrypt: ["decrypting"],
  uploadRemedy: ["decrypting"],
  publishReadingOut: ["reading-out"],
  confirm: ["confirming"],
  // 条例 44: objections at the opening are raised and answered on the spot, at any stage of it.
  object: ["decrypting", "reading-out", "confirming"],
  answerObjection: ["decrypting", "reading-out", "confirming"],
  reclassifyDecryption: ["reading-out", "confirming"],
  // Decision 39: once the opening has begun (past the deadline) the host may declare a failure on a
  // legal ground; before the reading-out only on a ground that allows no reading-out (failure-grounds.ts).
  declareFailed: ["awaiting-window", "decrypting", "reading-out", "confirming"],
  close: ["confirming"],
  suspend: ["scheduled", "signing-in", "awaiting-window", "decrypting", "reading-out", "confirming"],
  resume: ["suspended"],
  // Decision 46: the recorder and the supervisor the record names, until the record is generated.
  assignOfficial: ["scheduled", "signing-in", "awaiting-window", "decrypting", "reading-out", "confirming"],
} as const satisfies Record<string, readonly OpeningPhase[]>;
export type OpeningAction = keyof typeof OPENING_ACTION_PHASES;

/** Actions that need a written reason, in words for the error message. */
const REASON_ACTIONS = {
  pauseWindow: { zh: "暂停解密计时", en: "pausing the decryption window" },
  extendWindow: { zh: "延长解密时间", en: "extending the decryption window" },
  suspend: { zh: "暂停开标", en: "suspending the opening" },
  resume: { zh: "恢复开标", en: "resuming the opening" },
  reclassifyDecryption: { zh: "改判解密结果", en: "reclassifying a decryption result" },
  declareFailed: { zh: "宣布流标", en: "declaring the opening failed" },
} as const;
export type ReasonedAction = keyof typeof REASON_ACTIONS;

/**
 * The phase guard of an action, and its extra conditions. Throws the AppError the service
 * passes on; returns the current phase.
 */
export function assertOpeningAction(facts: OpeningFacts, action: OpeningAction, now: Date): OpeningPhase {
  const phase = assertOpeningPhase(facts, OPENING_ACTION_PHASES[action], now);
  const f = factsAsOf(facts, now);
  switch (action) {
    case "publishBidderList":
      // The list is of the bids standing at the deadline: the scheduler counts them first.
      if (f.validBidsAtDeadline === null) throw new AppError("OPENING_BIDS_NOT_COUNTED");
      break;
    case "openWindow":
      if (f.validBidsAtDeadline === null) throw new AppError("OPENING_BIDS_NOT_COUNTED");
      if (!f.bidderListPublishedAt) throw new AppError("OPENING_BIDDER_LIST_NOT_PUBLISHED");
      break;
    case "pauseWindow":
      if (isWindowPaused(f, now)) throw new AppError("OPENING_WINDOW_PAUSED");
      break;
    case "resumeWindow":
      if (!isWindowPaused(f, now)) throw new AppError("OPENING_WINDOW_NOT_PAUSED");
      break;
    case "closeWindowEarly":
      // Closing while paused would leave the pause open for ever: resume first.
      if (isWindowPaused(f, now)) throw new AppError("OPENING_WINDOW_PAUSED");
      if (!f.allDecidedAt) throw new AppError("OPENING_BIDS_UNDECIDED");
      break;
    case "close":
      if (!confirmationEndedBy(f, now)) {
        const endsAt = confirmationEndsAt(f, now);
        throw new AppError("OPENING_CONFIRMATION_PERIOD_RUNNING", {
          endsAtZh: endsAt ? formatShanghai(endsAt, "zh-CN") : "—",
          endsAtEn: endsAt ? formatShanghai(endsAt, "en") : "—",
        });
      }
      break;
    default:
      break;
  }
  return phase;
}

/** A written reason, trimmed; a blank one throws `OPENING_REASON_REQUIRED`. */
export function requireReason(action: ReasonedAction, reason: string | null | undefined): string {
  const trimmed = (reason ?? "").trim();
  if (trimmed === "") {
    throw new AppError("OPENING_REASON_REQUIRED", { action, actionZh: REASON_ACTIONS[action].zh, actionEn: REASON_ACTIONS[action].en });
  }
  return trimmed;
}

/** An extension is a whole, positive number of minutes. */
export function requireExtensionMinutes(minutes: number): number {
  if (!Number.isSafeInteger(minutes) || minutes <= 0) {
    throw new AppError("VALIDATION_FAILED", { field: "minutes" });
  }
  return minutes;
}
