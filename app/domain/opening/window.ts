import { factsAsOf, minutesToMs, type OpeningFacts } from "./opening-facts.ts";

/**
 * The clocks of an opening: the sign-in start, the decryption window and the confirmation
 * period. Absolute instants (sign-in start, deadline) never move. The two timers are durations
 * that run only while nothing stops them:
 * - the decryption window runs from `windowOpenedAt` for `decryptionWindowMinutes` plus every
 *   extension, and stands still during the agency's pauses and the regulator's suspensions
 *   (their union: a pause inside a suspension is not counted twice);
 * - the confirmation period runs from `readingOutPublishedAt` for `confirmationPeriodMinutes`
 *   and stands still during suspensions.
 * A stop that is still open (not resumed) leaves the end unknown: the time left is frozen.
 * Intervals are half-open: the window is open on [openedAt, end), so at `end` it has ended.
 */

interface Interval {
  start: number;
  /** Infinity while the stop has not been lifted. */
  end: number;
}

export interface WindowClock {
  openedAt: Date;
  /** When the window ends (or ended); null while it is stopped with time left. */
  endsAt: Date | null;
  /** What the countdown shows: 0 once ended, frozen while stopped. */
  remainingMs: number;
  ended: boolean;
  /** Why the countdown stands still at `now`, or null when it runs (or has ended). */
  stoppedBy: "pause" | "suspension" | null;
}

/** Sign-in opens `signInLeadMinutes` before the deadline. */
export function signInOpensAt(f: Pick<OpeningFacts, "deadlineAt" | "signInLeadMinutes">): Date {
  return new Date(f.deadlineAt.getTime() - minutesToMs(f.signInLeadMinutes));
}

/** The countdown of the decryption window at `now`; null before the window is opened. */
export function windowClock(facts: OpeningFacts, now: Date): WindowClock | null {
  const f = factsAsOf(facts, now);
  if (!f.windowOpenedAt) return null;
  const opened = f.windowOpenedAt.getTime();
  const { budget, stops } = windowTimer(f);
  const endsAt = windowEnd(f);
  const ended = endsAt !== null && endsAt <= now;
  const remainingMs = ended ? 0 : Math.max(0, budget - runningMs(opened, now.getTime(), stops));
  let stoppedBy: WindowClock["stoppedBy"] = null;
  if (!ended && stops.some((s) => s.start <= now.getTime() && now.getTime() < s.end)) {
    const t = now.getTime();
    stoppedBy = f.suspensions.some((s) => s.suspendedAt.getTime() <= t && (s.resumedAt === null || t < s.resumedAt.getTime()))
      ? "suspension"
      : "pause";
  }
  return { openedAt: f.windowOpenedAt, endsAt, remainingMs, ended, stoppedBy };
}

/** When the decryption window ends, as known at `now`; null before it opens or while it is stopped. */
export function windowEndsAt(facts: OpeningFacts, now: Date): Date | null {
  return windowEnd(factsAsOf(facts, now));
}

/** The instant the decryption window ended, if it has by `now` (ran out, or closed early). */
export function windowEndedBy(facts: OpeningFacts, now: Date): Date | null {
  const end = windowEndsAt(facts, now);
  return end && end <= now ? end : null;
}

/** Opened and not yet ended (paused counts as open: the phase is still decrypting). */
export function isWindowOpen(facts: OpeningFacts, now: Date): boolean {
  return factsAsOf(facts, now).windowOpenedAt !== null && windowEndedBy(facts, now) === null;
}

/** The agency's pause in force at `now`, if any. */
export function isWindowPaused(facts: OpeningFacts, now: Date): boolean {
  return factsAsOf(facts, now).pauses.some((p) => p.resumedAt === null);
}

/** When the confirmation period ends, as known at `now`; null before the reading-out or while suspended. */
export function confirmationEndsAt(facts: OpeningFacts, now: Date): Date | null {
  const f = factsAsOf(facts, now);
  if (!f.readingOutPublishedAt) return null;
  const start = f.readingOutPublishedAt.getTime();
  const computed = runOut(start, minutesToMs(f.confirmationPeriodMinutes), mergedStops(suspensionIntervals(f), start));
  return earliest(f.confirmationEndedAt, computed === null ? null : new Date(computed));
}

/** The instant the confirmation period ended, if it has by `now`. */
export function confirmationEndedBy(facts: OpeningFacts, now: Date): Date | null {
  const end = confirmationEndsAt(facts, now);
  return end && end <= now ? end : null;
}

/** Expects facts already as of some instant. */
function windowEnd(f: OpeningFacts): Date | null {
  if (!f.windowOpenedAt) return null;
  const { end } = windowTimer(f);
  return earliest(f.windowClosedEarlyAt, f.windowEndedAt, end === null ? null : new Date(end));
}

/**
 * The window's budget (base + extensions) and where it runs out. An extension counts when it
 * was granted before the window ran out; adding one can only push the end later, so taking
 * them in order of grant and stopping at the first one too late is exact.
 */
function windowTimer(f: OpeningFacts): { budget: number; end: number | null; stops: Interval[] } {
  const opened = f.windowOpenedAt!.getTime();
  const stops = mergedStops([...f.pauses.map((p) => interval(p.pausedAt, p.resumedAt)), ...suspensionIntervals(f)], opened);
  let budget = minutesToMs(f.decryptionWindowMinutes);
  let end = runOut(opened, budget, stops);
  for (const e of [...f.extensions].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (end !== null && e.at.getTime() >= end) break;
    budget += minutesToMs(e.minutes);
    end = runOut(opened, budget, stops);
  }
  return { budget, end, stops };
}

function suspensionIntervals(f: OpeningFacts): Interval[] {
  return f.suspensions.map((s) => interval(s.suspendedAt, s.resumedAt));
}

function interval(start: Date, end: Date | null): Interval {
  return { start: start.getTime(), end: end === null ? Infinity : end.getTime() };
}

/** Stops from `from` on, clipped, sorted and merged into disjoint intervals. */
function mergedStops(stops: Interval[], from: number): Interval[] {
  const clipped = stops
    .map((s) => ({ start: Math.max(s.start, from), end: s.end }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const s of clipped) {
    const last = merged.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** The instant a timer started at `start` with `budget` ms runs out, skipping the stops; null if an open stop holds it. */
function runOut(start: number, budget: number, stops: Interval[]): number | null {
  let t = start;
  let left = budget;
  for (const s of stops) {
    // A stop that begins when the time is already up does not stop anything.
    if (s.start >= t + left) break;
    left -= s.start - t;
    if (s.end === Infinity) return null;
    t = s.end;
  }
  return t + left;
}

/** Time the timer has run between `start` and `until`. */
function runningMs(start: number, until: number, stops: Interval[]): number {
  const stopped = stops.reduce((sum, s) => sum + Math.max(0, Math.min(s.end, until) - Math.max(s.start, start)), 0);
  return Math.max(0, until - start - stopped);
}

function earliest(...dates: (Date | null)[]): Date | null {
  return dates.reduce<Date | null>((min, d) => (d && (!min || d < min) ? d : min), null);
}
