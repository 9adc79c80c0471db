/**
 * What an opening's phase is derived from: the section's terms and the facts recorded by people
 * (through services) and by the scheduler (timed facts). Nothing here is a phase or a status;
 * every derived answer (phase, window end, what is due) comes from these and an explicit `now`.
 */
export interface OpeningFacts {
  // The section's terms.
  /** The bid deadline, which is the opening time (法 34). */
  deadlineAt: Date;
  signInLeadMinutes: number;
  /** How long bidders have to decrypt (办法 30: set by the tender documents). */
  decryptionWindowMinutes: number;
  confirmationPeriodMinutes: number;
  /** Fewer valid bids than this at the deadline: no opening (法 28, 条例 44, 87号令 41). */
  minimumBids: number;

  // Facts.
  /** Valid bids standing at the deadline, counted by the scheduler; null until counted. */
  validBidsAtDeadline: number | null;
  bidderListPublishedAt: Date | null;
  windowOpenedAt: Date | null;
  pauses: readonly WindowPause[];
  extensions: readonly WindowExtension[];
  /** The agency closed the window before its end, every bid being decided. */
  windowClosedEarlyAt: Date | null;
  /** Recorded by the scheduler: the instant the window ended (closed early or ran out). */
  windowEndedAt: Date | null;
  /** Recorded when the last bid became decided (decryption.ts `allDecided`); allows closing the window early. */
  allDecidedAt: Date | null;
  readingOutPublishedAt: Date | null;
  /** Recorded by the scheduler: the instant the confirmation period ended. */
  confirmationEndedAt: Date | null;
  closedAt: Date | null;
  failedAt: Date | null;
  failReason: FailReason | null;
  suspensions: readonly OpeningSuspension[];
}

export interface WindowPause {
  pausedAt: Date;
  resumedAt: Date | null;
  reason: string;
}

export interface WindowExtension {
  minutes: number;
  reason: string;
  at: Date;
}

export interface OpeningSuspension {
  suspendedAt: Date;
  resumedAt: Date | null;
  reason: string;
}

/** 流标: automatic at the deadline (法 28, 条例 44, 87号令 41), or declared after decryption. */
export type FailReason =
  | { kind: "tooFewBids"; validBids: number; minimumBids: number }
  /** `ground`: the legal ground chosen from app/domain/opening/failure-grounds.ts (decision 39); absent on failures declared before it. */
  | { kind: "declared"; reason: string; ground?: string };

const MINUTE_MS = 60_000;
export const minutesToMs = (minutes: number): number => minutes * MINUTE_MS;

const upTo = (d: Date | null, now: Date): Date | null => (d && d <= now ? d : null);

/**
 * The facts as they stood at `now`: anything recorded after `now` has not happened yet, and a
 * pause or suspension lifted after `now` is still running. Every derivation starts here, so
 * asking about an earlier instant gives the answer of that instant.
 */
export function factsAsOf(f: OpeningFacts, now: Date): OpeningFacts {
  return {
    ...f,
    validBidsAtDeadline: now >= f.deadlineAt ? f.validBidsAtDeadline : null,
    bidderListPublishedAt: upTo(f.bidderListPublishedAt, now),
    windowOpenedAt: upTo(f.windowOpenedAt, now),
    pauses: f.pauses.filter((p) => p.pausedAt <= now).map((p) => ({ ...p, resumedAt: upTo(p.resumedAt, now) })),
    extensions: f.extensions.filter((e) => e.at <= now),
    windowClosedEarlyAt: upTo(f.windowClosedEarlyAt, now),
    windowEndedAt: upTo(f.windowEndedAt, now),
    allDecidedAt: upTo(f.allDecidedAt, now),
    readingOutPublishedAt: upTo(f.readingOutPublishedAt, now),
    confirmationEndedAt: upTo(f.confirmationEndedAt, now),
    closedAt: upTo(f.closedAt, now),
    failedAt: upTo(f.failedAt, now),
    failReason: upTo(f.failedAt, now) ? f.failReason : null,
    suspensions: f.suspensions.filter((s) => s.suspendedAt <= now).map((s) => ({ ...s, resumedAt: upTo(s.resumedAt, now) })),
  };
}

/** The regulator's suspension in force at `now`, if any. */
export function activeSuspension(f: OpeningFacts, now: Date): OpeningSuspension | null {
  return f.suspensions.find((s) => s.suspendedAt <= now && (s.resumedAt === null || s.resumedAt > now)) ?? null;
}

/** 法 28, 条例 44, 87号令 41: too few valid bids at the deadline means no opening. */
export function tooFewBids(validBids: number, minimumBids: number): boolean {
  return validBids < minimumBids;
}

export type OpeningTerms = Pick<
  OpeningFacts,
  "deadlineAt" | "signInLeadMinutes" | "decryptionWindowMinutes" | "confirmationPeriodMinutes" | "minimumBids"
>;

/** An opening before anything was recorded: only the section's terms. */
export function openingWithoutFacts(terms: OpeningTerms): OpeningFacts {
  return {
    ...terms,
    validBidsAtDeadline: null,
    bidderListPublishedAt: null,
    windowOpenedAt: null,
    pauses: [],
    extensions: [],
    windowClosedEarlyAt: null,
    windowEndedAt: null,
    allDecidedAt: null,
    readingOutPublishedAt: null,
    confirmationEndedAt: null,
    closedAt: null,
    failedAt: null,
    failReason: null,
    suspensions: [],
  };
}
