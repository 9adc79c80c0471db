import { sql, type Kysely } from "kysely";

/**
 * The bid security a version declares (decision 16): its kind and reference, captured at
 * submission beside the envelope so the guarantee work can check it at the opening. Visible only
 * to the bidder's own organisation before the deadline; the binding declaration stays in bid.json
 * inside the envelope, and the opening compares the two.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("bid_versions")
    .addColumn("security_kind", "text", (c) => c.check(sql`security_kind in ('guarantee', 'credit-commitment')`))
    .addColumn("security_reference", "text")
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
