import type { AppContext } from "#app/server/context.server.ts";

/**
 * The scheduler records *timed facts* (a deadline passed, a decryption window ended, a CRL grew
 * stale) through services, so phases derived from facts and `now` stay true without anyone
 * clicking. It ticks on an interval and at once whenever the platform clock is moved
 * (POST /__test/clock), which is what makes deadline tests deterministic.
 *
 * Every task must be idempotent: several instances (or a tick and a clock move) may run the same
 * task at the same time, and a fact already recorded is simply not recorded again (unique keys,
 * `… where not exists`, advisory locks inside the service).
 */
export interface TimedTask {
  name: string;
  /** Records whatever is due at `now`; returns how many facts it recorded. */
  run(app: AppContext, now: Date): Promise<number>;
}

export interface Scheduler {
  tick(): Promise<Record<string, number | Error>>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export function createScheduler(app: AppContext, tasks: readonly TimedTask[]): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function tick(): Promise<Record<string, number | Error>> {
    const now = app.clock.now();
    const results: Record<string, number | Error> = {};
    for (const task of tasks) {
      try {
        results[task.name] = await task.run(app, now);
      } catch (e) {
        // One failing task must not stop the others; it is retried at the next tick.
        results[task.name] = e instanceof Error ? e : new Error(String(e));
        app.log.error(`scheduler task ${task.name} failed`, {
          error: results[task.name] instanceof Error ? (results[task.name] as Error).message : "",
        });
      }
    }
    return results;
  }

  const schedule = () => {
    running = running.then(tick, tick);
    return running;
  };

  return {
    tick,
    start(intervalMs = 15_000) {
      timer = setInterval(() => void schedule(), intervalMs);
      timer.unref();
      unsubscribe = app.clock.onAdvance(async () => {
        await schedule();
      });
      void schedule();
    },
    async stop() {
      if (timer) clearInterval(timer);
      unsubscribe?.();
      await running.catch(() => undefined);
    },
  };
}
