import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { Logger } from "../context.server.ts";
import type { DbHandle } from "../db.server.ts";
import { LIVE_EVENTS_CHANNEL } from "./publish.server.ts";

/**
 * Where a hub hears about new live events. LISTEN is a property of one connection, so on `pg` it
 * needs a dedicated client outside the pool (a pooled connection is handed to someone else and
 * Kysely never shows us its notifications); on PGlite, `pglite.listen()` (STACK.md pitfalls).
 */
export interface NotificationListener {
  /**
   * Listens until `stop()`. `onReady` fires each time LISTEN is (re-)established: notifications
   * sent while the connection was down are lost, so the hub then reads every stream again.
   * Resolves once listening the first time (retrying as long as it takes, or until `stop()`).
   */
  start(handlers: { onNotify(payload: string): void; onReady(): void }): Promise<void>;
  /** Cheap liveness probe, run at each heartbeat; a dead connection is replaced. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

export interface ReconnectOptions {
  /** First delay after a lost or refused connection; doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** The application_name of listener connections, so operators (and tests) can find them. */
export const LISTENER_APPLICATION_NAME = "bidhall-live-events";

export function listenerFor(handle: DbHandle, log: Logger, reconnect: ReconnectOptions = {}): NotificationListener {
  if (handle.pglite) return pgliteListener(handle.pglite);
  if (handle.pool) return pgListener(handle.pool.options, log, reconnect);
  throw new Error("the database handle has neither a pg pool nor a PGlite instance");
}

export function pgliteListener(pglite: PGlite): NotificationListener {
  let unlisten: (() => Promise<void>) | undefined;
  return {
    async start({ onNotify, onReady }) {
      unlisten = await pglite.listen(LIVE_EVENTS_CHANNEL, onNotify);
      onReady();
    },
    async check() {},
    async stop() {
      const u = unlisten;
      unlisten = undefined;
      if (u && !pglite.closed) await u();
    },
  };
}

export function pgListener(config: pg.ClientConfig, log: Logger, reconnect: ReconnectOptions = {}): NotificationListener {
  const initialDelayMs = reconnect.initialDelayMs ?? 500;
  const maxDelayMs = reconnect.maxDelayMs ?? 30_000;
  let stopped = false;
  let client: pg.Client | undefined;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let handlers: { onNotify(payload: string): void; onReady(): void } | undefined;
  let firstReady: (() => void) | undefined;

  const connect = async () => {
    retryTimer = undefined;
    if (stopped) return;
    const c = new pg.Client({ ...config, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    let lost = false;
    const onLost = (reason: string) => {
      if (lost) return;
      lost = true;
      if (client === c) client = undefined;
      c.removeAllListeners("notification");
      void c.end().catch(() => undefined);
      if (!stopped) {
        log.warn("live events: the listener connection was lost; reconnecting", { reason });
        scheduleRetry();
      }
    };
    // An error event without a listener would crash the process; a lost connection is routine.
    c.on("error", (e) => onLost(e.message));
    c.on("end", () => onLost("connection ended"));
    c.on("notification", (n) => {
      if (n.channel === LIVE_EVENTS_CHANNEL && n.payload !== undefined) handlers?.onNotify(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${LIVE_EVENTS_CHANNEL}`);
    } catch (e) {
      onLost(e instanceof Error ? e.message : String(e));
      return;
    }
    if (stopped || lost) {
      void c.end().catch(() => undefined);
      return;
    }
    client = c;
    attempt = 0;
    handlers?.onReady();
    firstReady?.();
    firstReady = undefined;
  };

  const scheduleRetry = () => {
    if (stopped || retryTimer) return;
    // Full jitter, so instances cut off together do not all return in the same instant.
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
    attempt++;
    retryTimer = setTimeout(() => void connect(), ceiling / 2 + (Math.random() * ceiling) / 2);
    retryTimer.unref();
  };

  return {
    start(h) {
      handlers = h;
      const ready = new Promise<void>((resolve) => (firstReady = resolve));
      void connect();
      return ready;
    },
    async check() {
      // A query on a dead socket errors (the error handler above replaces the client); a healthy one costs a round trip.
      await client?.query("select 1").catch(() => undefined);
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      firstReady?.();
      firstReady = undefined;
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners("end");
        c.removeAllListeners("notification");
        await c.end().catch(() => undefined);
      }
    },
  };
}
