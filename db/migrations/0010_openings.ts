import { sql, type Kysely } from "kysely";

/**
 * The online opening (不见面开标, ARCHITECTURE.md §4; decision 17). Only facts are stored — who
 * signed in, when the window opened, paused, was extended or ended, each decryption attempt and
 * result, the reading-out, objections, confirmations — and the phase is derived from them and the
 * clock (app/domain/opening). Rows are never updated to change history, only to record a later
 * fact on the same row (a pause's resumption, an objection's answer, a message hidden).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);

  await db.schema
    .createTable("openings")
    .addColumn("id", "uuid", id)
    .addColumn("section_id", "uuid", (c) => c.notNull().unique().references("sections.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    // Counted by the scheduler at the deadline: the bids standing then.
    .addColumn("valid_bids_at_deadline", "integer")
    .addColumn("bidder_list_published_at", "timestamptz")
    .addColumn("window_opened_at", "timestamptz")
    .addColumn("window_closed_early_at", "timestamptz")
    .addColumn("window_ended_at", "timestamptz")
    .addColumn("all_decided_at", "timestamptz")
    .addColumn("reading_out_published_at", "timestamptz")
    .addColumn("reading_out_record_key", "text")
    .addColumn("reading_out_record_sha256", "text")
    .addColumn("confirmation_ended_at", "timestamptz")
    .addColumn("opening_record_key", "text")
    .addColumn("opening_record_sha256", "text")
    .addColumn("closed_at", "timestamptz")
    .addColumn("failed_at", "timestamptz")
    .addColumn("fail_reason", "jsonb")
    .execute();

  await db.schema
    .createTable("opening_window_pauses")
    .addColumn("id", "uuid", id)
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("paused_at", "timestamptz", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("paused_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("resumed_at", "timestamptz")
    .addColumn("resume_reason", "text")
    .addColumn("resumed_by", "uuid", (c) => c.references("people.id"))
    .execute();

  await db.schema
    .createTable("opening_window_extensions")
    .addColumn("id", "uuid", id)
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("minutes", "integer", (c) => c.notNull().check(sql`minutes > 0`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("extended_at", "timestamptz", (c) => c.notNull())
    .addColumn("extended_by", "uuid", (c) => c.notNull().references("people.id"))
    .execute();

  await db.schema
    .createTable("opening_suspensions")
    .addColumn("id", "uuid", id)
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("suspended_at", "timestamptz", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("suspended_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("resumed_at", "timestamptz")
    .addColumn("resume_reason", "text")
    .addColumn("resumed_by", "uuid", (c) => c.references("people.id"))
    .execute();

  await db.schema
    .createTable("opening_sign_ins")
    .addColumn("id", "uuid", id)
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("certificate_serial", "text", (c) => c.notNull())
    .addColumn("signed_in_at", "timestamptz", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("user_agent", "text", (c) => c.notNull())
    .addUniqueConstraint("opening_sign_ins_person", ["opening_id", "person_id"])
    .execute();

  // The bidder list: one row per bid standing at the deadline, with its decryption outcome.
  await db.schema
    .createTable("opening_bids")
    .addColumn("id", "uuid", id)
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("bid_version_id", "uuid", (c) => c.notNull().unique().references("bid_versions.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("result", "text", (c) => c.check(sql`result in ('decrypted', 'deemedRevoked', 'deemedWithdrawn')`))
    .addColumn("rule", "text")
    .addColumn("decided_at", "timestamptz")
    // Only after decryption: bid.json's fields (person ID numbers replaced by their keyed hash) and security.
    .addColumn("fields", "jsonb")
    .addColumn("security", "jsonb")
    .addColumn("manifest", "jsonb")
    .addColumn("decrypted_by", "uuid", (c) => c.references("people.id"))
    .addColumn("decryption_ip", "text")
    .addUniqueConstraint("opening_bids_organisation", ["opening_id", "organisation_id"])
    .execute();

  await db.schema
    .createTable("decryption_attempts")
    .addColumn("id", "uuid", id)
    .addColumn("opening_bid_id", "uuid", (c) => c.notNull().references("opening_bids.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('key', 'remedy')`))
    .addColumn("failure", "text") // null: every check passed
    .addColumn("detail", "text")
    .addColumn("attempted_at", "timestamptz", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("decryption_reclassifications")
    .addColumn("id", "uuid", id)
    .addColumn("opening_bid_id", "uuid", (c) => c.notNull().references("opening_bids.id"))
    .addColumn("from_result", "text", (c) => c.notNull())
    .addColumn("to_result", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("reclassified_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("reclassified_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("platform_incidents")
    .addColumn("id", "uuid", id)
    .addColumn("started_at", "timestamptz", (c) => c.notNull())
    .addColumn("ended_at", "timestamptz", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("recorded_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("platform_incidents_span", sql`ended_at > started_at`)
    .execute();

  await db.schema
    .createTable("opening_objections")
    .addColumn("id", "uuid", id)
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("raised_at", "timestamptz", (c) => c.notNull())
    .addColumn("answer", "text")
    .addColumn("answered_by", "uuid", (c) => c.references("people.id"))
    .addColumn("answered_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("opening_messages")
    .addColumn("id", "uuid", id)
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("sent_at", "timestamptz", (c) => c.notNull())
    .addColumn("hidden_at", "timestamptz")
    .addColumn("hidden_reason", "text")
    .addColumn("hidden_by", "uuid", (c) => c.references("people.id"))
    .execute();

  await db.schema
    .createTable("opening_confirmations")
    .addColumn("id", "uuid", id)
    .addColumn("opening_id", "uuid", (c) => c.notNull().references("openings.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("decision", "text", (c) => c.notNull().check(sql`decision in ('confirm', 'object')`))
    .addColumn("record_sha256", "text", (c) => c.notNull())
    .addColumn("confirmation_jws", "text", (c) => c.notNull())
    .addColumn("signed_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("opening_confirmations_organisation", ["opening_id", "organisation_id"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
