import { CalendarOutOfRangeError, type HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import {
  deadlineStanding,
  handlingDeadline,
  type DeadlineStanding,
  type HandlingDeadline,
  type HandlingLimit,
} from "#app/domain/complaint/handling-deadlines.ts";
import { ALLOWED_STATES, type ComplaintState } from "#app/domain/complaint/handling.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";
import { SUBJECT_NAMES } from "./complaint-context.server.ts";
import {
  handlingFactsOf,
  isRoutedRegulator,
  leadRegulator,
  loadComplaint,
  procurementTypeOf,
  stateOf,
  type LoadedComplaint,
} from "./handling-context.server.ts";

/**
 * The regulator's queue (decision 0063): every complaint routed to the actor's organisation, who
 * else has it and who leads, and the two limits with their sources and where they stand — overdue
 * first. Read-only; the owner filter is the routing itself (`complaint_regulators`).
 */
export interface DeadlineView {
  limit: HandlingLimit;
  sourceZh: string;
  sourceEn: string;
  excludedSourceZh: string | null;
  count: number;
  excludedWorkingDays: number;
  lastDay: string | null;
  endsAt: string | null;
  provisional: boolean;
  standing: DeadlineStanding;
  /** The calendar lacks a year this limit needs: the operator must load it (never a guess). */
  missingYear: number | null;
}

function deadlineView(
  cal: HolidayCalendar,
  loaded: LoadedComplaint,
  limit: HandlingLimit,
  doneAt: Date | null,
  now: Date,
): DeadlineView | null {
  let d: HandlingDeadline | null;
  try {
    d = handlingDeadline(cal, procurementTypeOf(loaded), limit, handlingFactsOf(loaded));
  } catch (e) {
    if (!(e instanceof CalendarOutOfRangeError)) throw e;
    return {
      limit,
      sourceZh: "",
      sourceEn: "",
      excludedSourceZh: null,
      count: 0,
      excludedWorkingDays: 0,
      lastDay: null,
      endsAt: null,
      provisional: false,
      standing: "paused",
      missingYear: e.year,
    };
  }
  if (!d) return null;
  return {
    limit,
    sourceZh: d.source.zh,
    sourceEn: d.source.en,
    excludedSourceZh: d.excludedSource?.zh ?? null,
    count: d.count,
    excludedWorkingDays: d.excludedWorkingDays,
    lastDay: d.lastDay,
    endsAt: d.endsAt?.toISOString() ?? null,
    provisional: d.provisional,
    standing: deadlineStanding(d, doneAt, now),
    missingYear: null,
  };
}

/** The limits of a complaint and whether either is overdue. Acceptance is done by accepting or rejecting; the decision by deciding. Withdrawn ends both. */
function limitsOf(cal: HolidayCalendar, loaded: LoadedComplaint, now: Date) {
  const c = loaded.complaint;
  const ended = c.withdrawn_at ?? c.rejected_at;
  const acceptance = deadlineView(cal, loaded, "acceptance", c.accepted_at ?? c.rejected_at ?? c.withdrawn_at, now);
  const decision = c.rejected_at ? null : deadlineView(cal, loaded, "decision", c.decided_at ?? ended, now);
  const overdue = acceptance?.standing === "overdue" || decision?.standing === "overdue";
  return { acceptanceDeadline: acceptance, decisionDeadline: decision, overdue };
}

function summary(loaded: LoadedComplaint, complainant: string, actor: Actor, cal: HolidayCalendar, now: Date) {
  const c = loaded.complaint;
  const lead = leadRegulator(loaded);
  const state = stateOf(c);
  return {
    id: c.id,
    receiptNo: c.receipt_no,
    ledgerId: c.ledger_id,
    state,
    subject: SUBJECT_NAMES[c.subject],
    procurementType: procurementTypeOf(loaded),
    projectCode: loaded.project.code,
    projectName: loaded.project.name,
    sectionId: loaded.section.id,
    sectionCode: loaded.section.code,
    sectionName: loaded.section.name,
    complainant,
    complainantKind: c.complainant_kind,
    filedAt: c.filed_at.toISOString(),
    leadName: lead.name,
    isLead: lead.organisationId === actor.membership.organisationId,
    regulators: loaded.regulators.map((r) => ({ name: r.name, lead: r.organisationId === lead.organisationId })),
    openRequests: loaded.requests.filter((r) => !r.answered_at).length,
    ...limitsOf(cal, loaded, now),
  };
}

async function complainantNames(app: AppContext, rows: LoadedComplaint[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.complaint.complainant_organisation_id).filter((x): x is string => !!x))];
  const orgs = ids.length ? await app.db.selectFrom("organisations").select(["id", "name"]).where("id", "in", ids).execute() : [];
  return new Map(
    rows.map((r) => [
      r.complaint.id,
      r.complaint.complainant_name ?? orgs.find((o) => o.id === r.complaint.complainant_organisation_id)?.name ?? "",
    ]),
  );
}

export async function listRegulatorComplaints(app: AppContext, actor: Actor) {
  requirePermission(actor, "view:section:jurisdiction");
  const now = app.clock.now();
  const ids = await app.db
    .selectFrom("complaint_regulators")
    .select("complaint_id")
    .where("regulator_organisation_id", "=", actor.membership.organisationId)
    .execute();
  const loaded = await Promise.all(ids.map((r) => loadComplaint(app.db, r.complaint_id)));
  const [cal, names] = await Promise.all([loadHolidayCalendar(app.db), complainantNames(app, loaded)]);
  const rows = loaded.map((l) => summary(l, names.get(l.complaint.id)!, actor, cal, now));
  const open = (s: ComplaintState) => s === "filed" || s === "accepted" || s === "suspended";
  const due = (r: (typeof rows)[number]) => (r.state === "filed" ? r.acceptanceDeadline?.endsAt : r.decisionDeadline?.endsAt) ?? "9999";
  rows.sort(
    (a, b) =>
      Number(b.overdue && open(b.state)) - Number(a.overdue && open(a.state)) ||
      Number(open(b.state)) - Number(open(a.state)) ||
      due(a).localeCompare(due(b)) ||
      b.filedAt.localeCompare(a.filedAt),
  );
  return { complaints: rows, canHandle: actor.permissions.has("handle:complaint:jurisdiction") };
}

/** One complaint for a routed regulator: the whole file, the requests and answers, the decision's draft, what the actor may do now. */
export async function readRegulatorComplaint(app: AppContext, actor: Actor, complaintId: string) {
  requirePermission(actor, "view:section:jurisdiction");
  const now = app.clock.now();
  const loaded = await loadComplaint(app.db, complaintId);
  if (!isRoutedRegulator(actor, loaded)) throw new AppError("NOT_FOUND", { what: "complaint" });
  const c = loaded.complaint;
  const [cal, names, files, uploads, people] = await Promise.all([
    loadHolidayCalendar(app.db),
    complainantNames(app, [loaded]),
    app.db.selectFrom("complaint_files").select(["id", "name", "media_type", "size", "sha256"]).where("complaint_id", "=", c.id).execute(),
    loaded.requests.length
      ? app.db
          .selectFrom("complaint_document_uploads")
          .select(["id", "request_id", "name", "size", "sha256"])
          .where(
            "request_id",
            "in",
            loaded.requests.map((r) => r.id),
          )
          .execute()
      : Promise.resolve([]),
    app.db
      .selectFrom("organisations")
      .select(["id", "name"])
      .where("id", "in", [
        ...loaded.requests.map((r) => r.addressee_organisation_id).filter((x): x is string => !!x),
        "00000000-0000-0000-0000-000000000000",
      ])
      .execute(),
  ]);
  const view = summary(loaded, names.get(c.id)!, actor, cal, now);
  const state = view.state;
  const lead = view.isLead && actor.permissions.has("handle:complaint:jurisdiction");
  return {
    ...view,
    facts: c.facts,
    request: c.request,
    legalBasis: c.legal_basis,
    admissionReason: c.admission_reason,
    acceptedAt: c.accepted_at?.toISOString() ?? null,
    rejectedAt: c.rejected_at?.toISOString() ?? null,
    suspendedAt: c.suspended_at?.toISOString() ?? null,
    resumedAt: c.resumed_at?.toISOString() ?? null,
    withdrawnAt: c.withdrawn_at?.toISOString() ?? null,
    withdrawalReason: c.withdrawal_reason,
    decidedAt: c.decided_at?.toISOString() ?? null,
    decision: {
      outcome: c.decision_outcome,
      text: c.decision_text,
      draftedAt: c.decision_drafted_at?.toISOString() ?? null,
      sha256: c.decision_sha256,
      signedBy: c.decision_signed_by,
    },
    files: files.map((f) => ({ ...f, size: Number(f.size) })),
    requests: loaded.requests.map((r) => ({
      id: r.id,
      party: r.party,
      addressee: r.addressee_organisation_id ? (people.find((p) => p.id === r.addressee_organisation_id)?.name ?? "") : view.complainant,
      what: r.what,
      dueAt: r.due_at.toISOString(),
      requestedAt: r.requested_at.toISOString(),
      answeredAt: r.answered_at?.toISOString() ?? null,
      late: r.answered_at ? r.answered_at > r.due_at : now > r.due_at,
      answer: r.answer,
      uploads: uploads
        .filter((u) => u.request_id === r.id)
        .map((u) => ({ id: u.id, name: u.name, size: Number(u.size), sha256: u.sha256 })),
    })),
    may: {
      accept: lead && ALLOWED_STATES.accept.includes(state),
      suspend: lead && ALLOWED_STATES.suspend.includes(state),
      resume: lead && ALLOWED_STATES.resume.includes(state),
      requestDocuments: lead && ALLOWED_STATES.requestDocuments.includes(state),
      draft: lead && ALLOWED_STATES.decide.includes(state),
      sign: view.isLead && actor.membership.roles.includes("sign") && ALLOWED_STATES.decide.includes(state) && !!c.decision_drafted_at,
    },
  };
}
export type RegulatorComplaintView = Awaited<ReturnType<typeof readRegulatorComplaint>>;
