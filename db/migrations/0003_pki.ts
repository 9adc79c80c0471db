import { sql, type Kysely } from "kysely";

/**
 * The platform PKI (ARCHITECTURE.md §3): the CA hierarchy with its private keys encrypted under
 * PKI_PASSPHRASE, the person certificates it issued (and their revocation), the CRLs it
 * published, and one-time key-possession challenges. Certificates are never deleted: a revoked
 * one stays, so signatures made before its revocation can still be judged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One row per role; the primary key makes "create the hierarchy once" a database fact.
  await db.schema
    .createTable("pki_authorities")
    .addColumn("role", "text", (c) => c.primaryKey().check(sql`role in ('root', 'issuing', 'platform')`))
    .addColumn("serial_hex", "text", (c) => c.notNull().unique())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("certificate_pem", "text", (c) => c.notNull())
    // PKCS#8 EncryptedPrivateKeyInfo PEM (scrypt + AES-256-CBC), app/server/pki/key-storage.server.ts
    .addColumn("encrypted_private_key_pem", "text", (c) => c.notNull())
    .addColumn("not_before", "timestamptz", (c) => c.notNull())
    .addColumn("not_after", "timestamptz", (c) => c.notNull())
    .addColumn("fingerprint_sha256", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("person_certificates")
    // lowercase magnitude hex, as normaliseSerialHex writes it (and CRL entries are compared)
    .addColumn("serial_hex", "text", (c) => c.primaryKey())
    .addColumn("person_id", "uuid", (c) => c.notNull().references("people.id"))
    .addColumn("organisation_id", "uuid", (c) => c.notNull().references("organisations.id"))
    .addColumn("subject_name", "text", (c) => c.notNull())
    .addColumn("certificate_pem", "text", (c) => c.notNull())
    .addColumn("not_before", "timestamptz", (c) => c.notNull())
    .addColumn("not_after", "timestamptz", (c) => c.notNull())
    .addColumn("fingerprint_sha256", "text", (c) => c.notNull().unique())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('valid', 'revoked')`))
    .addColumn("issued_via", "text", (c) => c.notNull().check(sql`issued_via in ('browser', 'cli')`))
    .addColumn("issued_at", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .addColumn("revocation_reason", "text")
    .addColumn("revoked_by", "uuid", (c) => c.references("people.id"))
    .addCheckConstraint(
      "person_certificates_revocation",
      sql`(status = 'valid' and revoked_at is null and revocation_reason is null) or (status = 'revoked' and revoked_at is not null and revocation_reason is not null)`,
    )
    .execute();
  await db.schema.createIndex("person_certificates_person").on("person_certificates").column("person_id").execute();
  await db.schema.createIndex("person_certificates_organisation").on("person_certificates").column("organisation_id").execute();

  // Every CRL published, numbered (RFC 5280 §5.2.3: cRLNumber increases monotonically).
  await db.schema
    .createTable("pki_crls")
    .addColumn("crl_number", "bigint", (c) => c.primaryKey())
    .addColumn("der", "bytea", (c) => c.notNull())
    .addColumn("this_update", "timestamptz", (c) => c.notNull())
    .addColumn("next_update", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_count", "integer", (c) => c.notNull())
    .execute();

  // One-time key-possession challenges: random, single use, short-lived.
  await db.schema
    .createTable("pki_challenges")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("challenge", "bytea", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('login')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .execute();
  await db.schema.createIndex("pki_challenges_expires").on("pki_challenges").column("expires_at").execute();
}

export async function down(): Promise<void> {
  throw new Error("bidhall migrations are forward-only");
}
