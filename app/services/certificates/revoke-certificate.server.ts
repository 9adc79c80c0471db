import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit, type AuditActor } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { CrlReason } from "#app/server/pki/crl.server.ts";
import { publishCrl } from "#app/server/pki/platform-pki.server.ts";
import { normaliseSerialHex } from "#app/server/pki/x509.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";

/** The reasons people may choose (RFC 5280 §5.3.1); CA-side reasons stay with the CLI. */
export const MEMBER_REVOCATION_REASONS = [
  "keyCompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "unspecified",
] as const;

export interface RevokeCertificateOptions {
  /** null: the operator's CLI (`bidhall ca revoke`) */
  actor: Actor | null;
  serial: string;
  reason: CrlReason;
  meta?: RequestMeta;
}

/**
 * Revokes a person certificate: its holder, or an administrator of the organisation it was
 * issued for. The new CRL listing it is published in the same transaction, so certificate login
 * refuses it from the moment the revocation commits.
 */
export async function revokeCertificate(app: AppContext, opts: RevokeCertificateOptions): Promise<{ serialHex: string; revokedAt: Date }> {
  let serialHex: string;
  try {
    serialHex = normaliseSerialHex(opts.serial);
  } catch {
    throw new AppError("NOT_FOUND", { what: `certificate ${opts.serial}` });
  }
  // load
  const cert = await app.db.selectFrom("person_certificates").selectAll().where("serial_hex", "=", serialHex).executeTakeFirst();
  if (!cert) throw new AppError("NOT_FOUND", { what: `certificate ${opts.serial}` });
  // authorise
  const actor = opts.actor;
  if (actor) {
    const holder = cert.person_id === actor.personId;
    const admin = actor.membership.organisationId === cert.organisation_id && actor.permissions.has("manage:members:own");
    if (!holder && !admin) throw new AppError("FORBIDDEN", { certificate: serialHex });
  }
  // guard
  if (cert.status === "revoked") throw new AppError("CERTIFICATE_ALREADY_REVOKED");

  const now = app.clock.now();
  const auditActor: AuditActor = actor
    ? auditActorOf(actor, opts.meta ?? { ip: "unknown", userAgent: "unknown" })
    : { personId: null, organisationId: null, ip: null, userAgent: "bidhall-cli" };
  await app.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("person_certificates")
      .set({ status: "revoked", revoked_at: now, revocation_reason: opts.reason, revoked_by: actor?.personId ?? null })
      .where("serial_hex", "=", serialHex)
      .where("status", "=", "valid")
      .returning("serial_hex")
      .executeTakeFirst();
    if (!updated) throw new AppError("CERTIFICATE_ALREADY_REVOKED");
    await appendAudit(trx, {
      event: {
        type: "certificate.revoked",
        data: { serial: serialHex, personId: cert.person_id, organisationId: cert.organisation_id, reason: opts.reason },
      },
      actor: auditActor,
      at: now,
    });
    await publishCrl(app, trx, now);
  });
  return { serialHex, revokedAt: now };
}
