import { activeSuspension, factsAsOf, tooFewBids, type OpeningFacts } from "./opening-facts.ts";
import { confirmationEndedBy, confirmationEndsAt, windowEndedBy, windowEndsAt } from "./window.ts";

/**
 * The facts the scheduler records when their time comes (ARCHITECTURE.md §2). Each is due while
 * it is not recorded yet, and carries the instant it took effect, not the instant the scheduler
 * happened to run: recording is idempotent (the service records only a missing fact, under a row
 * lock), and after a restart the same facts come due with the same instants.
 *
 * Nothing is due while the regulator's suspension is in force: the suspension halts the opening,
 * including what the clock would have done. Once resumed, a fact that fell due before the
 * suspension (the scheduler was late) keeps its original instant.
 */
export type TimedFact =
  /** Count the valid bids standing at the deadline (and fail the opening if too few). */
  | { kind: "deadlinePassed"; at: Date }
  /** NOTE 法 28, 条例 44, 87号令 41: the count is below the minimum; record the failure (流标). */
  | { kind: "tooFewBids"; at: Date; validBids: number; minimumBids: number }
  /** The decryption window ran out or was closed early: decide the bids still undecided. */
  | { kind: "windowEnded"; at: Date }
  /** The confirmation period ran out: generate, sign and anchor the opening record. */
  | { kind: "confirmationEnded"; at: Date };

export function dueTimedFacts(facts: OpeningFacts, now: Date): TimedFact[] {
  const f = factsAsOf(facts, now);
  if (f.closedAt || f.failedAt || activeSuspension(f, now)) return [];
  if (now < f.deadlineAt) return [];
  if (f.validBidsAtDeadline === null) return [{ kind: "deadlinePassed", at: f.deadlineAt }];
  if (tooFewBids(f.validBidsAtDeadline, f.minimumBids)) {
    return [{ kind: "tooFewBids", at: f.deadlineAt, validBids: f.validBidsAtDeadline, minimumBids: f.minimumBids }];
  }
  const due: TimedFact[] = [];
  const windowEnded = windowEndedBy(f, now);
  if (windowEnded && !f.windowEndedAt) due.push({ kind: "windowEnded", at: windowEnded });
  const confirmationEnded = confirmationEndedBy(f, now);
  if (confirmationEnded && !f.confirmationEndedAt) due.push({ kind: "confirmationEnded", at: confirmationEnded });
  return due;
}

/**
 * The next instant after `now` at which a timed fact falls due as things stand, for the
 * scheduler to wake at; null when none is known (stopped by a pause or suspension, or waiting
 * for a person to act). A fact recorded meanwhile can move it: look again after each change.
 */
export function nextTimedFactAt(facts: OpeningFacts, now: Date): Date | null {
  const f = factsAsOf(facts, now);
  if (f.closedAt || f.failedAt || activeSuspension(f, now)) return null;
  if (now < f.deadlineAt) return f.deadlineAt;
  const windowEnd = f.windowEndedAt ? null : windowEndsAt(f, now);
  if (windowEnd && windowEnd > now) return windowEnd;
  const confirmationEnd = f.confirmationEndedAt ? null : confirmationEndsAt(f, now);
  if (confirmationEnd && confirmationEnd > now) return confirmationEnd;
  return null;
}
