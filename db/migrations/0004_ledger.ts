import { sql, type Kysely } from "kysely";

/**
 * The ledger's side in PostgreSQL (ARCHITECTURE.md §1 "ledger", §5):
 * - `ledger_accounts`: one account per organisation (and the platform's), private keys encrypted
 *   with LEDGER_KEY_SECRET, and the next nonce the platform will sign with;
 * - `ledger_deployment`: where the contracts live on the chain in use;
 * - `ledger_journal`: every block of the embedded chain, its transactions as raw signed bytes and
 *   its timestamp, replayed at start-up so the chain comes back identical;
 * - `ledger_sends`: every write the outbox delivered (or is delivering), by outbox key, with the
 *   signed transaction, so a retry re-sends the same bytes and a write lands at most once;
 * - `ledger_events`, `ledger_index_state`: the indexer's copy of the contracts' events;
 * - `ledger_drift`: what reconciliation found different between Postgres and the chain;
 * - `anchor_queue`, `anchor_batches`, `anchor_proofs`: documents waiting for, and anchored by,
 *   the anchor batcher.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ledger_accounts")
    .addColumn("holder", "text", (c) => c.primaryKey()) // "platform" or "organisation:<uuid>"
    .addColumn("organisation_id", "uuid", (c) => c.unique().references("organisations.id"))
    .addColumn("address", "text", (c) => c.notNull().unique())
    .addColumn("encrypted_key", "text") // null when an external signer holds the key
    .addColumn("next_nonce", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ledger_deployment")
    .addColumn("contract", "text", (c) => c.primaryKey())
    .addColumn("chain_id", "bigint", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("tx_hash", "text")
    .addColumn("block_number", "bigint")
    .addColumn("deployed_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ledger_journal")
    .addColumn("block_number", "bigint", (c) => c.primaryKey())
    .addColumn("block_hash", "text", (c) => c.notNull())
    .addColumn("block_timestamp", "bigint", (c) => c.notNull()) // seconds, as the chain has it
    .addColumn("raw_txs", "jsonb", (c) => c.notNull()) // ["0x…signed bytes", …] in block order
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ledger_sends")
    .addColumn("outbox_key", "text", (c) => c.primaryKey())
    .addColumn("contract", "text", (c) => c.notNull())
    .addColumn("method", "text", (c) => c.notNull())
    .addColumn("account", "text", (c) => c.notNull())
    .addColumn("nonce", "bigint", (c) => c.notNull())
    .addColumn("tx_hash", "text", (c) => c.notNull().unique())
    .addColumn("raw_tx", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('signed', 'confirmed', 'reverted')`))
    .addColumn("block_number", "bigint")
    .addColumn("block_time", "timestamptz")
    .addColumn("gas_used", "bigint")
    .addColumn("error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("confirmed_at", "timestamptz")
    .execute();
  await sql`create index ledger_sends_contract on ledger_sends (contract, created_at desc)`.execute(db);

  await db.schema
    .createTable("ledger_events")
    .addColumn("block_number", "bigint", (c) => c.notNull())
    .addColumn("log_index", "integer", (c) => c.notNull())
    .addColumn("tx_hash", "text", (c) => c.notNull())
    .addColumn("contract", "text", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull()) // the guarantee or complaint id, or the anchored root
    .addColumn("args", "jsonb", (c) => c.notNull())
    .addColumn("block_time", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("ledger_events_pk", ["block_number", "log_index"])
    .execute();
  await sql`create index ledger_events_subject on ledger_events (contract, subject, block_number, log_index)`.execute(db);

  await db.schema
    .createTable("ledger_index_state")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("last_block", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ledger_drift")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("found_at", "timestamptz", (c) => c.notNull())
    .addColumn("resolved_at", "timestamptz")
    .execute();
  await sql`create unique index ledger_drift_open on ledger_drift (kind, subject) where resolved_at is null`.execute(db);

  await db.schema
    .createTable("anchor_batches")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("root", "text", (c) => c.notNull().unique())
    .addColumn("document_count", "integer", (c) => c.notNull())
    .addColumn("outbox_key", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("anchor_queue")
    .addColumn("sha256", "text", (c) => c.primaryKey()) // lower-case hex, 64 characters
    .addColumn("source", "text", (c) => c.notNull()) // what the document is (receipt, opening record…)
    .addColumn("queued_at", "timestamptz", (c) => c.notNull())
    .addColumn("batch_id", "bigint", (c) => c.references("anchor_batches.id"))
    .execute();
  await sql`create index anchor_queue_pending on anchor_queue (queued_at) where batch_id is null`.execute(db);

  await db.schema
    .createTable("anchor_proofs")
    .addColumn("sha256", "text", (c) => c.primaryKey())
    .addColumn("batch_id", "bigint", (c) => c.notNull().references("anchor_batches.id"))
    .addColumn("proof", "jsonb", (c) => c.notNull()) // ["0x…", …] sibling hashes, leaf to root
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
