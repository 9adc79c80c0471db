import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { toBytes } from "#app/server/db.server.ts";
import type { Actor } from "#app/server/session.server.ts";

/**
 * An award or result notice as its reader sees it (decision 67): the recipient once it is issued;
 * the project's tenderer and agency at any time after the award (they sign it). Everyone else: 404.
 */
async function loadNotice(app: AppContext, actor: Actor, noticeId: string) {
  const notFound = new AppError("NOT_FOUND", { what: "notice" });
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(noticeId)) throw notFound;
  const n = await app.db
    .selectFrom("award_notices as n")
    .innerJoin("awards as a", "a.id", "n.award_id")
    .innerJoin("sections as s", "s.id", "a.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("organisations as o", "o.id", "n.organisation_id")
    .select([
      "n.id",
      "n.kind",
      "n.number",
      "n.pdf",
      "n.document_sha256",
      "n.organisation_id",
      "n.tenderer_signed_at",
      "n.agency_signed_at",
      "n.issued_at",
      "n.acknowledged_at",
      "o.name as organisation_name",
      "s.id as section_id",
      "s.code as section_code",
      "s.name as section_name",
      "p.id as project_id",
      "p.name as project_name",
      "p.code as project_code",
      "p.tenderer_organisation_id",
      "p.agency_organisation_id",
    ])
    .where("n.id", "=", noticeId)
    .executeTakeFirst();
  if (!n) throw notFound;
  const org = actor.membership.organisationId;
  const party = org === n.tenderer_organisation_id || org === n.agency_organisation_id;
  const recipient = org === n.organisation_id && n.issued_at !== null;
  if (!party && !recipient) throw notFound;
  return { n, recipient };
}

export async function readAwardNotice(app: AppContext, actor: Actor, noticeId: string) {
  const { n, recipient } = await loadNotice(app, actor, noticeId);
  return {
    id: n.id,
    kind: n.kind,
    number: n.number,
    sha256: n.document_sha256,
    organisationName: n.organisation_name,
    section: { id: n.section_id, code: n.section_code, name: n.section_name },
    project: { id: n.project_id, code: n.project_code, name: n.project_name },
    tendererSignedAt: n.tenderer_signed_at?.toISOString() ?? null,
    agencySignedAt: n.agency_signed_at?.toISOString() ?? null,
    issuedAt: n.issued_at?.toISOString() ?? null,
    acknowledgedAt: n.acknowledged_at?.toISOString() ?? null,
    /** The viewer's organisation is the recipient and may acknowledge (a member holding a certificate). */
    recipient,
  };
}

/** The notice's current PDF (with every signature it has so far). */
export async function awardNoticePdf(app: AppContext, actor: Actor, noticeId: string): Promise<{ number: string; pdf: Uint8Array }> {
  const { n } = await loadNotice(app, actor, noticeId);
  return { number: n.number, pdf: new Uint8Array(toBytes(n.pdf)) };
}
