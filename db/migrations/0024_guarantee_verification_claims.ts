import { sql, type Kysely } from "kysely";

/**
 * Issue 14, part 2 (decisions 0059, 0060): the ledger side of electronic guarantees.
 * - `opening_bids.security_verification`: the verification (核验) of a decrypted bid's security,
 *   a JSON `SecurityVerification` (app/domain/guarantee/verify-guarantee.ts); null until checked;
 * - `sections.contract_signed_at` / `contract_signed_recorded_by`: the signing date the tenderer
 *   records until contracts are signed online; it starts the return of every security (条例 57);
 * - `guarantee_claims`: claims (索赔) the tenderer lodges on a bound guarantee, and their payment or
 *   decline by the guarantor; `claim_index` is the ledger's index once the claim is on chain.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("opening_bids").addColumn("security_verification", "jsonb").execute();
  await db.schema
    .alterTable("sections")
    .addColumn("contract_signed_at", "timestamptz")
    .addColumn("contract_signed_recorded_by", "uuid", (c) => c.references("people.id"))
    .execute();
  await db.schema
    .createTable("guarantee_claims")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("guarantee_id", "uuid", (c) => c.notNull().references("guarantees.id"))
    .addColumn("ground", "text", (c) =>
      c.notNull().check(sql`ground in ('withdrawnAfterDeadline', 'refusedAward', 'refusedContract', 'noPerformanceSecurity')`),
    )
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("statement", "text", (c) => c.notNull())
    .addColumn("reason_sha256", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('lodging', 'lodge_failed', 'pending', 'paid', 'declined')`))
    .addColumn("claim_index", "integer")
    .addColumn("error", "text")
    .addColumn("lodged_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("lodged_at", "timestamptz", (c) => c.notNull())
    .addColumn("settled_by", "uuid", (c) => c.references("people.id"))
    .addColumn("settled_at", "timestamptz")
    .addColumn("decline_reason", "text")
    .execute();
  await db.schema.createIndex("guarantee_claims_guarantee").on("guarantee_claims").columns(["guarantee_id", "lodged_at"]).execute();
  // One claim at a time per guarantee: the ledger's pending amount covers one claim's share.
  await sql`create unique index guarantee_claims_one_open on guarantee_claims (guarantee_id) where status in ('lodging', 'pending')`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
