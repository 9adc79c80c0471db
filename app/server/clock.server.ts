/**
 * The platform's only clock (ARCHITECTURE.md §1). Domain rules never read time themselves:
 * services ask this clock for `now` and pass it down.
 *
 * - `real` follows the system clock.
 * - `offset:<±seconds>` follows the system clock shifted by a constant.
 * - `fixed:<ISO-8601>` stands still at that instant until something advances it, so tests and
 *   demos are repeatable.
 *
 * `advance()` (used by `POST /__test/clock` when BIDHALL_TEST_HOOKS=1) only moves forward:
 * recorded facts must never end up in the future of the clock that recorded them.
 */
export interface Clock {
  now(): Date;
  /** Moves the clock forward and tells the listeners (scheduler, embedded chain). */
  advance(seconds: number): Promise<Date>;
  /** Called after every advance; listeners run in order and are awaited. */
  onAdvance(listener: (now: Date) => void | Promise<void>): () => void;
  readonly description: string;
}

export class ClockSpecError extends Error {
  override name = "ClockSpecError";
}

export function createClock(spec: string | undefined, systemNow: () => number = Date.now): Clock {
  let offsetMs = 0;
  let fixedAt: number | undefined;
  let description = "real";

  if (spec !== undefined && spec !== "" && spec !== "real") {
    const [kind, ...rest] = spec.split(":");
    const arg = rest.join(":");
    if (kind === "fixed") {
      const t = Date.parse(arg);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(arg) || Number.isNaN(t)) {
        throw new ClockSpecError(`BIDHALL_CLOCK "fixed:" needs an ISO-8601 instant such as 2026-11-23T09:30:00+08:00, got "${arg}"`);
      }
      fixedAt = t;
      description = `fixed:${new Date(t).toISOString()}`;
    } else if (kind === "offset") {
      if (!/^[+-]?\d+$/.test(arg)) {
        throw new ClockSpecError(`BIDHALL_CLOCK "offset:" needs whole seconds such as -3600, got "${arg}"`);
      }
      offsetMs = Number(arg) * 1000;
      description = `offset:${arg}`;
    } else {
      throw new ClockSpecError(`BIDHALL_CLOCK must be "fixed:<ISO-8601>" or "offset:<±seconds>", got "${spec}"`);
    }
  }

  const listeners: Array<(now: Date) => void | Promise<void>> = [];

  return {
    now: () => new Date(fixedAt ?? systemNow() + offsetMs),
    async advance(seconds: number) {
      if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new ClockSpecError("the clock only moves forward: advanceSeconds must be a positive number");
      }
      if (fixedAt !== undefined) fixedAt += seconds * 1000;
      else offsetMs += seconds * 1000;
      const now = new Date(fixedAt ?? systemNow() + offsetMs);
      for (const listener of listeners) await listener(now);
      return now;
    },
    onAdvance(listener) {
      listeners.push(listener);
      return () => {
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1);
      };
    },
    get description() {
      return description;
    },
  };
}
