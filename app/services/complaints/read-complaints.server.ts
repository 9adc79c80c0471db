import { Readable } from "node:stream";
import { maskName, redactPersonalData } from "#app/domain/complaint/redact.ts";
import { objectionRequired } from "#app/domain/complaint/windows.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { loadSectionWithProject } from "./complaint-context.server.ts";

/** Open, or how it ended: derived from the handling facts (decided, rejected, withdrawn). */
export type ComplaintState = "filed" | "accepted" | "suspended" | "rejected" | "decided" | "withdrawn";

export function complaintState(c: {
  accepted_at: Date | null;
  rejected_at: Date | null;
  decided_at: Date | null;
  withdrawn_at: Date | null;
  suspended_at: Date | null;
  resumed_at: Date | null;
}): ComplaintState {
  if (c.withdrawn_at) return "withdrawn";
  if (c.decided_at) return "decided";
  if (c.rejected_at) return "rejected";
  if (c.suspended_at && (!c.resumed_at || c.resumed_at < c.suspended_at)) return "suspended";
  if (c.accepted_at) return "accepted";
  return "filed";
}

/** The person's complaints: those filed in their own name, and those of their organisation. */
/** The names of the regulators each complaint was routed to, by complaint id. */
async function regulatorNamesByComplaint(app: AppContext, complaintIds: readonly string[]): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  if (complaintIds.length === 0) return names;
  const rows = await app.db
    .selectFrom("complaint_regulators as r")
    .innerJoin("organisations as o", "o.id", "r.regulator_organisation_id")
    .select(["r.complaint_id", "o.name"])
    .where("r.complaint_id", "in", complaintIds)
    .execute();
  for (const row of rows) names.set(row.complaint_id, [...(names.get(row.complaint_id) ?? []), row.name]);
  return names;
}

export async function listOwnComplaints(app: AppContext, actor: Actor) {
  const rows = await app.db
    .selectFrom("complaints as c")
    .innerJoin("sections as s", "s.id", "c.section_id")
    .select([
      "c.id",
      "c.subject",
      "c.complainant_kind",
      "c.receipt_no",
      "c.filed_at",
      "c.facts",
      "c.request",
      "c.content_sha256",
      "c.ledger_id",
      "c.accepted_at",
      "c.rejected_at",
      "c.admission_reason",
      "c.decided_at",
      "c.decision_outcome",
      "c.withdrawn_at",
      "c.suspended_at",
      "c.resumed_at",
      "s.code as section_code",
      "s.name as section_name",
    ])
    .where((eb) =>
      eb.or([
        eb.and([eb("c.complainant_kind", "=", "person"), eb("c.complainant_person_id", "=", actor.personId)]),
        eb("c.complainant_organisation_id", "=", actor.membership.organisationId),
      ]),
    )
    .orderBy("c.filed_at", "desc")
    .limit(500)
    .execute();
  const regulators = await regulatorNamesByComplaint(
    app,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    subject: r.subject,
    kind: r.complainant_kind,
    receiptNo: r.receipt_no,
    filedAt: r.filed_at,
    facts: r.facts,
    request: r.request,
    contentSha256: r.content_sha256,
    ledgerId: r.ledger_id,
    state: complaintState(r),
    admissionReason: r.admission_reason,
    decidedAt: r.decided_at,
    outcome: r.decision_outcome,
    section: { code: r.section_code, name: r.section_name },
    regulators: regulators.get(r.id) ?? [],
  }));
}

/** The receipt PDF, for the complainant only (the person, or a member of the complaining organisation). */
export async function readComplaintReceipt(app: AppContext, actor: Actor, complaintId: string) {
  const row = /^[0-9a-f-]{36}$/i.test(complaintId)
    ? await app.db
        .selectFrom("complaints")
        .select(["receipt_key", "receipt_no", "complainant_kind", "complainant_person_id", "complainant_organisation_id"])
        .where("id", "=", complaintId)
        .executeTakeFirst()
    : undefined;
  const mine =
    row &&
    (row.complainant_kind === "person"
      ? row.complainant_person_id === actor.personId
      : row.complainant_organisation_id === actor.membership.organisationId);
  if (!row || !mine) throw new AppError("NOT_FOUND", { what: "complaint" });
  const stream = await storageFor(app).get(row.receipt_key);
  return { body: Readable.toWeb(stream) as ReadableStream<Uint8Array>, filename: `${row.receipt_no}.pdf` };
}

/**
 * What the complaint form needs: the section (from its link) and the objections the law requires
 * first, with the organisation's own for each subject; sections the organisation dealt with, to
 * choose from.
 */
export async function complaintFormContext(app: AppContext, actor: Actor, sectionId: string | null) {
  const org = actor.membership.organisationId;
  const mayComplainForOrganisation = actor.permissions.has("raise:objection:own") && actor.membership.organisationStatus === "approved";
  const ownSections = mayComplainForOrganisation
    ? await app.db
        .selectFrom("sections as s")
        .innerJoin("projects as p", "p.id", "s.project_id")
        .select(["s.id", "s.code", "s.name"])
        .where("s.published_at", "is not", null)
        .where((eb) =>
          eb.or([
            eb.exists(
              eb.selectFrom("registrations as r").select("r.id").whereRef("r.section_id", "=", "s.id").where("r.organisation_id", "=", org),
            ),
            eb.exists(eb.selectFrom("bids as b").select("b.id").whereRef("b.section_id", "=", "s.id").where("b.organisation_id", "=", org)),
          ]),
        )
        .orderBy("s.deadline_at", "desc")
        .limit(200)
        .execute()
    : [];
  let section = null;
  if (sectionId) {
    const loaded = await loadSectionWithProject(app.db, sectionId);
    const type = loaded.project.procurement_type;
    const objections = mayComplainForOrganisation
      ? await app.db
          .selectFrom("objections")
          .select(["id", "subject", "raised_at", "answered_at", "answer_due_at"])
          .where("section_id", "=", loaded.section.id)
          .where("raised_by_organisation_id", "=", org)
          .orderBy("raised_at", "desc")
          .execute()
      : [];
    section = {
      id: loaded.section.id,
      code: loaded.section.code,
      name: loaded.section.name,
      projectName: loaded.project.name,
      procurementType: type,
      objectionFirst: {
        documents: objectionRequired(type, "documents"),
        opening: objectionRequired(type, "opening"),
        result: objectionRequired(type, "result"),
        other: objectionRequired(type, "other"),
      },
      objections: objections.map((o) => ({
        id: o.id,
        subject: o.subject,
        raisedAt: o.raised_at,
        answeredAt: o.answered_at,
        answerDueAt: o.answer_due_at,
      })),
    };
  }
  return {
    sections: ownSections,
    section,
    mayComplainForOrganisation,
    organisationName: actor.membership.organisationName,
    personName: actor.personName,
    now: app.clock.now(),
  };
}

/**
 * The public list of complaint decisions (decision 0062), as trading centres publish them: decided
 * complaints only, personal data removed — a natural person complainant's name masked, ID numbers
 * and phone numbers in the texts masked. The organisations' names stay: they are not personal data.
 */
export async function listPublicDecisions(app: AppContext) {
  const rows = await app.db
    .selectFrom("complaints as c")
    .innerJoin("sections as s", "s.id", "c.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .leftJoin("organisations as o", "o.id", "c.complainant_organisation_id")
    .innerJoin("people as filer", "filer.id", "c.complainant_person_id")
    .select([
      "c.id",
      "c.subject",
      "c.complainant_kind",
      "c.complainant_name",
      "filer.name as filer_name",
      "o.name as organisation_name",
      "c.facts",
      "c.request",
      "c.decision_outcome",
      "c.decision_sha256",
      "c.decided_at",
      "c.filed_at",
      "s.code as section_code",
      "s.name as section_name",
      "p.name as project_name",
      "p.procurement_type",
    ])
    .where("c.decided_at", "is not", null)
    .where("c.decision_outcome", "is not", null)
    .orderBy("c.decided_at", "desc")
    .limit(200)
    .execute();
  const regulators = await regulatorNamesByComplaint(
    app,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    // The person who filed is a natural person even when the complaint is the organisation's.
    const names = [r.complainant_name, r.filer_name].filter((n): n is string => !!n);
    return {
      id: r.id,
      subject: r.subject,
      complainant: r.complainant_kind === "person" ? maskName(r.complainant_name ?? "") : (r.organisation_name ?? ""),
      facts: redactPersonalData({ text: r.facts, personNames: names }),
      request: redactPersonalData({ text: r.request, personNames: names }),
      outcome: r.decision_outcome!,
      decisionSha256: r.decision_sha256,
      decidedAt: r.decided_at!,
      filedAt: r.filed_at,
      section: { code: r.section_code, name: r.section_name },
      projectName: r.project_name,
      procurementType: r.procurement_type,
      regulators: regulators.get(r.id) ?? [],
    };
  });
}
