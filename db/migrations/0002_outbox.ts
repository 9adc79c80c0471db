import { sql, type Kysely } from "kysely";

/**
 * The outbox (ARCHITECTURE.md §2): anything that must reach the ledger, a mailbox or the finance
 * system is written here in the same transaction as the change it belongs to, and delivered by
 * the worker with retries. `key` makes enqueueing idempotent; `outbox_attempts` keeps every try.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("outbox")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'running', 'done', 'failed')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull())
    .addColumn("run_after", "timestamptz", (c) => c.notNull())
    .addColumn("locked_by", "text")
    .addColumn("locked_until", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("done_at", "timestamptz")
    .execute();
  await sql`create index outbox_due on outbox (run_after, id) where status = 'pending'`.execute(db);

  await db.schema
    .createTable("outbox_attempts")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("outbox_id", "bigint", (c) => c.notNull().references("outbox.id"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("worker", "text", (c) => c.notNull())
    .addColumn("started_at", "timestamptz", (c) => c.notNull())
    .addColumn("finished_at", "timestamptz", (c) => c.notNull())
    .addColumn("succeeded", "boolean", (c) => c.notNull())
    .addColumn("error", "text")
    .execute();
  await db.schema.createIndex("outbox_attempts_outbox").on("outbox_attempts").column("outbox_id").execute();

  // The development mailbox (embedded mode; production sends through SMTP_URL).
  await db.schema
    .createTable("mailbox")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("outbox_key", "text", (c) => c.notNull().unique())
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("sent_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
