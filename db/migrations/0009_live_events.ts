import { sql, type Kysely } from "kysely";

/**
 * Live events (ARCHITECTURE.md §1 "live events", docs/decisions/0018-live-events.md): the durable
 * log behind the opening hall's Server-Sent Events. A row is written in the same transaction as
 * the fact it announces and `pg_notify` carries its id on commit; every server instance's hub
 * loads the rows by stream and id. The id is the SSE event id, so a client that reconnects with
 * `Last-Event-ID` is replayed exactly what it missed from here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("live_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("stream", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  // Replay and live delivery both read "this stream after id N, in id order".
  await sql`create index live_events_stream_id on live_events (stream, id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
