import type { AppContext } from "#app/server/context.server.ts";
import { requireOwnOrganisation, requirePermission, type Actor } from "#app/server/session.server.ts";

export type CertificateState = "valid" | "expired" | "revoked";

export interface CertificateListItem {
  serialHex: string;
  subjectName: string;
  personId: string;
  personEmail: string;
  organisationId: string;
  organisationName: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
  state: CertificateState;
  issuedAt: Date;
  revokedAt: Date | null;
  revocationReason: string | null;
}

/** A certificate's state is derived from the stored facts and `now`. */
export function certificateState(row: { status: "valid" | "revoked"; not_before: Date; not_after: Date }, now: Date): CertificateState {
  if (row.status === "revoked") return "revoked";
  return now < row.not_before || now > row.not_after ? "expired" : "valid";
}

function baseQuery(app: AppContext) {
  return app.db
    .selectFrom("person_certificates as c")
    .innerJoin("people as p", "p.id", "c.person_id")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select([
      "c.serial_hex",
      "c.subject_name",
      "c.person_id",
      "p.email",
      "c.organisation_id",
      "o.name as organisation_name",
      "c.not_before",
      "c.not_after",
      "c.fingerprint_sha256",
      "c.status",
      "c.issued_at",
      "c.revoked_at",
      "c.revocation_reason",
    ])
    .orderBy("c.issued_at", "desc");
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>["execute"]>>[number];

const toItem =
  (now: Date) =>
  (r: Row): CertificateListItem => ({
    serialHex: r.serial_hex,
    subjectName: r.subject_name,
    personId: r.person_id,
    personEmail: r.email,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    notBefore: r.not_before,
    notAfter: r.not_after,
    fingerprint256: r.fingerprint_sha256,
    state: certificateState(r, now),
    issuedAt: r.issued_at,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
  });

/** The actor's own certificates, in every organisation they belong to. */
export async function listMyCertificates(app: AppContext, actor: Actor): Promise<CertificateListItem[]> {
  const rows = await baseQuery(app).where("c.person_id", "=", actor.personId).execute();
  return rows.map(toItem(app.clock.now()));
}

/** Every certificate of the organisation's members: for its administrators. */
export async function listOrganisationCertificates(app: AppContext, actor: Actor, organisationId: string): Promise<CertificateListItem[]> {
  requireOwnOrganisation(actor, organisationId);
  requirePermission(actor, "manage:members:own");
  const rows = await baseQuery(app).where("c.organisation_id", "=", organisationId).execute();
  return rows.map(toItem(app.clock.now()));
}
