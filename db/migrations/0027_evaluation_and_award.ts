import { sql, type Kysely } from "kysely";

/**
 * Issue 16 (decisions 0065–0067): after the opening record, the evaluation and the award.
 * - `sections.evaluation_terms`: the method's weights, price formula and abnormal-low threshold,
 *   fixed with the section (null on sections created before: the method's defaults apply);
 * - `evaluations`: the committee's result as the agency recorded it (report PDF, its SHA-256
 *   anchored; the committee's names, confidential until the result is published, 法 44), which
 *   starts the candidate publicity (公示) whose end is stored as counted then;
 * - `evaluation_bids`: per bid, the machine's price points and the committee's technical and
 *   commercial points (hundredths), the rejection reason or the candidate rank (≤ 3);
 * - `awards`: the tenderer's decision (the award fact a complaint decision or a guarantee release
 *   references) and when the result was announced;
 * - `award_notices`: the award notice (中标通知书) to the winner and the result notices
 *   (中标结果通知书) to the others: the current PDF and its two signatures, issue, acknowledgement;
 * - `notices.kind` 'award' (the in-app notice pointing at an award or result notice) needs no
 *   change: migration 0025 opened the list.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sections").addColumn("evaluation_terms", "jsonb").execute();

  await db.schema
    .createTable("evaluations")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("section_id", "uuid", (c) => c.notNull().unique().references("sections.id"))
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("report_key", "text", (c) => c.notNull())
    .addColumn("report_sha256", "text", (c) => c.notNull())
    .addColumn("report_size", "bigint", (c) => c.notNull())
    .addColumn("committee", "jsonb", (c) => c.notNull())
    .addColumn("price_working", "jsonb", (c) => c.notNull())
    .addColumn("publicity_rule", "text", (c) => c.notNull())
    .addColumn("publicity_source", "text", (c) => c.notNull())
    .addColumn("publicity_last_day", "date", (c) => c.notNull())
    .addColumn("publicity_ends_at", "timestamptz", (c) => c.notNull())
    .addColumn("publicity_provisional", "boolean", (c) => c.notNull())
    .addColumn("recorded_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("evaluation_bids")
    .addColumn("evaluation_id", "uuid", (c) => c.notNull().references("evaluations.id"))
    .addColumn("opening_bid_id", "uuid", (c) => c.notNull().references("opening_bids.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("price_fen", "bigint")
    .addColumn("valid", "boolean", (c) => c.notNull())
    .addColumn("rejection_reason", "text")
    .addColumn("abnormal_low", "boolean", (c) => c.notNull())
    .addColumn("price_hundredths", "bigint")
    .addColumn("technical_hundredths", "integer")
    .addColumn("commercial_hundredths", "integer")
    .addColumn("total_hundredths", "bigint")
    .addColumn("candidate_rank", "integer", (c) => c.check(sql`candidate_rank between 1 and 3`))
    .addPrimaryKeyConstraint("evaluation_bids_pk", ["evaluation_id", "organisation_id"])
    .addUniqueConstraint("evaluation_bids_rank", ["evaluation_id", "candidate_rank"])
    .addCheckConstraint("evaluation_bids_rejected", sql`valid or (rejection_reason is not null and candidate_rank is null)`)
    .execute();

  await db.schema
    .createTable("awards")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("section_id", "uuid", (c) => c.notNull().unique().references("sections.id"))
    .addColumn("evaluation_id", "uuid", (c) => c.notNull().references("evaluations.id"))
    .addColumn("winner_organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("candidate_rank", "integer", (c) => c.notNull())
    .addColumn("price_fen", "bigint", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("decided_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("decided_at", "timestamptz", (c) => c.notNull())
    .addColumn("announced_at", "timestamptz")
    .addCheckConstraint("awards_reason", sql`candidate_rank = 1 or reason is not null`)
    .execute();

  await db.schema
    .createTable("award_notices")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("award_id", "uuid", (c) => c.notNull().references("awards.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('award', 'result')`))
    .addColumn("number", "text", (c) => c.notNull().unique())
    // The current PDF (a few dozen KB), in the row: each signature replaces it in the same transaction.
    .addColumn("pdf", "bytea", (c) => c.notNull())
    .addColumn("document_sha256", "text", (c) => c.notNull())
    .addColumn("tenderer_signed_at", "timestamptz")
    .addColumn("tenderer_signed_by", "uuid", (c) => c.references("people.id"))
    .addColumn("agency_signed_at", "timestamptz")
    .addColumn("agency_signed_by", "uuid", (c) => c.references("people.id"))
    .addColumn("issued_at", "timestamptz")
    .addColumn("acknowledged_at", "timestamptz")
    .addColumn("acknowledged_by", "uuid", (c) => c.references("people.id"))
    .addColumn("acknowledgement_jws", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("award_notices_once", ["award_id", "organisation_id"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
