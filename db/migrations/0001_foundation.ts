import { sql, type Kysely } from "kysely";

/**
 * Organisations, people, memberships, invitations, sessions, login attempts and the
 * hash-chained audit log. Migrations take Kysely<any> and never import app types (STYLE.md §6).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("organisations")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("uscc", "text", (c) => c.notNull().unique())
    .addColumn("kinds", sql`text[]`, (c) => c.notNull())
    .addColumn("region_code", "text", (c) => c.notNull())
    .addColumn("region_name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected')`))
    .addColumn("decided_at", "timestamptz")
    .addColumn("decided_by", "uuid")
    .addColumn("decision_reason", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("people")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("password_hash", "text")
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'disabled')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("memberships")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("roles", sql`text[]`, (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'removed')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("memberships_organisation_person", ["organisation_id", "person_id"])
    .execute();
  await db.schema.createIndex("memberships_person").on("memberships").column("person_id").execute();

  await db.schema
    .createTable("invitations")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("roles", sql`text[]`, (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("invited_by", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("accepted_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey()) // SHA-256 of the cookie token: a leaked table opens no session
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("active_organisation_id", "uuid", (c) => c.references("organisations.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("user_agent", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_person").on("sessions").column("person_id").execute();

  await db.schema
    .createTable("login_attempts")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("succeeded", "boolean", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_attempts_email_at").on("login_attempts").columns(["email", "at"]).execute();
  await db.schema.createIndex("login_attempts_ip_at").on("login_attempts").columns(["ip", "at"]).execute();

  // 办法 Art 49: every step logged with time, IP and operator; records never altered.
  await db.schema
    .createTable("audit_log")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("actor_person_id", "uuid")
    .addColumn("actor_organisation_id", "uuid")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("data", "jsonb", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull().unique())
    .execute();
  await db.schema.createIndex("audit_log_type_at").on("audit_log").columns(["type", "at"]).execute();
  await db.schema.createIndex("audit_log_actor_org").on("audit_log").column("actor_organisation_id").execute();
  // Append-only at the database level too: updates and deletes raise.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
