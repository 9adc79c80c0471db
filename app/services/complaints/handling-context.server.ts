import { createHash } from "node:crypto";
import type { Kysely, Selectable, Transaction } from "kysely";
import {
  assertComplaintAction,
  type ComplaintAction,
  type ComplaintHandlingFacts,
  type ComplaintState,
  complaintState,
} from "#app/domain/complaint/handling.ts";
import type { HandlingFacts, HandlingPause } from "#app/domain/complaint/handling-deadlines.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { appendAudit, type AuditEvent } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { enqueueLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { findProject, findSection } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import type { ComplaintsTable, Database } from "#db/schema.ts";

/**
 * What the regulator's handling use cases share (decision 0063): loading a complaint with its
 * section, project, regulators and document requests (404), who the actor is to it (a routed
 * regulator; the lead, whose ledger account the complaint was filed to, acts), the derived state,
 * and writing a step: the row, the audit, the ledger write through the outbox, in one transaction.
 */
type Executor = Kysely<Database> | Transaction<Database>;

export type ComplaintRow = Selectable<ComplaintsTable>;

export interface LoadedComplaint {
  complaint: ComplaintRow;
  section: NonNullable<Awaited<ReturnType<typeof findSection>>>;
  project: NonNullable<Awaited<ReturnType<typeof findProject>>>;
  /** Every regulator the complaint was routed to, the lead (the first routed) first. */
  regulators: { organisationId: string; name: string; routedAt: Date }[];
  requests: Selectable<Database["complaint_document_requests"]>[];
  /** The tenderer's and the agency's names: the respondents (被投诉人). */
  respondentNames: string[];
}

export const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export async function loadComplaint(db: Executor, complaintId: string, options: { forUpdate?: boolean } = {}): Promise<LoadedComplaint> {
  if (!isUuid(complaintId)) throw new AppError("NOT_FOUND", { what: "complaint" });
  let q = db.selectFrom("complaints").selectAll().where("id", "=", complaintId);
  if (options.forUpdate) q = q.forUpdate();
  const complaint = await q.executeTakeFirst();
  if (!complaint) throw new AppError("NOT_FOUND", { what: "complaint" });
  const [section, regulators, requests] = await Promise.all([
    findSection(db, complaint.section_id),
    db
      .selectFrom("complaint_regulators as r")
      .innerJoin("organisations as o", "o.id", "r.regulator_organisation_id")
      .select(["r.regulator_organisation_id as organisationId", "o.name", "r.routed_at as routedAt"])
      .where("r.complaint_id", "=", complaint.id)
      .orderBy("r.routed_at")
      .orderBy("r.regulator_organisation_id")
      .execute(),
    db.selectFrom("complaint_document_requests").selectAll().where("complaint_id", "=", complaint.id).orderBy("requested_at").execute(),
  ]);
  // The lead is the regulator named in the filing's ledger write (the one ComplaintLedger lets act);
  // first in the list, the others after it in routing order.
  const filing = await db.selectFrom("outbox").select("payload").where("key", "=", `complaint.file:${complaint.id}`).executeTakeFirst();
  const leadId = leadOfFiling(filing?.payload);
  regulators.sort((a, b) => Number(b.organisationId === leadId) - Number(a.organisationId === leadId));
  const project = (await findProject(db, section!.project_id))!;
  const ids = [project.tenderer_organisation_id, project.agency_organisation_id].filter((x): x is string => !!x);
  const names = await db.selectFrom("organisations").select(["id", "name"]).where("id", "in", ids).execute();
  const respondentNames = ids.map((id) => names.find((n) => n.id === id)?.name ?? id);
  return { complaint, section: section!, project, regulators, requests, respondentNames };
}

function leadOfFiling(payload: unknown): string | null {
  const write = typeof payload === "string" ? (JSON.parse(payload) as unknown) : payload;
  const account = (write as { args?: unknown[] } | undefined)?.args?.[4] as { $account?: unknown } | undefined;
  return typeof account?.$account === "string" ? account.$account : null;
}

/** The regulator whose ledger account the complaint was filed to: it alone can act on the chain. */
export function leadRegulator(loaded: Pick<LoadedComplaint, "regulators">) {
  const lead = loaded.regulators[0];
  if (!lead) throw new Error("a complaint without a regulator");
  return lead;
}

export function isRoutedRegulator(actor: Actor | null, loaded: Pick<LoadedComplaint, "regulators">): boolean {
  return (
    !!actor &&
    actor.permissions.has("view:section:jurisdiction") &&
    loaded.regulators.some((r) => r.organisationId === actor.membership.organisationId)
  );
}

/** A routed regulator may read; only the lead's `operate` members act (403 naming the lead for the others). */
export function requireHandlingRegulator(actor: Actor, loaded: Pick<LoadedComplaint, "regulators">): void {
  requirePermission(actor, "handle:complaint:jurisdiction");
  if (!isRoutedRegulator(actor, loaded)) throw new AppError("FORBIDDEN", { permission: "handle:complaint:jurisdiction" });
  const lead = leadRegulator(loaded);
  if (lead.organisationId !== actor.membership.organisationId) throw new AppError("COMPLAINT_NOT_LEAD_REGULATOR", { leadName: lead.name });
}

export function stateFacts(c: ComplaintRow): ComplaintHandlingFacts {
  return {
    acceptedAt: c.accepted_at,
    rejectedAt: c.rejected_at,
    decidedAt: c.decided_at,
    withdrawnAt: c.withdrawn_at,
    suspendedAt: c.suspended_at,
    resumedAt: c.resumed_at,
  };
}

export const stateOf = (c: ComplaintRow): ComplaintState => complaintState(stateFacts(c));

export function procurementTypeOf(loaded: Pick<LoadedComplaint, "project">): ProcurementType {
  return loaded.project.procurement_type as ProcurementType;
}

/** The pauses of the handling: each document request, from its sending to its answer. */
export function handlingFactsOf(loaded: Pick<LoadedComplaint, "complaint" | "requests">): HandlingFacts {
  const pauses: HandlingPause[] = loaded.requests.map((r) => ({
    kind: r.party === "complainant" ? "complainantDocuments" : "partyDocuments",
    from: r.requested_at,
    to: r.answered_at,
  }));
  return { filedAt: loaded.complaint.filed_at, acceptedAt: loaded.complaint.accepted_at, pauses };
}

/** `0x` + SHA-256 of a text (UTF-8): what goes on chain for a reason, never the text. */
export function textHash(text: string): string {
  return `0x${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

/** The organisations a decision or a step is told to: the complainant's, the tenderer and the agency. */
export function partiesOf(loaded: Pick<LoadedComplaint, "complaint" | "project">): {
  complainantOrganisationId: string | null;
  respondents: string[];
} {
  const respondents = [loaded.project.tenderer_organisation_id, loaded.project.agency_organisation_id].filter((x): x is string => !!x);
  return { complainantOrganisationId: loaded.complaint.complainant_organisation_id, respondents };
}

/**
 * One handling step: loads the complaint locked, checks the actor and the state, runs `work` in the
 * transaction, then writes the audit row and, when given, the ledger write (through the outbox,
 * from the lead regulator's account or the platform's).
 */
export async function inHandlingTransaction<T>(
  app: AppContext,
  opts: {
    complaintId: string;
    actor: Actor;
    meta: RequestMeta;
    action: ComplaintAction;
    now: Date;
    /** Who may take the step; the lead regulator by default. */
    authorise?: (loaded: LoadedComplaint) => void;
  },
  work: (
    trx: Transaction<Database>,
    loaded: LoadedComplaint,
  ) => Promise<{
    result: T;
    audit: AuditEvent;
    ledger?: { key: string; method: string; args: unknown[]; actor: "platform" | "regulator" };
  }>,
): Promise<T> {
  return app.db.transaction().execute(async (trx) => {
    const loaded = await loadComplaint(trx, opts.complaintId, { forUpdate: true });
    (opts.authorise ?? ((l) => requireHandlingRegulator(opts.actor, l)))(loaded);
    assertComplaintAction(stateFacts(loaded.complaint), opts.action);
    const { result, audit, ledger } = await work(trx, loaded);
    await appendAudit(trx, { event: audit, actor: auditActorOf(opts.actor, opts.meta), at: opts.now });
    if (ledger) {
      await enqueueLedgerWrite(
        trx,
        ledger.key,
        {
          contract: "ComplaintLedger",
          method: ledger.method,
          args: ledger.args,
          actor: ledger.actor === "platform" ? "platform" : { organisationId: leadRegulator(loaded).organisationId },
        },
        opts.now,
      );
    }
    return result;
  });
}
