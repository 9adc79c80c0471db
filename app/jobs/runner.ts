import { hostname } from "node:os";
import { sql } from "kysely";
import type { AppContext } from "#app/server/context.server.ts";

/**
 * The job runner: claims due outbox rows with `FOR UPDATE SKIP LOCKED` (so any number of workers
 * share the table), runs the handler of each row's kind outside the claiming transaction,
 * records every attempt, and retries failures with exponential back-off until `max_attempts`.
 * A worker that dies mid-job leaves a lease that expires; the row is then claimed again.
 *
 * Handlers must be idempotent by the job's key: a job may run again after a crash between its
 * effect and the `done` mark. Times come from the platform clock, so tests that move the clock
 * make retries due.
 */
export interface JobContext {
  app: AppContext;
  job: { id: string; kind: string; key: string; attempt: number };
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;
export type JobHandlers = Record<string, JobHandler>;

export interface RunnerOptions {
  handlers: JobHandlers;
  workerId?: string;
  /**
   * How long a claimed job is held without a sign of life: the runner renews the lease every third
   * of it while the handler runs, so a long job keeps it and a killed worker's job is taken over
   * within this time (decision 69).
   */
  leaseSeconds?: number;
  backoff?: (attempt: number) => number;
}

/** A killed worker's job waits at most this long for another worker (renewed while a job runs). */
export const DEFAULT_LEASE_SECONDS = 30;

/** 5 s, 10 s, 20 s … capped at one hour. */
export const defaultBackoff = (attempt: number) => Math.min(5 * 2 ** (attempt - 1), 3600);

export interface JobRunner {
  /** Claims and runs one due job; false when none was due. */
  runOnce(): Promise<boolean>;
  /** Runs due jobs until none is left. */
  drain(): Promise<number>;
  start(pollMs?: number): void;
  stop(): Promise<void>;
}

export function createJobRunner(app: AppContext, options: RunnerOptions): JobRunner {
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const backoff = options.backoff ?? defaultBackoff;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function claim() {
    const now = app.clock.now();
    return app.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom("outbox")
        .select(["id"])
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "=", "pending"), eb("run_after", "<=", now)]),
            eb.and([eb("status", "=", "running"), eb("locked_until", "<", now)]), // an expired lease
          ]),
        )
        .orderBy("run_after")
        .orderBy("id")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!due) return undefined;
      return trx
        .updateTable("outbox")
        .set({
          status: "running",
          attempts: sql`attempts + 1`,
          locked_by: workerId,
          locked_until: new Date(now.getTime() + leaseSeconds * 1000),
        })
        .where("id", "=", due.id)
        .returning(["id", "kind", "key", "payload", "attempts", "max_attempts"])
        .executeTakeFirstOrThrow();
    });
  }

  async function runOnce(): Promise<boolean> {
    const job = await claim();
    if (!job) return false;
    const startedAt = app.clock.now();
    let error: string | null = null;
    // The lease stays ours while the handler runs (a ledger write may wait a minute for its receipt).
    const renewal = setInterval(
      () => {
        app.db
          .updateTable("outbox")
          .set({ locked_until: new Date(app.clock.now().getTime() + leaseSeconds * 1000) })
          .where("id", "=", job.id)
          .where("locked_by", "=", workerId)
          .where("status", "=", "running")
          .execute()
          .catch((e: unknown) => app.log.warn(`job ${job.kind} ${job.key}: could not renew its lease: ${String(e)}`));
      },
      (leaseSeconds * 1000) / 3,
    );
    try {
      const handler = options.handlers[job.kind];
      if (!handler) throw new Error(`no handler for jobs of kind "${job.kind}"`);
      await handler(job.payload, { app, job: { id: job.id, kind: job.kind, key: job.key, attempt: job.attempts } });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      clearInterval(renewal);
    }
    const finishedAt = app.clock.now();
    const giveUp = error !== null && job.attempts >= job.max_attempts;
    await app.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("outbox_attempts")
        .values({
          outbox_id: job.id,
          attempt: job.attempts,
          worker: workerId,
          started_at: startedAt,
          finished_at: finishedAt,
          succeeded: error === null,
          error,
        })
        .execute();
      await trx
        .updateTable("outbox")
        .set(
          error === null
            ? { status: "done", done_at: finishedAt, locked_by: null, locked_until: null, last_error: null }
            : {
                status: giveUp ? "failed" : "pending",
                run_after: new Date(finishedAt.getTime() + backoff(job.attempts) * 1000),
                locked_by: null,
                locked_until: null,
                last_error: error,
              },
        )
        .where("id", "=", job.id)
        .where("locked_by", "=", workerId) // a worker whose lease was taken over does not overwrite
        .execute();
    });
    if (error !== null) app.log.warn(`job ${job.kind} ${job.key} attempt ${job.attempts} failed${giveUp ? " (giving up)" : ""}: ${error}`);
    return true;
  }

  async function drain(): Promise<number> {
    let n = 0;
    while (await runOnce()) n++;
    return n;
  }

  return {
    runOnce,
    drain,
    start(pollMs = 1000) {
      stopped = false;
      const tick = () => {
        running = drain()
          .catch((e: unknown) => app.log.error("job runner", { error: e instanceof Error ? e.message : String(e) }))
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, pollMs);
          });
      };
      tick();
      // Moving the platform clock (tests, demos) makes work due at once.
      app.clock.onAdvance(() => {
        if (!stopped) void drain();
      });
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
