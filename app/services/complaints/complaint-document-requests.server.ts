import type { Readable } from "node:stream";
import { assertComplaintAction, requireText } from "#app/domain/complaint/handling.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { notifyOrganisations } from "#app/services/notices/notify-organisations.server.ts";
import { enqueue } from "#app/server/outbox.server.ts";
import { inHandlingTransaction, isUuid, loadComplaint, partiesOf, stateFacts } from "./handling-context.server.ts";
import { removeEvidence, storeEvidence } from "./store-evidence.server.ts";

export type DocumentParty = "complainant" | "respondent" | "other";

export interface RequestDocumentsOptions {
  actor: Actor;
  complaintId: string;
  party: DocumentParty;
  /** For `other`: the organisation asked (a bidder of the section, say). */
  organisationId?: string | null;
  what: string;
  dueAt: Date;
  meta: RequestMeta;
}

const MAX_DUE_MS = 30 * 86_400_000;

/**
 * The lead regulator asks a party for documents with a deadline (投诉处理办法 14 / 94号令 22, 23). The
 * complainant's supplementary documents stop the GP decision's clock until they come (94号令 27): the
 * request's interval is a pause of the handling (app/domain/complaint/handling-deadlines.ts). The
 * party is told in-app and by mail and answers on the complaint's page.
 */
export async function requestComplaintDocuments(app: AppContext, opts: RequestDocumentsOptions): Promise<{ requestId: string }> {
  const now = app.clock.now();
  const what = requireText("what", opts.what, 2000);
  if (!(opts.dueAt > now) || opts.dueAt.getTime() - now.getTime() > MAX_DUE_MS) throw new AppError("COMPLAINT_REQUEST_DEADLINE_INVALID");
  return inHandlingTransaction(app, { ...opts, action: "requestDocuments", now }, async (trx, loaded) => {
    const c = loaded.complaint;
    const { complainantOrganisationId, respondents } = partiesOf(loaded);
    const addressees: { organisationId: string | null; personId: string | null }[] =
      opts.party === "complainant"
        ? [{ organisationId: complainantOrganisationId, personId: complainantOrganisationId ? null : c.complainant_person_id }]
        : opts.party === "respondent"
          ? [{ organisationId: respondents[respondents.length - 1]!, personId: null }] // the agency when there is one
          : [{ organisationId: await otherParty(trx, opts.organisationId ?? null), personId: null }];
    const [addressee] = addressees;
    const row = await trx
      .insertInto("complaint_document_requests")
      .values({
        complaint_id: c.id,
        party: opts.party,
        addressee_organisation_id: addressee!.organisationId,
        addressee_person_id: addressee!.personId,
        what,
        due_at: opts.dueAt,
        requested_at: now,
        requested_by: opts.actor.personId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const title = `补充材料通知（投诉回执号 ${c.receipt_no}）`;
    const body = `${loaded.regulators[0]!.name}在处理投诉（回执号 ${c.receipt_no}）中要求贵方于 ${formatShanghai(opts.dueAt)} 前提交以下材料：\n${what}`;
    if (addressee!.organisationId) {
      await notifyOrganisations(
        app,
        trx,
        {
          kind: "complaint_documents",
          projectId: loaded.project.id,
          subjectId: row.id,
          title,
          body,
          organisationIds: [addressee!.organisationId],
          roles: ["bid", "admin", "operate"],
        },
        now,
      );
    } else {
      const person = await trx.selectFrom("people").select(["email"]).where("id", "=", c.complainant_person_id).executeTakeFirstOrThrow();
      await enqueue(
        trx,
        {
          kind: "mail.send",
          key: `complaint-request:${row.id}`,
          payload: { to: person.email, subject: title, body: `${body}\n\n${app.config.publicUrl}/complaints/${c.id}` },
        },
        now,
      );
    }
    return {
      result: { requestId: row.id },
      audit: {
        type: "complaint.documents_requested",
        data: { complaintId: c.id, requestId: row.id, party: opts.party, dueAt: opts.dueAt.toISOString() },
      },
    };
  });
}

async function otherParty(trx: Parameters<typeof loadComplaint>[0], organisationId: string | null): Promise<string> {
  if (!organisationId || !isUuid(organisationId)) throw new AppError("VALIDATION_FAILED", { field: "organisationId" });
  const org = await trx
    .selectFrom("organisations")
    .select("id")
    .where("id", "=", organisationId)
    .where("status", "=", "approved")
    .executeTakeFirst();
  if (!org) throw new AppError("NOT_FOUND", { what: "organisation" });
  return org.id;
}

export interface AnswerDocumentRequestOptions {
  actor: Actor;
  requestId: string;
  answer: string;
  files: readonly { name: string; body: Readable | ReadableStream<Uint8Array> }[];
  meta: RequestMeta;
}

/**
 * The party asked answers with a note and files (PDF, PNG, JPEG; checked like the complaint's
 * evidence). Only the addressee answers, once, before the complaint ends; a late answer is
 * accepted and shown late (the regulator decides what it is worth). The files are stored first and
 * removed again if the answer is refused.
 */
export async function answerDocumentRequest(app: AppContext, opts: AnswerDocumentRequestOptions): Promise<{ answeredAt: Date }> {
  const now = app.clock.now();
  const answer = requireText("answer", opts.answer, 5000);
  if (!isUuid(opts.requestId)) throw new AppError("NOT_FOUND", { what: "document request" });
  const request = await app.db.selectFrom("complaint_document_requests").selectAll().where("id", "=", opts.requestId).executeTakeFirst();
  if (!request || !isAddressee(opts.actor, request)) throw new AppError("NOT_FOUND", { what: "document request" });
  const files = await storeEvidence(app, request.complaint_id, opts.files);
  try {
    return await app.db.transaction().execute(async (trx) => {
      const loaded = await loadComplaint(trx, request.complaint_id, { forUpdate: true });
      const again = loaded.requests.find((r) => r.id === request.id)!;
      if (again.answered_at) throw new AppError("COMPLAINT_REQUEST_CLOSED", { answeredAt: formatShanghai(again.answered_at) });
      assertComplaintAction(stateFacts(loaded.complaint), "requestDocuments");
      await trx
        .updateTable("complaint_document_requests")
        .set({ answered_at: now, answer, answered_by: opts.actor.personId })
        .where("id", "=", request.id)
        .execute();
      if (files.length)
        await trx
          .insertInto("complaint_document_uploads")
          .values(
            files.map((f) => ({
              request_id: request.id,
              name: f.name,
              media_type: f.mediaType,
              size: String(f.size),
              sha256: f.sha256,
              storage_key: f.storageKey,
              uploaded_at: now,
            })),
          )
          .execute();
      await appendAudit(trx, {
        event: {
          type: "complaint.documents_answered",
          data: { complaintId: request.complaint_id, requestId: request.id, files: files.map((f) => ({ name: f.name, sha256: f.sha256 })) },
        },
        actor: auditActorOf(opts.actor, opts.meta),
        at: now,
      });
      return { answeredAt: now };
    });
  } catch (e) {
    await removeEvidence(app, files);
    throw e;
  }
}

/** The request is addressed to the actor's organisation (a member who bids, operates or administers), or to the actor as a natural person. */
export function isAddressee(
  actor: Actor,
  request: { addressee_organisation_id: string | null; addressee_person_id: string | null },
): boolean {
  if (request.addressee_person_id) return request.addressee_person_id === actor.personId;
  return (
    request.addressee_organisation_id === actor.membership.organisationId &&
    actor.membership.roles.some((r) => r === "bid" || r === "operate" || r === "admin")
  );
}

/** The requests addressed to the actor, open first: the party's side of the handling. */
export async function listOwnDocumentRequests(app: AppContext, actor: Actor) {
  requirePermission(actor, "view:organisation:own");
  return app.db
    .selectFrom("complaint_document_requests as r")
    .innerJoin("complaints as c", "c.id", "r.complaint_id")
    .innerJoin("sections as s", "s.id", "c.section_id")
    .select([
      "r.id",
      "r.what",
      "r.due_at",
      "r.requested_at",
      "r.answered_at",
      "r.answer",
      "c.receipt_no",
      "c.id as complaint_id",
      "s.code as section_code",
      "s.name as section_name",
    ])
    .where((eb) =>
      eb.or([
        eb("r.addressee_person_id", "=", actor.personId),
        eb.and([eb("r.addressee_organisation_id", "=", actor.membership.organisationId), eb("r.addressee_person_id", "is", null)]),
      ]),
    )
    .orderBy("r.answered_at", (ob) => ob.desc().nullsFirst())
    .orderBy("r.due_at")
    .execute();
}
