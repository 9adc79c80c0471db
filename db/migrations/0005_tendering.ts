import { sql, type Kysely } from "kysely";
import { chineseDaysSeed } from "#app/domain/calendar/chinese-days-seed.ts";
import { DEFAULT_RULE_SETS } from "#app/domain/tendering/rule-set.ts";

/**
 * Tendering (issue 5): rule sets with history, the holiday calendar, projects and sections,
 * announcements and tender documents (versions kept), clarifications (ordered, with the deadline
 * they moved), registrations, document downloads, and credit records and bans.
 *
 * NOTE: the reference data (rule sets from DEFAULT_RULE_SETS, the calendar from chinese-days'
 * JSON) is inserted here so that every database — embedded, production, the test template —
 * starts with it; from then on only the operator changes it, through audited services. These
 * are values, not app types, so the migration stays independent of db/schema.ts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rule_sets")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("procurement_type", "text", (c) => c.notNull().check(sql`procurement_type in ('engineering', 'government')`))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("rules", "jsonb", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("people.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("rule_sets_type_version", ["procurement_type", "version"])
    .execute();

  await db.schema
    .createTable("calendar_years")
    .addColumn("year", "integer", (c) => c.primaryKey())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("loaded_by", "uuid", (c) => c.references("people.id"))
    .addColumn("loaded_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("holidays")
    .addColumn("day", "date", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('holiday', 'workday')`))
    .addColumn("name", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("projects")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("region_code", "text", (c) => c.notNull())
    .addColumn("procurement_type", "text", (c) => c.notNull().check(sql`procurement_type in ('engineering', 'government')`))
    .addColumn("mandatory_tendering", "boolean", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("tenderer_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("agency_organisation_id", "uuid", (c) => c.references("organisations.id"))
    .addColumn("created_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("projects_region").on("projects").column("region_code").execute();

  await db.schema
    .createTable("sections")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("project_id", "uuid", (c) => c.notNull().references("projects.id"))
    .addColumn("sequence", "integer", (c) => c.notNull())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("estimate_fen", "bigint", (c) => c.notNull().check(sql`estimate_fen > 0`))
    .addColumn("deadline_at", "timestamptz", (c) => c.notNull())
    .addColumn("sign_in_lead_minutes", "integer", (c) => c.notNull())
    .addColumn("decryption_window_minutes", "integer", (c) => c.notNull())
    .addColumn("confirmation_period_minutes", "integer", (c) => c.notNull())
    .addColumn("minimum_bids", "integer", (c) => c.notNull())
    .addColumn("bid_validity_days", "integer", (c) => c.notNull())
    .addColumn("bid_security_fen", "bigint", (c) => c.notNull().check(sql`bid_security_fen >= 0`))
    .addColumn("security_forms", sql`text[]`, (c) => c.notNull())
    .addColumn("remedy_allowed", "boolean", (c) => c.notNull())
    .addColumn("evaluation_method", "text", (c) => c.notNull())
    .addColumn("opening_form", "jsonb", (c) => c.notNull())
    .addColumn("sale_from", "timestamptz", (c) => c.notNull())
    .addColumn("sale_until", "timestamptz", (c) => c.notNull())
    .addColumn("published_at", "timestamptz")
    .addColumn("cancelled_at", "timestamptz")
    .addColumn("cancel_reason", "text")
    .addColumn("failed_at", "timestamptz")
    .addColumn("failed_reason", "text")
    .addColumn("suspended_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("sections_project_sequence", ["project_id", "sequence"])
    .execute();
  await db.schema.createIndex("sections_deadline").on("sections").column("deadline_at").execute();

  await db.schema
    .createTable("announcements")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("project_id", "uuid", (c) => c.notNull().references("projects.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("published_at", "timestamptz", (c) => c.notNull())
    .addColumn("published_by", "uuid", (c) => c.notNull().references("people.id"))
    .addUniqueConstraint("announcements_project_version", ["project_id", "version"])
    .execute();

  await db.schema
    .createTable("tender_documents")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("project_id", "uuid", (c) => c.notNull().references("projects.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("uploaded_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("uploaded_at", "timestamptz", (c) => c.notNull())
    .addColumn("issued_at", "timestamptz")
    .addUniqueConstraint("tender_documents_project_version", ["project_id", "version"])
    .execute();

  await db.schema
    .createTable("clarifications")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("project_id", "uuid", (c) => c.notNull().references("projects.id"))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("sequence", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("affects_preparation", "boolean", (c) => c.notNull())
    .addColumn("document_id", "uuid", (c) => c.references("tender_documents.id"))
    .addColumn("old_deadline_at", "timestamptz", (c) => c.notNull())
    .addColumn("new_deadline_at", "timestamptz")
    .addColumn("issued_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("issued_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("clarifications_project_sequence", ["project_id", "sequence"])
    .execute();

  await db.schema
    .createTable("registrations")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("registered_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("registered_at", "timestamptz", (c) => c.notNull())
    .addColumn("credit_grade", "text")
    .addUniqueConstraint("registrations_section_organisation", ["section_id", "organisation_id"])
    .execute();

  await db.schema
    .createTable("document_downloads")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("document_id", "uuid", (c) => c.notNull().references("tender_documents.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("downloaded_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("document_downloads_document").on("document_downloads").column("document_id").execute();

  // Credit data is keyed by USCC: the sources (courts, regulators) list companies whether or not
  // they have joined the platform yet.
  await db.schema
    .createTable("credit_imports")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("rows", "integer", (c) => c.notNull())
    .addColumn("imported_by", "uuid", (c) => c.references("people.id"))
    .addColumn("imported_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("credit_records")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("uscc", "text", (c) => c.notNull())
    .addColumn("grade", "text", (c) => c.notNull().check(sql`grade in ('red', 'orange', 'blue', 'black')`))
    .addColumn("effective_from", "timestamptz", (c) => c.notNull())
    .addColumn("effective_to", "timestamptz")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("import_id", "uuid", (c) => c.notNull().references("credit_imports.id"))
    .addColumn("line", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("credit_records_uscc").on("credit_records").column("uscc").execute();
  await db.schema
    .createTable("credit_bans")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("uscc", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull().check(sql`scope in ('engineering', 'government', 'both')`))
    .addColumn("basis", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("from_at", "timestamptz", (c) => c.notNull())
    .addColumn("until_at", "timestamptz", (c) => c.notNull())
    .addColumn("import_id", "uuid", (c) => c.notNull().references("credit_imports.id"))
    .addColumn("line", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("credit_bans_uscc").on("credit_bans").column("uscc").execute();

  // Reference data.
  const at = new Date();
  for (const rules of Object.values(DEFAULT_RULE_SETS)) {
    await db
      .insertInto("rule_sets")
      .values({
        procurement_type: rules.procurementType,
        version: 1,
        rules: JSON.stringify(rules),
        note: "初始规则（DOMAIN.md §4）",
        created_by: null,
        created_at: at,
      })
      .execute();
  }
  const seed = chineseDaysSeed();
  const years = [];
  for (let y = seed.firstYear; y <= seed.lastYear; y++)
    years.push({ year: y, source: "chinese-days 1.5.7", loaded_by: null, loaded_at: at });
  await db.insertInto("calendar_years").values(years).execute();
  const days = [
    ...seed.holidays.map((d) => ({ day: d.day, kind: "holiday", name: d.name })),
    ...seed.workdays.map((d) => ({ day: d.day, kind: "workday", name: d.name })),
  ];
  for (let i = 0; i < days.length; i += 500)
    await db
      .insertInto("holidays")
      .values(days.slice(i, i + 500))
      .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
