import { sql, type Kysely } from "kysely";

/**
 * Bids (ARCHITECTURE.md §4): one bid per section and bidder organisation, with versions. A
 * version exists only once its upload completed and its receipt was issued; withdrawals are
 * facts of their own. The current state is derived from the latest fact before the deadline.
 * The platform stores only ciphertext (the envelope) and its hashes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("bids")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("bids_section_organisation", ["section_id", "organisation_id"])
    .execute();

  await db.schema
    .createTable("bid_versions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("bid_id", "uuid", (c) => c.notNull().references("bids.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("envelope_sha256", "text", (c) => c.notNull())
    .addColumn("package_digest", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("recipient_serials", sql`text[]`, (c) => c.notNull())
    .addColumn("submitted_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("upload_ip", "text", (c) => c.notNull())
    .addColumn("upload_user_agent", "text", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull())
    .addColumn("receipt_no", "text", (c) => c.notNull().unique())
    .addColumn("receipt_jws", "text", (c) => c.notNull())
    .addUniqueConstraint("bid_versions_bid_version", ["bid_id", "version"])
    .execute();

  await db.schema
    .createTable("bid_withdrawals")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("bid_id", "uuid", (c) => c.notNull().references("bids.id"))
    .addColumn("after_version", "integer", (c) => c.notNull())
    .addColumn("withdrawn_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("withdrawn_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
