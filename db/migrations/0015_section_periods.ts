import { sql, type Kysely } from "kysely";

/**
 * Counting periods (issue 12; decisions 0030–0032). `section_periods` keeps, per published
 * section, the statutory periods computed at publication — documents on sale (条例 16 / 87号令 18)
 * and documents → deadline (法 24 / GP法 35) — with the day counting started, the count, the
 * last day found and whether it was found on a provisional calendar year. When the operator
 * loads the official year, every provisional period is computed again; each one whose last day
 * moved is recorded in `period_changes` and shown to the agency, the tenderer and the regulator.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("section_periods")
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("rule", "text", (c) => c.notNull().check(sql`rule in ('documentsOnSale', 'documentsToDeadline')`))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("start_day", "date", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull().check(sql`count >= 0`))
    .addColumn("unit", "text", (c) => c.notNull().check(sql`unit in ('calendarDays', 'workingDays')`))
    .addColumn("last_day", "date", (c) => c.notNull())
    .addColumn("provisional", "boolean", (c) => c.notNull())
    .addColumn("computed_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("section_periods_pk", ["section_id", "rule"])
    .execute();

  await db.schema
    .createTable("period_changes")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("rule", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("old_last_day", "date", (c) => c.notNull())
    .addColumn("new_last_day", "date", (c) => c.notNull())
    // Whether the section's own dates (sale end, deadline) still cover the recomputed period.
    .addColumn("satisfied", "boolean", (c) => c.notNull())
    .addColumn("still_provisional", "boolean", (c) => c.notNull())
    .addColumn("calendar_year", "integer", (c) => c.notNull())
    .addColumn("detected_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("period_changes_section").on("period_changes").column("section_id").execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
