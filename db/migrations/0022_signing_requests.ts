import { sql, type Kysely } from "kysely";

/**
 * A person's signature on a platform PDF, in two requests (decision 55): `prepare` stores here the
 * exact bytes the browser will show and sign (the document with the signature field, ByteRange and
 * an empty /Contents) together with the version of the document they were made from; `complete`
 * embeds the browser's signature into these bytes, never into anything the browser sends. One open
 * request per (kind, subject, person): preparing again supersedes the earlier one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("signing_requests")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("certificate_serial", "text", (c) => c.notNull().references("person_certificates.serial_hex"))
    .addColumn("field_name", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("document_version", "text", (c) => c.notNull())
    .addColumn("prepared_pdf", "bytea", (c) => c.notNull())
    .addColumn("prepared_sha256", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("superseded_at", "timestamptz")
    .addColumn("completed_at", "timestamptz")
    .addColumn("signed_sha256", "text")
    .addCheckConstraint("signing_requests_completed_has_hash", sql`(completed_at is null) = (signed_sha256 is null)`)
    .execute();
  await sql`create unique index signing_requests_one_open on signing_requests (kind, subject_id, person_id)
    where completed_at is null and superseded_at is null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
