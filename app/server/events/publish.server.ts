import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import { toBigInt } from "../db.server.ts";

/**
 * Live events (ARCHITECTURE.md §1, docs/decisions/0018-live-events.md): the durable log in
 * `live_events`, written in the caller's transaction, announced with `pg_notify` on the one
 * channel below. Postgres delivers a notification only when its transaction commits, so nothing
 * rolled back is ever announced, and every instance listening receives it.
 */
export const LIVE_EVENTS_CHANNEL = "bidhall_live_events";

/** A stream is a kind and an id (`opening:<uuid>`): one SSE stream per opening hall. */
const STREAM_RE = /^[a-z][a-z-]{0,30}:[A-Za-z0-9_-]{1,80}$/;
/** Event types go into the SSE `event:` line verbatim: no spaces, colons or line breaks. */
const TYPE_RE = /^[a-z][a-z0-9_.-]{0,79}$/;

/** Namespace of the per-stream advisory locks (two-key form, so it cannot meet the one-key locks of audit and PKI). */
const STREAM_LOCK_CLASS = 0x1e7e;

export interface LiveEvent {
  /** The row id: the SSE event id, increasing within a stream in commit order. */
  id: bigint;
  stream: string;
  type: string;
  data: unknown;
  at: Date;
}

export function openingStream(openingId: string): string {
  return liveStream("opening", openingId);
}

export function liveStream(kind: string, id: string): string {
  const stream = `${kind}:${id}`;
  if (!STREAM_RE.test(stream)) throw new TypeError(`not a live event stream key: ${stream}`);
  return stream;
}

/**
 * Records `type`/`data` on `stream` in `trx` and announces it on commit.
 *
 * The stream's advisory lock is held until the transaction ends, so a second publisher on the same
 * stream takes its id only after the first has committed: within a stream, ids are in commit
 * order, and a subscriber that has seen id N can never later miss an id below N (which is what
 * makes `Last-Event-ID` resumption exact). Take it after `appendAudit`, as services do, so two
 * transactions never wait on the audit and stream locks in opposite orders.
 *
 * `data` must be JSON (money as decimal strings, times as ISO strings); `at` is the platform clock.
 */
export async function publishLiveEvent(
  trx: Transaction<Database>,
  event: { stream: string; type: string; data: unknown; at: Date },
): Promise<{ id: bigint }> {
  if (!STREAM_RE.test(event.stream)) throw new TypeError(`not a live event stream key: ${event.stream}`);
  if (!TYPE_RE.test(event.type)) throw new TypeError(`not a live event type: ${event.type}`);
  const payload = JSON.stringify(event.data);
  if (payload === undefined) throw new TypeError(`live event ${event.type} has no JSON data`);
  await sql`select pg_advisory_xact_lock(${STREAM_LOCK_CLASS}::int4, hashtext(${event.stream}))`.execute(trx);
  const row = await trx
    .insertInto("live_events")
    .values({ stream: event.stream, type: event.type, payload, created_at: event.at })
    .returning("id")
    .executeTakeFirstOrThrow();
  const id = toBigInt(row.id);
  await sql`select pg_notify(${LIVE_EVENTS_CHANNEL}, ${notificationPayload(event.stream, id)})`.execute(trx);
  return { id };
}

/** `<id> <stream>`: the id lets a hub skip a notification its subscribers already have. */
export function notificationPayload(stream: string, id: bigint): string {
  return `${id} ${stream}`;
}

export function parseNotificationPayload(payload: string): { stream: string; id: bigint } | undefined {
  const m = /^(\d+) (\S+)$/.exec(payload);
  return m ? { id: BigInt(m[1]!), stream: m[2]! } : undefined;
}

/** The events of `stream` after id `after`, oldest first, at most `limit`. */
export async function loadLiveEvents(db: Kysely<Database>, stream: string, after: bigint, limit: number): Promise<LiveEvent[]> {
  const rows = await db
    .selectFrom("live_events")
    .select(["id", "stream", "type", "payload", "created_at"])
    .where("stream", "=", stream)
    .where("id", ">", after.toString())
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: toBigInt(r.id), stream: r.stream, type: r.type, data: r.payload, at: r.created_at }));
}

/**
 * The newest id on `stream` (0 when it has none). A loader that renders the current state passes
 * it to the page, which subscribes after it, so the page neither misses nor repeats an event.
 */
export async function latestLiveEventId(db: Kysely<Database>, stream: string): Promise<bigint> {
  const row = await db
    .selectFrom("live_events")
    .select((eb) => eb.fn.max("id").as("id"))
    .where("stream", "=", stream)
    .executeTakeFirst();
  return row?.id == null ? 0n : toBigInt(row.id);
}

/**
 * The newest id on `stream` among the events `visible` accepts (0 when none): the position a page
 * is rendered at for a viewer who is not sent every event, so that the position does not move
 * when an event it may not know of is recorded (decision 23).
 */
export async function latestVisibleLiveEventId(
  db: Kysely<Database>,
  stream: string,
  visible: (event: LiveEvent) => boolean,
  batchSize = 200,
): Promise<bigint> {
  let before: bigint | undefined;
  for (;;) {
    const rows = await db
      .selectFrom("live_events")
      .select(["id", "stream", "type", "payload", "created_at"])
      .where("stream", "=", stream)
      .$if(before !== undefined, (q) => q.where("id", "<", before!.toString()))
      .orderBy("id", "desc")
      .limit(batchSize)
      .execute();
    for (const r of rows) {
      const event: LiveEvent = { id: toBigInt(r.id), stream: r.stream, type: r.type, data: r.payload, at: r.created_at };
      if (visible(event)) return event.id;
    }
    if (rows.length < batchSize) return 0n;
    before = toBigInt(rows.at(-1)!.id);
  }
}
