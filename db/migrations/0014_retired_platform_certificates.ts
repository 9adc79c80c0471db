import { sql, type Kysely } from "kysely";

/**
 * Platform signing certificates the platform no longer signs with (decision 27): the first
 * platform certificate of a data directory created before the platform's own extended key usage
 * existed is replaced at start-up and kept here, so that documents it signed can still be
 * recognised as the platform's (by this pin; they carry no purpose that says so). Its private key
 * is not kept: nothing may be signed with it any more.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("pki_retired_platform_certificates")
    .addColumn("serial_hex", "text", (c) => c.primaryKey())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("certificate_pem", "text", (c) => c.notNull())
    .addColumn("fingerprint_sha256", "text", (c) => c.notNull().unique())
    .addColumn("not_before", "timestamptz", (c) => c.notNull())
    .addColumn("not_after", "timestamptz", (c) => c.notNull())
    // 'no-platform-eku': issued before decision 27, replaced by one that has the purpose.
    .addColumn("reason", "text", (c) => c.notNull().check(sql`reason in ('no-platform-eku')`))
    .addColumn("retired_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
