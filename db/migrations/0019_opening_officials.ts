import { sql, type Kysely } from "kysely";

/**
 * The people an opening record names besides the bidders (decision 46): the recorder (记录人) the
 * host chooses among its members, and the supervising regulator (监标人) it names among the
 * members of a regulator whose jurisdiction covers the project. A fact per choice, never updated:
 * a later row for the same duty replaces the earlier one in the record, and both stay in history.
 * The host (开标人) is not chosen: it is the person who opened the decryption window.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("opening_officials")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("duty", "text", (c) => c.notNull().check(sql`duty in ('recorder', 'supervisor')`))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("assigned_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("assigned_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("opening_officials_by_opening")
    .on("opening_officials")
    .columns(["opening_id", "duty", "assigned_at"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
