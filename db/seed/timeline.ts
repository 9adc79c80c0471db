import type { Clock } from "#app/server/clock.server.ts";
import type { AppContext } from "#app/server/context.server.ts";

/**
 * The demo story happened in the past (decision 36): each step runs through the real services
 * with an AppContext whose clock stands at the step's instant, and the steps run in
 * chronological order, so every row, receipt, signature and audit entry carries the time the
 * story says, and the audit chain's times ascend. The clock refuses to go back or to pass the
 * real start-up instant: a story that would write the future, or out of order, fails at once.
 */
export interface StoryStep {
  at: Date;
  /** For the error message when a step fails ("bidder3 submits its bid to …"). */
  name: string;
  run(app: AppContext): Promise<unknown>;
}

export class DemoStoryError extends Error {
  override name = "DemoStoryError";
}

/** A clock that the story moves; nothing else may (services only read it). */
function storyClock(start: Date): Clock & { moveTo(at: Date): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance: () => Promise.reject(new DemoStoryError("the demo story's clock moves only with its steps")),
    onAdvance: () => () => {},
    description: "demo story (simulated past)",
    moveTo(at: Date) {
      if (at.getTime() < now)
        throw new DemoStoryError(`the story's steps are out of order: ${at.toISOString()} comes after ${new Date(now).toISOString()}`);
      now = at.getTime();
    },
  };
}

/**
 * Runs the steps in the order of their instants (steps at the same instant keep the order they
 * were given in), each with the clock at its instant. `until` is the real present: no step may
 * be at or after it.
 */
export async function runStory(app: AppContext, steps: readonly StoryStep[], until: Date): Promise<void> {
  const ordered = steps.map((s, i) => ({ s, i })).sort((a, b) => a.s.at.getTime() - b.s.at.getTime() || a.i - b.i);
  const first = ordered[0]?.s.at ?? until;
  const clock = storyClock(first);
  const past: AppContext = { ...app, clock };
  for (const { s } of ordered) {
    if (s.at.getTime() >= until.getTime())
      throw new DemoStoryError(`the demo step "${s.name}" is not in the past (${s.at.toISOString()} ≥ ${until.toISOString()})`);
    clock.moveTo(s.at);
    try {
      await s.run(past);
    } catch (e) {
      throw new DemoStoryError(`the demo step "${s.name}" at ${s.at.toISOString()} failed: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
  }
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** China has no daylight saving time. */
const SHANGHAI_OFFSET = 8 * 3600_000;

export const minutes = (at: Date, n: number) => new Date(at.getTime() + n * MINUTE);
export const days = (at: Date, n: number) => new Date(at.getTime() + n * DAY);

/** `hh:mm` Beijing time on the Beijing day `dayOffset` days from `from`'s Beijing day. */
export function beijing(from: Date, dayOffset: number, hhmm: string): Date {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const midnight = Math.floor((from.getTime() + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET;
  return new Date(midnight + dayOffset * DAY + (h * 60 + m) * MINUTE);
}

export const floorToMinute = (at: Date) => new Date(Math.floor(at.getTime() / MINUTE) * MINUTE);
export const ceilToMinute = (at: Date) => new Date(Math.ceil(at.getTime() / MINUTE) * MINUTE);
