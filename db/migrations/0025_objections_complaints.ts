import { sql, type Kysely } from "kysely";

/**
 * Issue 15 (E监管; decisions 0061, 0062): objections and complaints.
 * - `objections`: a written objection (异议, engineering) or challenge (质疑, government procurement)
 *   to the tender documents, the opening (GP only: engineering objects on the spot, in
 *   `opening_objections`) or the evaluation result, to the agency or tenderer; its answer is a notice.
 * - `complaints`: a real-name complaint (投诉) to the regulators with jurisdiction; the content stays
 *   here, its SHA-256 goes on ComplaintLedger. The handling columns (accepted_at … resumed_at) are
 *   null at filing and written by the regulator's workflow.
 * - `complaint_regulators`: every regulator a complaint was routed to; `complaint_files`: evidence.
 * - `regulator_jurisdictions`: what each regulator declares it supervises (region × procurement type
 *   × industry; industry `any` for all).
 * - `projects.industry`: the industry a project belongs to, for routing.
 * - `notices.kind`: no longer a closed list in the database (db/schema.ts keeps the union), so that
 *   each feature adds its own kinds without rewriting the constraint.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);

  await db.schema
    .alterTable("projects")
    .addColumn("industry", "text", (c) => c.notNull().defaultTo("other"))
    .execute();

  await sql`alter table notices drop constraint notices_kind_check`.execute(db);
  await sql`alter table notices add constraint notices_kind_check check (kind ~ '^[a-z][a-z_]*$')`.execute(db);

  await db.schema
    .createTable("objections")
    .addColumn("id", "uuid", id)
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("subject", "text", (c) => c.notNull().check(sql`subject in ('documents', 'opening', 'result')`))
    .addColumn("raised_by_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("raised_by_person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("raised_at", "timestamptz", (c) => c.notNull())
    .addColumn("answer_due_at", "timestamptz", (c) => c.notNull())
    .addColumn("answered_at", "timestamptz")
    .addColumn("answer", "text")
    .addColumn("answer_notice_id", "uuid", (c) => c.references("notices.id"))
    .addColumn("answered_by", "uuid", (c) => c.references("people.id"))
    // The answer as a platform-signed PDF (质疑答复 / 异议答复), stored and its SHA-256 anchored.
    .addColumn("answer_document_key", "text")
    .addColumn("answer_document_sha256", "text")
    .addCheckConstraint(
      "objections_answer_whole",
      sql`(answered_at is null) = (answer is null) and (answered_at is null) = (answered_by is null)`,
    )
    .execute();
  await db.schema.createIndex("objections_section").on("objections").columns(["section_id", "subject"]).execute();
  await db.schema.createIndex("objections_organisation").on("objections").columns(["raised_by_organisation_id", "raised_at"]).execute();

  await db.schema
    .createTable("complaints")
    .addColumn("id", "uuid", id)
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("subject", "text", (c) => c.notNull().check(sql`subject in ('documents', 'opening', 'result', 'other')`))
    .addColumn("complainant_kind", "text", (c) => c.notNull().check(sql`complainant_kind in ('organisation', 'person')`))
    .addColumn("complainant_organisation_id", "uuid", (c) => c.references("organisations.id"))
    .addColumn("complainant_person_id", "uuid", (c) => c.notNull().references("people.id"))
    // A natural person's name as on the ID card, and a keyed hash of the ID number (never the number).
    .addColumn("complainant_name", "text")
    .addColumn("id_number_hash", "text")
    .addColumn("facts", "text", (c) => c.notNull())
    .addColumn("request", "text", (c) => c.notNull())
    .addColumn("legal_basis", "text", (c) => c.notNull())
    .addColumn("prerequisite_objection_id", "uuid", (c) => c.references("objections.id"))
    .addColumn("prerequisite_opening_objection_id", "uuid", (c) => c.references("opening_objections.id"))
    // When the complainant knew of the act (a complaint needing no objection first); else null.
    .addColumn("known_at", "timestamptz")
    // The end of the legal window the complaint was filed in (the first instant after it).
    .addColumn("window_ends_at", "timestamptz", (c) => c.notNull())
    .addColumn("content_sha256", "text", (c) => c.notNull())
    .addColumn("ledger_id", "text", (c) =>
      c
        .notNull()
        .unique()
        .check(sql`ledger_id ~ '^0x[0-9a-f]{64}$'`),
    )
    .addColumn("complainant_salt", "text", (c) => c.notNull())
    .addColumn("complainant_ref", "text", (c) => c.notNull().check(sql`complainant_ref ~ '^0x[0-9a-f]{64}$'`))
    .addColumn("receipt_no", "text", (c) => c.notNull().unique())
    .addColumn("receipt_key", "text", (c) => c.notNull())
    .addColumn("receipt_sha256", "text", (c) => c.notNull())
    .addColumn("filed_at", "timestamptz", (c) => c.notNull())
    .addColumn("accepted_at", "timestamptz")
    .addColumn("rejected_at", "timestamptz")
    .addColumn("admission_reason", "text")
    .addColumn("decision_outcome", "text", (c) => c.check(sql`decision_outcome in ('upheld', 'partly_upheld', 'dismissed')`))
    .addColumn("decision_sha256", "text")
    .addColumn("decision_key", "text")
    .addColumn("decided_at", "timestamptz")
    .addColumn("withdrawn_at", "timestamptz")
    .addColumn("withdrawal_reason", "text")
    .addColumn("suspended_at", "timestamptz")
    .addColumn("resumed_at", "timestamptz")
    .addCheckConstraint(
      "complaints_complainant",
      sql`(complainant_kind = 'organisation' and complainant_organisation_id is not null and complainant_name is null and id_number_hash is null)
          or (complainant_kind = 'person' and complainant_organisation_id is null and complainant_name is not null and id_number_hash is not null)`,
    )
    .execute();
  // One open complaint per complainant, section and subject (a duplicate is refused; 94号令 Art 21 (4)).
  await sql`create unique index complaints_open_once on complaints
              (section_id, subject, complainant_kind, coalesce(complainant_organisation_id, complainant_person_id))
              where decided_at is null and rejected_at is null and withdrawn_at is null`.execute(db);
  await db.schema.createIndex("complaints_person").on("complaints").columns(["complainant_person_id", "filed_at"]).execute();
  await db.schema.createIndex("complaints_decided").on("complaints").columns(["decided_at"]).execute();

  await db.schema
    .createTable("complaint_regulators")
    .addColumn("complaint_id", "uuid", (c) => c.notNull().references("complaints.id"))
    .addColumn("regulator_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("routed_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("complaint_regulators_pk", ["complaint_id", "regulator_organisation_id"])
    .execute();
  await db.schema.createIndex("complaint_regulators_regulator").on("complaint_regulators").columns(["regulator_organisation_id"]).execute();

  await db.schema
    .createTable("complaint_files")
    .addColumn("id", "uuid", id)
    .addColumn("complaint_id", "uuid", (c) => c.notNull().references("complaints.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("media_type", "text", (c) => c.notNull().check(sql`media_type in ('application/pdf', 'image/png', 'image/jpeg')`))
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("uploaded_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("complaint_files_complaint").on("complaint_files").columns(["complaint_id"]).execute();

  await db.schema
    .createTable("regulator_jurisdictions")
    .addColumn("id", "uuid", id)
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("region_code", "text", (c) => c.notNull().check(sql`region_code ~ '^[0-9]{6}$'`))
    .addColumn("procurement_type", "text", (c) => c.notNull().check(sql`procurement_type in ('engineering', 'government')`))
    .addColumn("industry", "text", (c) => c.notNull())
    .addColumn("declared_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("declared_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("regulator_jurisdictions_once", ["organisation_id", "region_code", "procurement_type", "industry"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
