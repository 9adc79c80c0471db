import { X509Certificate } from "node:crypto";
import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { currentCrl, requireCaCertificates } from "#app/server/pki/platform-pki.server.ts";
import { verifyCertificateChain } from "#app/server/pki/verify.server.ts";
import { normaliseSerialHex } from "#app/server/pki/x509.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { findSigningKind } from "./kinds.server.ts";
import type { SigningKind } from "./signing-kinds.server.ts";

/** Long enough to read a notice and confirm; short enough that a forgotten tab is soon worthless. */
export const SIGNING_REQUEST_MINUTES = 15;
/** A prepared PDF is kept in the database (bytea): notices and letters are tens of KB. */
export const MAX_SIGNING_PDF_BYTES = 16 * 1024 * 1024;

export interface SigningCertificate {
  serialHex: string;
  organisationId: string;
  /** Leaf, then the issuing CA: what the SignedData carries. */
  chainDer: Uint8Array[];
}

export function requireSigningKind(kind: string): SigningKind {
  const found = findSigningKind(kind);
  if (!found) throw new AppError("SIGNING_KIND_UNKNOWN", { kind: kind.slice(0, 64) });
  return found;
}

/**
 * The actor signs for `organisationId`: it acts for that organisation now (a person in several
 * switches first, like every `:own` action), which is approved, and holds `sign` in it.
 */
export async function requireSigner(trx: Transaction<Database>, actor: Actor, organisationId: string): Promise<void> {
  const m = actor.membership;
  if (m.organisationId === organisationId && m.organisationStatus === "approved" && m.roles.includes("sign")) return;
  const organisation = await trx.selectFrom("organisations").select("name").where("id", "=", organisationId).executeTakeFirst();
  throw new AppError("SIGNING_ROLE_REQUIRED", { organisationName: organisation?.name ?? "" });
}

/**
 * The certificate is the actor's own, valid now, unrevoked (the database's status and the current
 * CRL), chained to the platform root and allowed to sign. Outside any transaction: the CRL may be
 * republished on the way (embedded PGlite has one connection). The organisation is compared with
 * the kind's inside the transaction ({@link assertCertificateFor}).
 */
export async function checkSigningCertificate(app: AppContext, actor: Actor, serial: string, now: Date): Promise<SigningCertificate> {
  const notOwn = () => new AppError("SIGNING_CERTIFICATE_NOT_OWN", { organisationName: actor.membership.organisationName });
  let serialHex: string;
  try {
    serialHex = normaliseSerialHex(serial);
  } catch {
    throw notOwn();
  }
  const row = await app.db
    .selectFrom("person_certificates")
    .select(["serial_hex", "organisation_id", "certificate_pem", "status", "revoked_at"])
    .where("serial_hex", "=", serialHex)
    .where("person_id", "=", actor.personId)
    .executeTakeFirst();
  if (!row) throw notOwn();
  if (row.status === "revoked") throw new AppError("CERTIFICATE_REVOKED", { revokedAt: formatShanghai(row.revoked_at ?? now) });
  const { root, issuing } = await requireCaCertificates(app.db);
  const crl = await currentCrl(app);
  const chain = verifyCertificateChain({
    leafPem: row.certificate_pem,
    chainPem: [issuing.certificatePem],
    rootPem: root.certificatePem,
    at: now,
    crls: [crl.der],
    requireKeyUsage: ["digitalSignature"],
  });
  if (!chain.ok) {
    if (chain.reason === "REVOKED") throw new AppError("CERTIFICATE_REVOKED", { revokedAt: formatShanghai(chain.revokedAt ?? now) });
    if (chain.reason === "EXPIRED" || chain.reason === "NOT_YET_VALID") throw new AppError("CERTIFICATE_EXPIRED");
    app.log.warn("signing certificate refused", { serial: serialHex, reason: chain.reason, message: chain.message });
    throw new AppError("CERTIFICATE_UNTRUSTED");
  }
  const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);
  return { serialHex, organisationId: row.organisation_id, chainDer: [der(row.certificate_pem), der(issuing.certificatePem)] };
}

/**
 * Inside the transaction: the certificate belongs to the organisation that signs, and is still
 * valid in the database (held with a share lock, so a revocation waits for this signature or
 * comes first and refuses it).
 */
export async function assertCertificateFor(
  trx: Transaction<Database>,
  actor: Actor,
  certificate: SigningCertificate,
  organisationId: string,
  now: Date,
): Promise<void> {
  const row = await trx
    .selectFrom("person_certificates")
    .select(["status", "revoked_at", "organisation_id"])
    .where("serial_hex", "=", certificate.serialHex)
    .where("person_id", "=", actor.personId)
    .forShare()
    .executeTakeFirst();
  if (!row || row.organisation_id !== organisationId || certificate.organisationId !== organisationId) {
    const organisation = await trx.selectFrom("organisations").select("name").where("id", "=", organisationId).executeTakeFirst();
    throw new AppError("SIGNING_CERTIFICATE_NOT_OWN", { organisationName: organisation?.name ?? "" });
  }
  if (row.status === "revoked") throw new AppError("CERTIFICATE_REVOKED", { revokedAt: formatShanghai(row.revoked_at ?? now) });
}
