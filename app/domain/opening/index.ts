/** The live online opening (不见面开标): pure rules, no I/O, time as `now`. */
export {
  activeSuspension,
  factsAsOf,
  openingWithoutFacts,
  type OpeningTerms,
  tooFewBids,
  type FailReason,
  type OpeningFacts,
  type OpeningSuspension,
  type WindowExtension,
  type WindowPause,
} from "./opening-facts.ts";
export {
  assertOpeningPhase,
  OPENING_PHASE_LABELS,
  OPENING_PHASES,
  openingPhase,
  phaseUnderSuspension,
  unexpectedOpeningPhase,
  type OpeningPhase,
} from "./phase.ts";
export {
  confirmationEndedBy,
  confirmationEndsAt,
  isWindowOpen,
  isWindowPaused,
  signInOpensAt,
  windowClock,
  windowEndedBy,
  windowEndsAt,
  type WindowClock,
} from "./window.ts";
export {
  assertOpeningAction,
  OPENING_ACTION_PHASES,
  requireExtensionMinutes,
  requireReason,
  type OpeningAction,
  type ReasonedAction,
} from "./opening-actions.ts";
export { dueTimedFacts, nextTimedFactAt, type TimedFact } from "./timed-facts.ts";
export {
  allDecided,
  assertRemedyCounts,
  checkRemedyPackage,
  classifyDecryption,
  DECRYPTION_RESULT_LABELS,
  DECRYPTION_RESULTS,
  DECRYPTION_RULES,
  decryptionBasis,
  PACKAGE_CHECK_FAILURES,
  reclassifyDecryption,
  type AttemptFailure,
  type DecidedOutcome,
  type DecryptionAttempt,
  type DecryptionInput,
  type DecryptionOutcome,
  type DecryptionResult,
  type DecryptionRule,
  type FailureResult,
  type PlatformIncident,
  type Reclassification,
  type RemedyCheck,
} from "./decryption.ts";
export {
  readingOutRows,
  ReadingOutInputError,
  type MoneyDisplay,
  type ReadingOutBid,
  type ReadingOutField,
  type ReadingOutRow,
} from "./reading-out.ts";
export { OPENING_LIVE_EVENT_TYPES, type OpeningLiveEventType } from "./live-events.ts";
export { tooFewBidsGuidance, type NextStep, type TooFewBidsGuidance } from "./too-few-bids.ts";
export { assertObjectionsAnswered, objectionWords } from "./objections.ts";
export {
  assertFailureGround,
  FAILURE_GROUND_IDS,
  FAILURE_GROUNDS,
  failureGroundsAllowed,
  failureGroundsFor,
  type FailureGround,
  type FailureGroundView,
} from "./failure-grounds.ts";
