import { sql, type Kysely } from "kysely";

/**
 * API tokens for the offline tool (`bidhall section`, `bidhall submit`): a member creates one in
 * the web UI, scoped to submitting bids for its organisation, and may revoke it. Only the token's
 * SHA-256 is stored; the token is shown once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull().check(sql`scope in ('submit:bid')`))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema.createIndex("api_tokens_person").on("api_tokens").column("person_id").execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
