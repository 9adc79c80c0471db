/**
 * The platform PKI kept in the database (ARCHITECTURE.md §1 "keys", §3): the root, the issuing
 * CA and the platform signing certificate, their private keys encrypted under PKI_PASSPHRASE
 * (key-storage.server.ts), and the CRLs the issuing CA publishes. Created once, by the first
 * embedded start or `bidhall ca init`; an advisory lock makes concurrent creators wait for the
 * first and then find its hierarchy.
 */

import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, PkiAuthorityRole } from "#db/schema.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit, SYSTEM_ACTOR } from "../audit.server.ts";
import type { AppContext } from "../context.server.ts";
import { resolvePkiPassphrase } from "../secrets.server.ts";
import { createIssuingCa, createRootCa, issuePlatformSigningCertificate, type CertificateWithKey } from "./ca.server.ts";
import { createCrl, CRL_REASONS, type CrlReason } from "./crl.server.ts";
import { PkiError } from "./errors.server.ts";
import { decryptPrivateKey, encryptPrivateKey } from "./key-storage.server.ts";
import { forgetPlatformSigningIdentity } from "./platform-signer.server.ts";
import { OID, parseCertificatePem, type SubjectFields } from "./x509.server.ts";
import { X509Certificate } from "node:crypto";

type Executor = Kysely<Database> | Transaction<Database>;

/** Any constant; distinct from the audit chain's lock (0x62696468). */
const PKI_LOCK_KEY = 0x706b_6931; // "pki1"

const PLATFORM_ORGANIZATION = "bidhall 电子招投标平台";
const PLATFORM_SIGNING_NAME = "bidhall 平台签名 Platform Signing";
export const ROOT_YEARS = 20;
export const ISSUING_YEARS = 10;
export const PLATFORM_SIGNING_DAYS = 3 * 365;
/** Person certificates: two years, never beyond the issuing CA (clamped by ca.server.ts). */
export const PERSON_CERTIFICATE_DAYS = 2 * 365;
/** A CRL is valid for a week and re-published daily, and at once after every revocation. */
export const CRL_VALIDITY_MS = 7 * 86_400_000;
export const CRL_REFRESH_MS = 86_400_000;

export interface AuthorityInfo {
  role: PkiAuthorityRole;
  serialHex: string;
  subject: string;
  certificatePem: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
}

/** `C=CN, O=…, CN=…` for display and the database. */
export function describeSubject(subject: SubjectFields): string {
  return [
    subject.countryName && `C=${subject.countryName}`,
    subject.organizationName && `O=${subject.organizationName}`,
    subject.organizationIdentifier && `organizationIdentifier=${subject.organizationIdentifier}`,
    subject.commonName && `CN=${subject.commonName}`,
  ]
    .filter(Boolean)
    .join(", ");
}

export const crlDistributionUrl = (app: AppContext) => new URL("/pki/crl", app.config.publicUrl).href;

/**
 * Creates the hierarchy when there is none; otherwise renews a platform signing certificate that
 * predates the platform's own purpose (decision 27), and does nothing else. Returns what it did.
 * Idempotent and safe to run from several processes at once.
 */
export async function ensurePlatformPki(app: AppContext): Promise<{ created: boolean; renewed: boolean; authorities: AuthorityInfo[] }> {
  const existing = await listAuthorities(app.db);
  if (existing.length === 3) {
    const renewed = await renewLegacyPlatformCertificate(app);
    return { created: false, renewed, authorities: renewed ? await listAuthorities(app.db) : existing };
  }
  const passphrase = resolvePkiPassphrase(app.config, app.log);
  const created = await app.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${PKI_LOCK_KEY})`.execute(trx);
    const roles = await trx.selectFrom("pki_authorities").select("role").execute();
    if (roles.length === 3) return false;
    if (roles.length > 0)
      throw new Error(`the platform PKI is incomplete (only ${roles.map((r) => r.role).join(", ")}); restore it from backup`);
    const now = app.clock.now();
    const root = await createRootCa({ commonName: "bidhall 根证书 Root CA", organization: PLATFORM_ORGANIZATION, now, years: ROOT_YEARS });
    const issuing = await createIssuingCa(root, {
      commonName: "bidhall 签发 CA Issuing CA 1",
      organization: PLATFORM_ORGANIZATION,
      now,
      years: ISSUING_YEARS,
      crlDistributionUrl: crlDistributionUrl(app),
    });
    const platform = await issuePlatformSigningCertificate(issuing, {
      commonName: PLATFORM_SIGNING_NAME,
      organization: PLATFORM_ORGANIZATION,
      now,
      validityDays: PLATFORM_SIGNING_DAYS,
      crlDistributionUrl: crlDistributionUrl(app),
    });
    const serials: Record<PkiAuthorityRole, string> = { root: "", issuing: "", platform: "" };
    for (const [role, cert] of [
      ["root", root],
      ["issuing", issuing],
      ["platform", platform],
    ] as const) {
      const parsed = parseCertificatePem(cert.certificatePem);
      serials[role] = parsed.serialHex;
      await trx
        .insertInto("pki_authorities")
        .values({
          role,
          serial_hex: parsed.serialHex,
          subject: describeSubject(parsed.subject),
          certificate_pem: cert.certificatePem,
          encrypted_private_key_pem: encryptPrivateKey(cert.privateKeyPem, passphrase),
          not_before: parsed.notBefore,
          not_after: parsed.notAfter,
          fingerprint_sha256: new X509Certificate(cert.certificatePem).fingerprint256,
          created_at: now,
        })
        .execute();
    }
    await appendAudit(trx, {
      event: {
        type: "pki.initialised",
        data: { rootSerial: serials.root, issuingSerial: serials.issuing, platformSerial: serials.platform },
      },
      actor: SYSTEM_ACTOR,
      at: now,
    });
    return true;
  });
  if (created) app.log.info("created the platform PKI (root CA, issuing CA, platform signing certificate)");
  return { created, renewed: false, authorities: await listAuthorities(app.db) };
}

/** Whether a platform signing certificate carries the platform's purpose (decision 27). */
export function hasPlatformPurpose(certificatePem: string): boolean {
  return parseCertificatePem(certificatePem).extKeyUsage?.includes(OID.bidhallPlatformDocumentSigning) ?? false;
}

/**
 * The migration path of decision 27: a platform signing certificate issued before the platform
 * had its own extended key usage is replaced by a new one (same subject, a new key, the purpose)
 * and kept in `pki_retired_platform_certificates` without its key, so that what it signed is
 * still recognised by pin as "platform (legacy, no EKU)". Returns whether it renewed; a no-op
 * when there is no PKI yet or the certificate already has the purpose.
 */
export async function renewLegacyPlatformCertificate(app: AppContext): Promise<boolean> {
  const current = await app.db.selectFrom("pki_authorities").select("certificate_pem").where("role", "=", "platform").executeTakeFirst();
  if (!current || hasPlatformPurpose(current.certificate_pem)) return false;
  const passphrase = resolvePkiPassphrase(app.config, app.log);
  const renewed = await app.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${PKI_LOCK_KEY})`.execute(trx);
    const old = await trx.selectFrom("pki_authorities").selectAll().where("role", "=", "platform").executeTakeFirstOrThrow();
    if (hasPlatformPurpose(old.certificate_pem)) return null; // another process renewed it first
    const now = app.clock.now();
    const oldParsed = parseCertificatePem(old.certificate_pem);
    const issuing = await loadIssuingCa(app, trx);
    const platform = await issuePlatformSigningCertificate(issuing, {
      commonName: oldParsed.subject.commonName ?? PLATFORM_SIGNING_NAME,
      organization: oldParsed.subject.organizationName ?? PLATFORM_ORGANIZATION,
      ...(oldParsed.subject.organizationIdentifier ? { uscc: oldParsed.subject.organizationIdentifier } : {}),
      now,
      validityDays: PLATFORM_SIGNING_DAYS,
      crlDistributionUrl: crlDistributionUrl(app),
    });
    await trx
      .insertInto("pki_retired_platform_certificates")
      .values({
        serial_hex: old.serial_hex,
        subject: old.subject,
        certificate_pem: old.certificate_pem,
        fingerprint_sha256: old.fingerprint_sha256,
        not_before: old.not_before,
        not_after: old.not_after,
        reason: "no-platform-eku",
        retired_at: now,
      })
      .execute();
    const parsed = parseCertificatePem(platform.certificatePem);
    await trx
      .updateTable("pki_authorities")
      .set({
        serial_hex: parsed.serialHex,
        subject: describeSubject(parsed.subject),
        certificate_pem: platform.certificatePem,
        encrypted_private_key_pem: encryptPrivateKey(platform.privateKeyPem, passphrase),
        not_before: parsed.notBefore,
        not_after: parsed.notAfter,
        fingerprint_sha256: platform.fingerprint256,
        created_at: now,
      })
      .where("role", "=", "platform")
      .execute();
    await appendAudit(trx, {
      event: {
        type: "pki.platform_certificate_renewed",
        data: { retiredSerial: old.serial_hex, platformSerial: parsed.serialHex, reason: "no-platform-eku" },
      },
      actor: SYSTEM_ACTOR,
      at: now,
    });
    return parsed.serialHex;
  });
  forgetPlatformSigningIdentity(app);
  if (renewed) app.log.info(`renewed the platform signing certificate with the platform's purpose (decision 27): ${renewed}`);
  return renewed !== null;
}

/** What the server trusts when it checks a document: its root, its issuing CA and its own signing certificates (pinned). */
export interface PlatformTrust {
  rootPem: string;
  issuingPem: string;
  /** Current first, then legacy ones (decision 27). */
  platformCertificates: string[];
}

export async function loadPlatformTrust(db: Executor): Promise<PlatformTrust> {
  const { root, issuing } = await requireCaCertificates(db);
  const platform = await listPlatformCertificates(db);
  return { rootPem: root.certificatePem, issuingPem: issuing.certificatePem, platformCertificates: platform.map((p) => p.certificatePem) };
}

export interface PlatformCertificateInfo {
  /** "current" signs today; "legacy" signed before decision 27 and is recognised only by this pin. */
  status: "current" | "legacy";
  serialHex: string;
  subject: string;
  certificatePem: string;
  fingerprint256: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * Every platform signing certificate, current first: what the server pins when it checks its own
 * receipts and records, and what `/pki/platform.pem` publishes for relying parties.
 */
export async function listPlatformCertificates(db: Executor): Promise<PlatformCertificateInfo[]> {
  const current = await db
    .selectFrom("pki_authorities")
    .select(["serial_hex", "subject", "certificate_pem", "fingerprint_sha256", "not_before", "not_after"])
    .where("role", "=", "platform")
    .execute();
  const retired = await db
    .selectFrom("pki_retired_platform_certificates")
    .select(["serial_hex", "subject", "certificate_pem", "fingerprint_sha256", "not_before", "not_after"])
    .orderBy("retired_at", "desc")
    .execute();
  return [
    ...current.map((r) => ({ ...row(r), status: "current" as const })),
    ...retired.map((r) => ({ ...row(r), status: "legacy" as const })),
  ];
}

function row(r: {
  serial_hex: string;
  subject: string;
  certificate_pem: string;
  fingerprint_sha256: string;
  not_before: Date;
  not_after: Date;
}): Omit<PlatformCertificateInfo, "status"> {
  return {
    serialHex: r.serial_hex,
    subject: r.subject,
    certificatePem: r.certificate_pem,
    fingerprint256: r.fingerprint_sha256,
    notBefore: r.not_before,
    notAfter: r.not_after,
  };
}

/** The hierarchy's public half, root first. */
export async function listAuthorities(db: Executor): Promise<AuthorityInfo[]> {
  const rows = await db
    .selectFrom("pki_authorities")
    .select(["role", "serial_hex", "subject", "certificate_pem", "not_before", "not_after", "fingerprint_sha256"])
    .execute();
  const order: PkiAuthorityRole[] = ["root", "issuing", "platform"];
  return rows
    .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role))
    .map((r) => ({
      role: r.role,
      serialHex: r.serial_hex,
      subject: r.subject,
      certificatePem: r.certificate_pem,
      notBefore: r.not_before,
      notAfter: r.not_after,
      fingerprint256: r.fingerprint_sha256,
    }));
}

/** Root and issuing CA certificates (PEM), or PKI_NOT_INITIALISED. */
export async function requireCaCertificates(db: Executor): Promise<{ root: AuthorityInfo; issuing: AuthorityInfo }> {
  const all = await listAuthorities(db);
  const root = all.find((a) => a.role === "root");
  const issuing = all.find((a) => a.role === "issuing");
  if (!root || !issuing) throw new AppError("PKI_NOT_INITIALISED");
  return { root, issuing };
}

const issuerCache = new WeakMap<object, Promise<CertificateWithKey>>();

/**
 * The issuing CA with its decrypted key (cached per database handle). Inside a transaction pass
 * it as `db`: embedded PGlite has a single connection, so a query on `app.db` from within a
 * transaction would wait for that transaction forever.
 */
export async function loadIssuingCa(app: AppContext, db: Executor = app.db): Promise<CertificateWithKey> {
  let cached = issuerCache.get(app.db);
  if (!cached) {
    cached = (async () => {
      const row = await db
        .selectFrom("pki_authorities")
        .select(["certificate_pem", "encrypted_private_key_pem"])
        .where("role", "=", "issuing")
        .executeTakeFirst();
      if (!row) throw new AppError("PKI_NOT_INITIALISED");
      try {
        const privateKeyPem = decryptPrivateKey(row.encrypted_private_key_pem, resolvePkiPassphrase(app.config, app.log));
        return { certificatePem: row.certificate_pem, privateKeyPem };
      } catch (e) {
        if (e instanceof PkiError && e.code === "WRONG_PASSPHRASE")
          throw new Error("cannot decrypt the issuing CA key: PKI_PASSPHRASE is not the one the platform PKI was created with", {
            cause: e,
          });
        throw e;
      }
    })();
    issuerCache.set(app.db, cached);
    cached.catch(() => issuerCache.delete(app.db));
  }
  return cached;
}

export function isCrlReason(value: string): value is CrlReason {
  return Object.hasOwn(CRL_REASONS, value);
}

/**
 * Publishes a new CRL listing every revoked person certificate, inside the caller's
 * transaction (so a revocation and the CRL that lists it commit together).
 */
export async function publishCrl(app: AppContext, trx: Transaction<Database>, now: Date): Promise<{ crlNumber: bigint; der: Uint8Array }> {
  await sql`select pg_advisory_xact_lock(${PKI_LOCK_KEY})`.execute(trx);
  const issuing = await loadIssuingCa(app, trx);
  const revoked = await trx
    .selectFrom("person_certificates")
    .select(["serial_hex", "revoked_at", "revocation_reason"])
    .where("status", "=", "revoked")
    .orderBy("revoked_at")
    .execute();
  const last = await trx.selectFrom("pki_crls").select("crl_number").orderBy("crl_number", "desc").limit(1).executeTakeFirst();
  const crlNumber = BigInt(last?.crl_number ?? 0) + 1n;
  const { der } = createCrl({
    issuing,
    revoked: revoked.map((r) => ({
      serialHex: r.serial_hex,
      revokedAt: r.revoked_at!,
      reason: isCrlReason(r.revocation_reason ?? "") ? (r.revocation_reason as CrlReason) : "unspecified",
    })),
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + CRL_VALIDITY_MS),
    crlNumber,
  });
  await trx
    .insertInto("pki_crls")
    .values({
      crl_number: crlNumber.toString(),
      der,
      this_update: now,
      next_update: new Date(now.getTime() + CRL_VALIDITY_MS),
      revoked_count: revoked.length,
    })
    .execute();
  await appendAudit(trx, {
    event: { type: "crl.published", data: { crlNumber: crlNumber.toString(), revoked: revoked.length } },
    actor: SYSTEM_ACTOR,
    at: now,
  });
  return { crlNumber, der };
}

/**
 * The CRL to serve and check against now: the latest, unless it is a day old (or the clock has
 * passed it), in which case a fresh one is published first.
 */
export async function currentCrl(app: AppContext): Promise<{ crlNumber: bigint; der: Uint8Array; thisUpdate: Date; nextUpdate: Date }> {
  const now = app.clock.now();
  const fresh = (row: { this_update: Date } | undefined) =>
    row !== undefined && row.this_update.getTime() <= now.getTime() && now.getTime() - row.this_update.getTime() < CRL_REFRESH_MS;
  const latest = () => app.db.selectFrom("pki_crls").selectAll().orderBy("crl_number", "desc").limit(1).executeTakeFirst();
  let row = await latest();
  if (!fresh(row)) {
    await requireCaCertificates(app.db);
    row = await app.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${PKI_LOCK_KEY})`.execute(trx);
      const again = await trx.selectFrom("pki_crls").selectAll().orderBy("crl_number", "desc").limit(1).executeTakeFirst();
      if (fresh(again)) return again;
      await publishCrl(app, trx, now);
      return trx.selectFrom("pki_crls").selectAll().orderBy("crl_number", "desc").limit(1).executeTakeFirstOrThrow();
    });
  }
  return {
    crlNumber: BigInt(row!.crl_number),
    der: new Uint8Array(row!.der),
    thisUpdate: row!.this_update,
    nextUpdate: row!.next_update,
  };
}
