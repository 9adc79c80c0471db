import type { Kysely, Transaction } from "kysely";
import type { TodoItem } from "#app/domain/dashboard/todo.ts";
import { STATUS_ZH, type ApplicationStatus } from "#app/domain/guarantee/application.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import type { Database } from "#db/schema.ts";
import { readApplicationHistory } from "./application-history.server.ts";

/**
 * The bidder's side of its guarantees (issue 14, decision 0072): its organisation's applications
 * with their status, fee record, history, the guarantee issued and where it stands on the ledger
 * (the issue transaction and the letter's anchor). Every query carries the owner filter (the
 * applicant organisation): before the deadline nobody else may learn that it applied for a
 * guarantee on a section (法 22, decision 0057), so another organisation's application simply
 * does not exist here.
 */

type Executor = Kysely<Database> | Transaction<Database>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OwnGuaranteeRow {
  applicationId: string;
  status: ApplicationStatus;
  statusZh: string;
  section: { id: string; code: string; name: string; deadlineAt: Date };
  project: { id: string; name: string };
  guarantorName: string;
  productName: string;
  amountFen: string;
  feeFen: string;
  validFrom: Date;
  validUntil: Date;
  submittedAt: Date;
  declineReason: string | null;
  documentsRequested: string | null;
  issueError: string | null;
  guarantee: {
    id: string;
    ledgerId: string;
    status: string;
    issuedAt: Date | null;
    documentSha256: string | null;
    hasLetter: boolean;
    issueTxHash: string | null;
  } | null;
}

async function ownRows(db: Executor, organisationId: string, where: { sectionId?: string; applicationId?: string } = {}) {
  let q = db
    .selectFrom("guarantee_applications as a")
    .innerJoin("sections as s", "s.id", "a.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("organisations as o", "o.id", "a.guarantor_organisation_id")
    .innerJoin("guarantee_products as gp", "gp.id", "a.product_id")
    .leftJoin("guarantees as g", "g.application_id", "a.id")
    .select([
      "a.id",
      "a.status",
      "a.amount_fen",
      "a.fee_fen",
      "a.valid_from",
      "a.valid_until",
      "a.submitted_at",
      "a.decline_reason",
      "a.documents_requested",
      "a.issue_error",
      "s.id as section_id",
      "s.code as section_code",
      "s.name as section_name",
      "s.deadline_at",
      "p.id as project_id",
      "p.name as project_name",
      "o.name as guarantor_name",
      "gp.name as product_name",
      "g.id as guarantee_id",
      "g.ledger_id",
      "g.status as guarantee_status",
      "g.issued_at",
      "g.document_sha256",
      "g.document_key",
    ])
    .where("a.applicant_organisation_id", "=", organisationId); // owner filter
  if (where.sectionId) q = q.where("a.section_id", "=", where.sectionId);
  if (where.applicationId) q = q.where("a.id", "=", where.applicationId);
  const rows = await q.orderBy("a.submitted_at", "desc").execute();
  const guaranteeIds = rows.flatMap((r) => (r.guarantee_id ? [r.guarantee_id] : []));
  const sends = guaranteeIds.length
    ? await db
        .selectFrom("ledger_sends")
        .select(["outbox_key", "tx_hash"])
        .where("status", "=", "confirmed")
        .where((eb) => eb.or(guaranteeIds.map((id) => eb("outbox_key", "like", `guarantee:${id}:issue:%`))))
        .execute()
    : [];
  return rows.map((r): OwnGuaranteeRow => ({
    applicationId: r.id,
    status: r.status,
    statusZh: STATUS_ZH[r.status],
    section: { id: r.section_id, code: r.section_code, name: r.section_name, deadlineAt: r.deadline_at },
    project: { id: r.project_id, name: r.project_name },
    guarantorName: r.guarantor_name,
    productName: r.product_name,
    amountFen: String(r.amount_fen),
    feeFen: String(r.fee_fen),
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    submittedAt: r.submitted_at,
    declineReason: r.decline_reason,
    documentsRequested: r.documents_requested,
    issueError: r.issue_error,
    guarantee: r.guarantee_id
      ? {
          id: r.guarantee_id,
          ledgerId: r.ledger_id!,
          status: r.guarantee_status!,
          issuedAt: r.issued_at,
          documentSha256: r.document_sha256,
          hasLetter: r.document_key !== null,
          issueTxHash: sends.find((s) => s.outbox_key.startsWith(`guarantee:${r.guarantee_id}:issue:`))?.tx_hash ?? null,
        }
      : null,
  }));
}

/** Every guarantee application of the caller's organisation, newest first (the /guarantees page). */
export async function listOwnGuarantees(app: AppContext, actor: Actor): Promise<OwnGuaranteeRow[]> {
  requirePermission(actor, "apply:guarantee:own");
  return ownRows(app.db, actor.membership.organisationId);
}

/** The caller's organisation's applications for one section, newest first (the section's guarantee page). */
export async function ownSectionGuarantees(app: AppContext, actor: Actor, sectionId: string): Promise<OwnGuaranteeRow[]> {
  requirePermission(actor, "apply:guarantee:own");
  if (!UUID.test(sectionId)) throw new AppError("NOT_FOUND", { what: "section" });
  return ownRows(app.db, actor.membership.organisationId, { sectionId });
}

/** One application of the caller's organisation with its history and fee record, or not found. */
export async function readOwnApplication(app: AppContext, actor: Actor, applicationId: string) {
  requirePermission(actor, "apply:guarantee:own");
  if (!UUID.test(applicationId)) throw new AppError("NOT_FOUND", { what: "guarantee application" });
  const [row] = await ownRows(app.db, actor.membership.organisationId, { applicationId });
  if (!row) throw new AppError("NOT_FOUND", { what: "guarantee application" });
  const history = await readApplicationHistory(app.db, row.applicationId);
  return {
    ...row,
    events: history.events.map(({ personName, ...e }) => ({ ...e, person: personName })),
    payment: history.payment
      ? {
          amountFen: history.payment.amountFen,
          paidAt: history.payment.paidAt,
          reference: history.payment.reference,
          paidBy: history.payment.paidByName,
          payer: history.payment.payerName,
        }
      : null,
  };
}

export type OwnApplication = Awaited<ReturnType<typeof readOwnApplication>>;

/** The signed guarantee letter, for its applicant organisation only. */
export async function readOwnGuaranteeLetter(app: AppContext, actor: Actor, guaranteeId: string) {
  requirePermission(actor, "apply:guarantee:own");
  if (!UUID.test(guaranteeId)) throw new AppError("NOT_FOUND", { what: "guarantee" });
  const g = await app.db
    .selectFrom("guarantees as g")
    .innerJoin("sections as s", "s.id", "g.section_id")
    .select(["g.document_key", "g.ledger_id", "s.code"])
    .where("g.id", "=", guaranteeId)
    .where("g.applicant_organisation_id", "=", actor.membership.organisationId) // owner filter
    .where("g.status", "not in", ["issuing", "issue_failed"])
    .executeTakeFirst();
  if (!g?.document_key) throw new AppError("NOT_FOUND", { what: "guarantee" });
  const chunks: Buffer[] = [];
  for await (const chunk of await storageFor(app).get(g.document_key)) chunks.push(chunk as Buffer);
  return { body: Buffer.concat(chunks), filename: `投标保函-${g.code}-${g.ledger_id.slice(2, 10)}.pdf` };
}

/**
 * The guarantees an organisation may declare as a bid's security in a section (decision 0072):
 * issued on the ledger for this organisation and this section, and not bound to a bid or released.
 */
export async function declarableGuarantees(db: Executor, organisationId: string, sectionId: string) {
  const rows = await db
    .selectFrom("guarantees as g")
    .innerJoin("organisations as o", "o.id", "g.guarantor_organisation_id")
    .select(["g.id", "g.ledger_id", "g.amount_fen", "g.valid_until", "g.issued_at", "o.name as guarantor_name"])
    .where("g.applicant_organisation_id", "=", organisationId) // owner filter
    .where("g.section_id", "=", sectionId)
    .where("g.kind", "=", "bid")
    .where("g.status", "=", "issued")
    .orderBy("g.issued_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    ledgerId: r.ledger_id,
    guarantorName: r.guarantor_name,
    amountFen: String(r.amount_fen),
    validUntil: r.valid_until.toISOString(),
  }));
}

/**
 * The bidder's guarantee to-dos (dashboard, decision 48): a fee to pay, documents asked for, and an
 * issued guarantee not yet declared by the standing bid — each due at the section's deadline, and
 * only while bidding is open.
 */
export async function guaranteeTodo(db: Executor, organisationId: string, now: Date): Promise<TodoItem[]> {
  const rows = await db
    .selectFrom("guarantee_applications as a")
    .innerJoin("sections as s", "s.id", "a.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("organisations as o", "o.id", "a.guarantor_organisation_id")
    .leftJoin("guarantees as g", "g.application_id", "a.id")
    .select([
      "a.id",
      "a.status",
      "a.documents_requested",
      "s.id as section_id",
      "s.code",
      "s.name",
      "s.deadline_at",
      "p.name as project_name",
      "o.name as guarantor_name",
      "g.id as guarantee_id",
      "g.status as guarantee_status",
    ])
    .where("a.applicant_organisation_id", "=", organisationId) // owner filter
    .where("a.status", "in", ["approved", "more_documents_requested", "issued"])
    .where("s.deadline_at", ">", now)
    .where("s.cancelled_at", "is", null)
    .execute();
  const declared = new Set(
    (
      await db
        .selectFrom("bid_versions as v")
        .innerJoin("bids as b", "b.id", "v.bid_id")
        .select("v.security_guarantee_id")
        .where("b.organisation_id", "=", organisationId)
        .where("v.security_guarantee_id", "is not", null)
        .execute()
    ).map((v) => v.security_guarantee_id),
  );
  const items: TodoItem[] = [];
  for (const r of rows) {
    const params = { project: r.project_name, section: `${r.code} ${r.name}`, guarantor: r.guarantor_name };
    const base = { dueAt: r.deadline_at, link: `/sections/${r.section_id}/guarantee` };
    if (r.status === "approved") items.push({ ...base, kind: "guarantee.fee_due", key: `guarantee-fee:${r.id}`, params });
    else if (r.status === "more_documents_requested")
      items.push({
        ...base,
        kind: "guarantee.documents_requested",
        key: `guarantee-documents:${r.id}`,
        params: { ...params, what: r.documents_requested ?? "" },
      });
    else if (r.guarantee_status === "issued" && !declared.has(r.guarantee_id))
      items.push({ ...base, kind: "guarantee.declare", key: `guarantee-declare:${r.id}`, link: `/sections/${r.section_id}/bid`, params });
  }
  return items;
}
