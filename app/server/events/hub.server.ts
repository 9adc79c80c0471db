import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";
import type { Logger } from "../context.server.ts";
import type { DbHandle } from "../db.server.ts";
import { listenerFor, type NotificationListener, type ReconnectOptions } from "./listener.server.ts";
import { loadLiveEvents, parseNotificationPayload, type LiveEvent } from "./publish.server.ts";

/**
 * The per-process fan-out of live events (docs/decisions/0018-live-events.md). One listener
 * connection per process hears every commit's notification; the hub then reads the new rows of
 * that stream from the table and hands them to the stream's subscribers in id order.
 *
 * Replay and live delivery are one mechanism: each subscriber has a position (the last id it
 * received), and a stream's "pump" reads the rows after the lowest position and gives each
 * subscriber only those after its own. Pumps of one stream never overlap (a request during a run
 * makes it run once more), so a row is read after the commit that announced it, and delivered at
 * most once and never out of order. Because ids within a stream are in commit order
 * (`publishLiveEvent` takes the stream's lock), a position has no holes behind it.
 *
 * Whenever LISTEN is (re-)established, and at every heartbeat, every stream is pumped again: a
 * notification lost with a connection costs a delay, never an event.
 */
export interface LiveEventHub {
  /** Starts listening (also done by the first `subscribe`); resolves once LISTEN is in place. */
  start(): Promise<void>;
  subscribe(stream: string, subscriber: LiveSubscriber): LiveSubscription;
  /** Heartbeats every subscriber, checks the listener and re-reads every stream; runs on a timer. */
  beat(): Promise<void>;
  /** Closes the listener and ends every subscription (`onClose`). */
  stop(): Promise<void>;
  readonly subscriberCount: number;
}

export interface LiveSubscriber {
  /** Receive the events after this id (0 = the whole stream). */
  after: bigint;
  onEvent(event: LiveEvent): void;
  onHeartbeat?(): void;
  /** The hub ended the subscription (shutdown, or `onEvent` threw). Not called after `close()`. */
  onClose?(): void;
}

export interface LiveSubscription {
  close(): void;
  /** The id of the last event delivered (or `after`). */
  readonly position: bigint;
}

export interface LiveEventHubOptions {
  db: Kysely<Database>;
  listener: NotificationListener;
  log: Logger;
  /** Heartbeat and re-read interval; SSE proxies drop idle connections after 30–60 s. */
  heartbeatMs?: number;
  /** Rows read per query while replaying a long stream. */
  batchSize?: number;
}

interface Subscriber {
  stream: string;
  position: bigint;
  closed: boolean;
  handler: LiveSubscriber;
}

interface StreamState {
  subscribers: Set<Subscriber>;
  running: Promise<void> | undefined;
  again: boolean;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;

/** The hub for an app's database: a dedicated `pg` listener connection, or PGlite's `listen`. */
export function createLiveEventHubFor(
  handle: DbHandle,
  log: Logger,
  options: { heartbeatMs?: number; reconnect?: ReconnectOptions } = {},
): LiveEventHub {
  return createLiveEventHub({
    db: handle.db,
    listener: listenerFor(handle, log, options.reconnect),
    log,
    heartbeatMs: options.heartbeatMs,
  });
}

export function createLiveEventHub(options: LiveEventHubOptions): LiveEventHub {
  const { db, listener, log } = options;
  const batchSize = options.batchSize ?? 500;
  const streams = new Map<string, StreamState>();
  let started: Promise<void> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let count = 0;

  const pump = (stream: string): Promise<void> => {
    const state = streams.get(stream);
    if (!state || stopped) return Promise.resolve();
    if (state.running) {
      state.again = true;
      return state.running;
    }
    state.running = (async () => {
      try {
        do {
          state.again = false;
          await drain(stream, state);
        } while (state.again && !stopped);
      } catch (e) {
        // The database is unreachable or the query failed: the next notification or heartbeat retries.
        log.warn("live events: could not read the stream", { stream, error: e instanceof Error ? e.message : String(e) });
      } finally {
        state.running = undefined;
      }
    })();
    return state.running;
  };

  const drain = async (stream: string, state: StreamState) => {
    for (;;) {
      // Only the subscribers present before the query: one that joins during it has a position
      // the query may not cover, and its `subscribe` has asked for another run.
      const batchFor = [...state.subscribers].filter((s) => !s.closed);
      if (batchFor.length === 0) return;
      const from = batchFor.reduce((min, s) => (s.position < min ? s.position : min), batchFor[0]!.position);
      const events = await loadLiveEvents(db, stream, from, batchSize);
      for (const event of events) {
        for (const s of batchFor) {
          if (s.closed || s.position >= event.id) continue;
          s.position = event.id;
          try {
            s.handler.onEvent(event);
          } catch (e) {
            log.warn("live events: a subscriber failed; ending it", { stream, error: e instanceof Error ? e.message : String(e) });
            end(s);
          }
        }
      }
      if (events.length < batchSize || stopped) return;
    }
  };

  const remove = (s: Subscriber) => {
    if (s.closed) return;
    s.closed = true;
    count--;
    const state = streams.get(s.stream);
    state?.subscribers.delete(s);
    if (state && state.subscribers.size === 0) streams.delete(s.stream);
  };

  /** Ended by the hub: the subscriber is told. */
  const end = (s: Subscriber) => {
    if (s.closed) return;
    remove(s);
    try {
      s.handler.onClose?.();
    } catch {
      // the subscriber is gone either way
    }
  };

  const onNotify = (payload: string) => {
    const n = parseNotificationPayload(payload);
    if (!n) return log.warn("live events: an unreadable notification", { payload });
    const state = streams.get(n.stream);
    if (!state) return; // nobody here watches that stream
    for (const s of state.subscribers) if (s.position < n.id) return void pump(n.stream);
  };

  const pumpAll = () => Promise.all([...streams.keys()].map(pump));

  const hub: LiveEventHub = {
    start() {
      if (stopped) return Promise.resolve();
      if (!started) {
        started = listener.start({ onNotify, onReady: () => void pumpAll() });
        timer = setInterval(() => void hub.beat(), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
        timer.unref();
      }
      return started;
    },

    subscribe(stream, handler) {
      if (stopped) throw new Error("the live event hub has stopped");
      hub.start().catch((e: unknown) => log.warn("live events: could not listen", { error: e instanceof Error ? e.message : String(e) }));
      const s: Subscriber = { stream, position: handler.after, closed: false, handler };
      let state = streams.get(stream);
      if (!state) {
        state = { subscribers: new Set(), running: undefined, again: false };
        streams.set(stream, state);
      }
      state.subscribers.add(s);
      count++;
      void pump(stream); // the replay; live events follow through the same pump
      return {
        close: () => remove(s),
        get position() {
          return s.position;
        },
      };
    },

    async beat() {
      if (stopped) return;
      for (const state of streams.values()) {
        for (const s of [...state.subscribers]) {
          try {
            s.handler.onHeartbeat?.();
          } catch {
            end(s);
          }
        }
      }
      await listener.check();
      await pumpAll();
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await listener.stop();
      const running = [...streams.values()].map((s) => s.running);
      for (const state of [...streams.values()]) for (const s of [...state.subscribers]) end(s);
      await Promise.all(running);
    },

    get subscriberCount() {
      return count;
    },
  };
  return hub;
}
