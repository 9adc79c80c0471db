import { sql, type Kysely } from "kysely";

/**
 * Issue 12 (decisions 0041–0043):
 * - `clarification_sections`: a clarification belongs to the project (its tender documents) and
 *   names every section it affects, each with its deadline before and after (条例 21);
 * - `notices` and `notice_reads`: in-app notices to an organisation (a clarification, a
 *   termination), and who of its people read each one, when (法 23, 办法 22: a read receipt);
 * - `sections.cancelled_by`: who terminated a published tender (条例 31; `cancelled_at` and
 *   `cancel_reason` already hold when and why);
 * - `bid_security_settlements`: the return or forfeiture of a bid's security as recorded by the
 *   agency; when it was due is derived from the facts (decision 0042);
 * - `prequalifications` and `prequalification_items`: a prequalification's terms, announcement,
 *   clarifications, objections and result (条例 16/17/19/21/22).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("clarification_sections")
    .addColumn("clarification_id", "uuid", (c) => c.notNull().references("clarifications.id"))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("old_deadline_at", "timestamptz", (c) => c.notNull())
    .addColumn("new_deadline_at", "timestamptz")
    .addPrimaryKeyConstraint("clarification_sections_pk", ["clarification_id", "section_id"])
    .execute();
  // Every clarification issued before: the one section it named.
  await sql`insert into clarification_sections (clarification_id, section_id, old_deadline_at, new_deadline_at)
            select id, section_id, old_deadline_at, new_deadline_at from clarifications`.execute(db);

  await db.schema
    .createTable("notices")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('clarification', 'termination')`))
    .addColumn("project_id", "uuid", (c) => c.notNull().references("projects.id"))
    // The clarification or the terminated section the notice is about.
    .addColumn("subject_id", "uuid", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("notices_once", ["kind", "subject_id", "organisation_id"])
    .execute();
  await db.schema.createIndex("notices_organisation").on("notices").columns(["organisation_id", "created_at"]).execute();

  await db.schema
    .createTable("notice_reads")
    .addColumn("notice_id", "uuid", (c) => c.notNull().references("notices.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("read_at", "timestamptz", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("notice_reads_pk", ["notice_id", "person_id"])
    .execute();

  await db.schema
    .alterTable("sections")
    .addColumn("cancelled_by", "uuid", (c) => c.references("people.id"))
    .execute();

  await db.schema
    .createTable("bid_security_settlements")
    .addColumn("bid_id", "uuid", (c) => c.primaryKey().references("bids.id"))
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('returned', 'forfeited')`))
    .addColumn("ground", "text")
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("settled_at", "timestamptz", (c) => c.notNull())
    .addColumn("recorded_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("bid_security_forfeiture_ground", sql`(outcome = 'forfeited') = (ground is not null)`)
    .execute();

  await db.schema
    .createTable("prequalifications")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("project_id", "uuid", (c) => c.notNull().unique().references("projects.id"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("sale_from", "timestamptz", (c) => c.notNull())
    .addColumn("sale_until", "timestamptz", (c) => c.notNull())
    .addColumn("submission_deadline_at", "timestamptz", (c) => c.notNull())
    .addColumn("published_at", "timestamptz", (c) => c.notNull())
    .addColumn("published_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("result_body", "text")
    .addColumn("passed_count", "integer")
    .addColumn("result_published_at", "timestamptz")
    .addColumn("result_published_by", "uuid", (c) => c.references("people.id"))
    .execute();

  await db.schema
    .createTable("prequalification_items")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("prequalification_id", "uuid", (c) => c.notNull().references("prequalifications.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('clarification', 'objection')`))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("old_deadline_at", "timestamptz")
    .addColumn("new_deadline_at", "timestamptz")
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
