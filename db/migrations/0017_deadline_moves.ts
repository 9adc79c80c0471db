import { sql, type Kysely } from "kysely";

/**
 * A bid deadline moved by a suspension that covered it (issue 12; decision 38). The section's
 * `deadline_at` is moved forward by the time suspended when the regulator resumes; each move is kept
 * here with the suspension that caused it, so the original deadline and the reason stay on record
 * and the pages can say why the deadline is later than the announcement's.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("section_deadline_moves")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("from_deadline_at", "timestamptz", (c) => c.notNull())
    .addColumn("to_deadline_at", "timestamptz", (c) => c.notNull())
    .addColumn("suspended_at", "timestamptz", (c) => c.notNull())
    .addColumn("resumed_at", "timestamptz", (c) => c.notNull())
    .addColumn("moved_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("section_deadline_moves_later", sql`to_deadline_at > from_deadline_at`)
    .execute();
  await db.schema.createIndex("section_deadline_moves_section").on("section_deadline_moves").column("section_id").execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
