import { sql, type Kysely } from "kysely";

/**
 * Issue 14, part 1 (decision 0057): electronic bid guarantees (电子保函) from the guarantor's
 * products to the issued letter.
 * - `guarantee_products`: what a guarantor offers (kind, fee rate in basis points, minimum fee,
 *   the procurement types and regions it serves);
 * - `guarantee_applications`: a bidder's application for one section, with the section's required
 *   amount, validity and beneficiary (the tenderer) captured when it is made; its status moves
 *   submitted → approved | declined | more_documents_requested → fee_paid → issuing → issued |
 *   issue_failed (retryable);
 * - `guarantee_application_events`: every step of an application, who took it and why (the
 *   history both parties see; each step's notice points at its event);
 * - `guarantee_fee_payments`: the fee record (amount, payer, time, reference); no payment channel
 *   yet;
 * - `guarantees`: the guarantee itself, shared with the ledger work (w-g-verify): its random
 *   ledger id, the secret salt and the salted commitments that go on chain instead of the
 *   applicant and the section, the signed letter's hash and storage key, and its state;
 * - `bid_versions.security_guarantee_id`: the platform's guarantee a bid version declared beside
 *   its envelope (decision 16);
 * - notices may now be about a guarantee application.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("guarantee_products")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("guarantor_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('bid', 'performance')`))
    .addColumn("fee_rate_bp", "integer", (c) => c.notNull().check(sql`fee_rate_bp between 0 and 10000`))
    .addColumn("minimum_fee_fen", "bigint", (c) => c.notNull().check(sql`minimum_fee_fen >= 0`))
    .addColumn("procurement_types", sql`text[]`, (c) => c.notNull())
    .addColumn("region_codes", sql`text[]`, (c) => c.notNull())
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("guarantee_products_guarantor").on("guarantee_products").columns(["guarantor_organisation_id"]).execute();

  await db.schema
    .createTable("guarantee_applications")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("product_id", "uuid", (c) => c.notNull().references("guarantee_products.id"))
    .addColumn("guarantor_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("applicant_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("applicant_person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("beneficiary_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("valid_from", "timestamptz", (c) => c.notNull())
    .addColumn("valid_until", "timestamptz", (c) => c.notNull())
    .addColumn("fee_fen", "bigint", (c) => c.notNull().check(sql`fee_fen >= 0`))
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .check(
          sql`status in ('submitted', 'approved', 'declined', 'more_documents_requested', 'fee_paid', 'issuing', 'issued', 'issue_failed')`,
        ),
    )
    .addColumn("decline_reason", "text")
    .addColumn("documents_requested", "text")
    .addColumn("issue_error", "text")
    .addColumn("submitted_at", "timestamptz", (c) => c.notNull())
    .addColumn("decided_at", "timestamptz")
    .addColumn("decided_by", "uuid", (c) => c.references("people.id"))
    .addColumn("fee_paid_at", "timestamptz")
    .addColumn("issued_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("guarantee_applications_validity", sql`valid_until > valid_from`)
    .execute();
  await db.schema
    .createIndex("guarantee_applications_guarantor")
    .on("guarantee_applications")
    .columns(["guarantor_organisation_id", "submitted_at"])
    .execute();
  await db.schema
    .createIndex("guarantee_applications_applicant")
    .on("guarantee_applications")
    .columns(["applicant_organisation_id", "section_id"])
    .execute();

  await db.schema
    .createTable("guarantee_application_events")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("application_id", "uuid", (c) => c.notNull().references("guarantee_applications.id"))
    .addColumn("step", "text", (c) => c.notNull())
    .addColumn("text", "text")
    .addColumn("person_id", "uuid", (c) => c.references("people.id"))
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("guarantee_application_events_application")
    .on("guarantee_application_events")
    .columns(["application_id", "at"])
    .execute();

  await db.schema
    .createTable("guarantee_fee_payments")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("application_id", "uuid", (c) => c.notNull().unique().references("guarantee_applications.id"))
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addColumn("payer_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("paid_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("paid_at", "timestamptz", (c) => c.notNull())
    .addColumn("reference", "text", (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable("guarantees")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("application_id", "uuid", (c) => c.notNull().unique().references("guarantee_applications.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('bid', 'performance')`))
    .addColumn("guarantor_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("applicant_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id"))
    .addColumn("beneficiary_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("valid_from", "timestamptz", (c) => c.notNull())
    .addColumn("valid_until", "timestamptz", (c) => c.notNull())
    .addColumn("claim_period_days", "integer", (c) => c.notNull().check(sql`claim_period_days >= 0`))
    .addColumn("ledger_id", "text", (c) =>
      c
        .notNull()
        .unique()
        .check(sql`ledger_id ~ '^0x[0-9a-f]{64}$'`),
    )
    .addColumn("salt", "text", (c) => c.notNull().check(sql`salt ~ '^(0x)?[0-9a-f]{64}$'`))
    .addColumn("applicant_ref", "text", (c) => c.notNull())
    .addColumn("subject_ref", "text", (c) => c.notNull())
    .addColumn("beneficiary_ref", "text", (c) => c.notNull())
    .addColumn("document_sha256", "text")
    .addColumn("document_key", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('issuing', 'issued', 'issue_failed', 'bound', 'released', 'claimed', 'paid', 'expired')`),
    )
    .addColumn("issue_error", "text")
    .addColumn("issued_at", "timestamptz")
    .addColumn("bound_at", "timestamptz")
    .addColumn("released_at", "timestamptz")
    .addColumn("bound_bid_version_id", "uuid", (c) => c.references("bid_versions.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("guarantees_validity", sql`valid_until > valid_from`)
    .execute();
  await db.schema.createIndex("guarantees_section").on("guarantees").columns(["section_id"]).execute();
  await db.schema.createIndex("guarantees_applicant").on("guarantees").columns(["applicant_organisation_id"]).execute();

  await db.schema
    .alterTable("bid_versions")
    .addColumn("security_guarantee_id", "uuid", (c) => c.references("guarantees.id"))
    .execute();

  await sql`alter table notices drop constraint notices_kind_check`.execute(db);
  await sql`alter table notices add constraint notices_kind_check
            check (kind in ('clarification', 'termination', 'guarantee'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
