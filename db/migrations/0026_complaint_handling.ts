import { sql, type Kysely } from "kysely";

/**
 * Issue 15, part 2 (decisions 0063, 0064): the regulator's handling of complaints.
 * - `complaint_document_requests`: documents the regulator asks of a party (the complainant, the
 *   respondent — the tenderer or agency — or another party), with a deadline; the party answers
 *   with a note and files (`complaint_document_uploads`). A request to the complainant in GP stops
 *   the decision's clock until it is answered (94号令 27): its interval is `requested_at`–`answered_at`.
 * - `complaints.decision_*`: the decision's draft (outcome and text), rendered into the PDF that the
 *   regulator's `sign` member signs in the browser; `decision_outcome`, `decision_sha256`,
 *   `decision_key` and `decided_at` (migration 0025) are written when it is signed.
 * - a suspension for a complaint: `opening_suspensions.complaint_id` (the hall names the complaint)
 *   and `sections.suspended_for_complaint_id` (after the opening: award and contract wait too).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);

  await db.schema
    .createTable("complaint_document_requests")
    .addColumn("id", "uuid", id)
    .addColumn("complaint_id", "uuid", (c) => c.notNull().references("complaints.id"))
    .addColumn("party", "text", (c) => c.notNull().check(sql`party in ('complainant', 'respondent', 'other')`))
    // The organisation asked; null when the complainant is a natural person (then `addressee_person_id`).
    .addColumn("addressee_organisation_id", "uuid", (c) => c.references("organisations.id"))
    .addColumn("addressee_person_id", "uuid", (c) => c.references("people.id"))
    .addColumn("what", "text", (c) => c.notNull())
    .addColumn("due_at", "timestamptz", (c) => c.notNull())
    .addColumn("requested_at", "timestamptz", (c) => c.notNull())
    .addColumn("requested_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("answered_at", "timestamptz")
    .addColumn("answer", "text")
    .addColumn("answered_by", "uuid", (c) => c.references("people.id"))
    .addCheckConstraint("complaint_document_requests_addressee", sql`(addressee_organisation_id is null) <> (addressee_person_id is null)`)
    .addCheckConstraint(
      "complaint_document_requests_answer_whole",
      sql`(answered_at is null) = (answer is null) and (answered_at is null) = (answered_by is null)`,
    )
    .execute();
  await db.schema
    .createIndex("complaint_document_requests_complaint")
    .on("complaint_document_requests")
    .columns(["complaint_id", "requested_at"])
    .execute();
  await db.schema
    .createIndex("complaint_document_requests_addressee")
    .on("complaint_document_requests")
    .columns(["addressee_organisation_id", "answered_at"])
    .execute();

  await db.schema
    .createTable("complaint_document_uploads")
    .addColumn("id", "uuid", id)
    .addColumn("request_id", "uuid", (c) => c.notNull().references("complaint_document_requests.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("media_type", "text", (c) => c.notNull().check(sql`media_type in ('application/pdf', 'image/png', 'image/jpeg')`))
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("uploaded_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("complaint_document_uploads_request").on("complaint_document_uploads").columns(["request_id"]).execute();

  await db.schema
    .alterTable("complaints")
    .addColumn("decision_text", "text")
    .addColumn("decision_drafted_at", "timestamptz")
    .addColumn("decision_drafted_by", "uuid", (c) => c.references("people.id"))
    .addColumn("decision_signed_by", "text")
    .execute();
  await db.schema
    .alterTable("opening_suspensions")
    .addColumn("complaint_id", "uuid", (c) => c.references("complaints.id"))
    .execute();
  await db.schema
    .alterTable("sections")
    .addColumn("suspended_for_complaint_id", "uuid", (c) => c.references("complaints.id"))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
