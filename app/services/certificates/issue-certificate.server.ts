import type { MemberRole } from "#app/domain/access/permissions.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit, type AuditActor } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { enqueue } from "#app/server/outbox.server.ts";
import { issuePersonCertificate } from "#app/server/pki/ca.server.ts";
import { PkiError } from "#app/server/pki/errors.server.ts";
import { crlDistributionUrl, loadIssuingCa, PERSON_CERTIFICATE_DAYS, requireCaCertificates } from "#app/server/pki/platform-pki.server.ts";
import { activeMemberships, findPersonByEmail, findPersonById, type MembershipView } from "#app/server/repo/people.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";

/** ARCHITECTURE.md §3: certificates go at once to active members holding one of these roles. */
export const CERTIFICATE_ROLES: readonly MemberRole[] = ["bid", "sign", "operate"];

export const mayHoldCertificate = (roles: readonly MemberRole[]) => roles.some((r) => CERTIFICATE_ROLES.includes(r));

export interface IssuedCertificate {
  serialHex: string;
  certificatePem: string;
  /** issuing CA first, then the root: what the PKCS#12 backup carries */
  chainPem: string[];
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
  personName: string;
  organisationName: string;
}

export interface IssueCertificateOptions {
  actor: Actor;
  csrPem: string;
  meta: RequestMeta;
}

/** The logged-in member enrols in the browser: a certificate for the organisation they act for. */
export async function issueCertificate(app: AppContext, opts: IssueCertificateOptions): Promise<IssuedCertificate> {
  return issueForMember(app, {
    personId: opts.actor.personId,
    organisationId: opts.actor.membership.organisationId,
    csrPem: opts.csrPem,
    via: "browser",
    auditActor: auditActorOf(opts.actor, opts.meta),
  });
}

/**
 * `bidhall ca issue` for people who enrol offline: the member is named by email; when they
 * belong to several organisations, the first approved one where they hold a certificate role.
 */
export async function issueCertificateForMember(app: AppContext, opts: { email: string; csrPem: string }): Promise<IssuedCertificate> {
  const person = await findPersonByEmail(app.db, opts.email);
  if (!person) throw new AppError("NOT_FOUND", { what: `member ${opts.email}` });
  const memberships = await activeMemberships(app.db, person.id);
  const eligible = memberships.filter((m) => mayHoldCertificate(m.roles));
  const chosen = eligible.find((m) => m.organisationStatus === "approved") ?? eligible[0] ?? memberships[0];
  if (!chosen) throw new AppError("NOT_FOUND", { what: `member ${opts.email}` });
  return issueForMember(app, {
    personId: person.id,
    organisationId: chosen.organisationId,
    csrPem: opts.csrPem,
    via: "cli",
    auditActor: { personId: null, organisationId: null, ip: null, userAgent: "bidhall-cli" },
  });
}

async function issueForMember(
  app: AppContext,
  input: { personId: string; organisationId: string; csrPem: string; via: "browser" | "cli"; auditActor: AuditActor },
): Promise<IssuedCertificate> {
  // load
  const person = await findPersonById(app.db, input.personId);
  const membership: MembershipView | undefined = person
    ? (await activeMemberships(app.db, person.id)).find((m) => m.organisationId === input.organisationId)
    : undefined;
  if (!person || !membership || person.status !== "active") throw new AppError("NOT_FOUND", { what: "member" });
  // authorise and guard
  if (!mayHoldCertificate(membership.roles)) throw new AppError("CERTIFICATE_ROLE_REQUIRED");
  if (membership.organisationStatus !== "approved")
    throw new AppError("ORGANISATION_NOT_APPROVED", { name: membership.organisationName, status: membership.organisationStatus });
  const { root, issuing } = await requireCaCertificates(app.db);

  const now = app.clock.now();
  let issued: ReturnType<typeof issuePersonCertificate>;
  try {
    issued = issuePersonCertificate({
      issuing: await loadIssuingCa(app),
      csrPem: input.csrPem,
      subject: { personName: person.name, organizationName: membership.organisationName, uscc: membership.organisationUscc },
      now,
      validityDays: PERSON_CERTIFICATE_DAYS,
      crlDistributionUrl: crlDistributionUrl(app),
    });
  } catch (e) {
    if (e instanceof PkiError) throw new AppError("CSR_INVALID", { reason: e.message }, { cause: e });
    throw e;
  }

  await app.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("person_certificates")
      .values({
        serial_hex: issued.serialHex,
        person_id: person.id,
        organisation_id: membership.organisationId,
        subject_name: person.name,
        certificate_pem: issued.certificatePem,
        not_before: issued.notBefore,
        not_after: issued.notAfter,
        fingerprint_sha256: issued.fingerprint256,
        status: "valid",
        issued_via: input.via,
        issued_at: now,
      })
      .execute();
    await appendAudit(trx, {
      event: {
        type: "certificate.issued",
        data: {
          serial: issued.serialHex,
          personId: person.id,
          organisationId: membership.organisationId,
          fingerprint: issued.fingerprint256,
          notAfter: issued.notAfter.toISOString(),
          via: input.via,
        },
      },
      actor: input.auditActor,
      at: now,
    });
    const until = formatShanghai(issued.notAfter);
    await enqueue(
      trx,
      {
        kind: "mail.send",
        key: `certificate-issued:${issued.serialHex}`,
        payload: {
          to: person.email,
          subject: `数字证书已签发 · Certificate issued (${issued.serialHex.toUpperCase()})`,
          body:
            `${person.name}：平台已为您（${membership.organisationName}）签发数字证书。\n` +
            `序列号：${issued.serialHex.toUpperCase()}\nSHA-256 指纹：${issued.fingerprint256}\n有效期至：${until}\n` +
            `如非本人操作，请立即登录平台吊销该证书：${app.config.publicUrl}/certificates\n\n` +
            `${person.name}, the platform has issued you a certificate for ${membership.organisationName}.\n` +
            `Serial ${issued.serialHex.toUpperCase()}, SHA-256 fingerprint ${issued.fingerprint256}, valid until ${until} (Beijing time).\n` +
            `If you did not request it, revoke it at once: ${app.config.publicUrl}/certificates`,
        },
      },
      now,
    );
  });

  return {
    serialHex: issued.serialHex,
    certificatePem: issued.certificatePem,
    chainPem: [issuing.certificatePem, root.certificatePem],
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    fingerprint256: issued.fingerprint256,
    personName: person.name,
    organisationName: membership.organisationName,
  };
}
