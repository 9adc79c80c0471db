import { sql, type Kysely } from "kysely";

/**
 * Defects of a decrypted bid found at the opening (decision 35): the bid security declared beside
 * the envelope against bid.json's, a credit commitment from a bidder not rated red at the deadline,
 * a security form the section does not accept. Recorded with the decryption result, in the same
 * transaction, for the evaluation committee; they never make a bid a decryption failure.
 * A JSON array of `SecurityDefect` (app/domain/credit/bid-security.ts); empty when there is none.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("opening_bids")
    .addColumn("defects", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
