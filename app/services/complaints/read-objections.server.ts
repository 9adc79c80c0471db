import { Readable } from "node:stream";
import { isWindow, objectionWindow, OBJECTION_SUBJECTS, withinWindow, type ObjectionSubject } from "#app/domain/complaint/windows.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { withCalendar } from "../tendering/tendering-rules.server.ts";
import {
  complaintRules,
  documentsObtainedAt,
  hasBid,
  loadSectionWithProject,
  managerOf,
  noWindowError,
  openingEndedAt,
  resultFacts,
} from "./complaint-context.server.ts";

/** What the objection form shows for one subject: open until when, closed since when, or why not. */
export type SubjectWindow =
  | { subject: ObjectionSubject; state: "open"; endsAt: Date; sourceZh: string; sourceEn: string; standing: boolean }
  | { subject: ObjectionSubject; state: "closed"; endsAt: Date; sourceZh: string; sourceEn: string; standing: boolean }
  | { subject: ObjectionSubject; state: "unavailable"; code: string; messageZh: string; messageEn: string; standing: boolean };

/** The section as the objection form shows it, with each subject's window for the actor's organisation. */
export async function objectionFormContext(app: AppContext, actor: Actor, sectionId: string) {
  requirePermission(actor, "raise:objection:own");
  const now = app.clock.now();
  const { section, project } = await loadSectionWithProject(app.db, sectionId);
  const org = actor.membership.organisationId;
  const [cal, rules, obtainedAt, bid, ended, result] = await Promise.all([
    loadHolidayCalendar(app.db),
    complaintRules(app.db, project.procurement_type),
    documentsObtainedAt(app.db, project.id, section.id, org),
    hasBid(app.db, section.id, org),
    openingEndedAt(app.db, section.id),
    resultFacts(app.db, section.id),
  ]);
  const windows: SubjectWindow[] = OBJECTION_SUBJECTS.map((subject) => {
    const standing = subject === "documents" ? obtainedAt !== null : bid;
    const w = withCalendar(() =>
      objectionWindow(cal, rules, {
        type: project.procurement_type,
        subject,
        publishedAt: section.published_at!,
        deadlineAt: section.deadline_at,
        documentsObtainedAt: obtainedAt,
        openingEndedAt: ended,
        resultPublishedAt: result.publishedAt,
        publicityEndsAt: result.publicityEndsAt,
      }),
    );
    if (!isWindow(w)) {
      const e = noWindowError(project.procurement_type, w);
      return { subject, state: "unavailable", code: e.code, messageZh: e.messageIn("zh-CN"), messageEn: e.messageIn("en"), standing };
    }
    return {
      subject,
      state: withinWindow(w, now) ? "open" : "closed",
      endsAt: w.endsAt,
      sourceZh: w.source.zh,
      sourceEn: w.source.en,
      standing,
    };
  });
  const mine = await app.db
    .selectFrom("objections")
    .select(["id", "subject", "raised_at", "answer_due_at", "answered_at"])
    .where("section_id", "=", section.id)
    .where("raised_by_organisation_id", "=", org)
    .orderBy("raised_at", "desc")
    .execute();
  return {
    section: { id: section.id, code: section.code, name: section.name, deadlineAt: section.deadline_at },
    project: { id: project.id, code: project.code, name: project.name, procurementType: project.procurement_type },
    windows,
    mine: mine.map((o) => ({
      id: o.id,
      subject: o.subject,
      raisedAt: o.raised_at,
      answerDueAt: o.answer_due_at,
      answeredAt: o.answered_at,
    })),
    now,
  };
}

const listQuery = (app: AppContext) =>
  app.db
    .selectFrom("objections as o")
    .innerJoin("sections as s", "s.id", "o.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("organisations as org", "org.id", "o.raised_by_organisation_id")
    .select([
      "o.id",
      "o.subject",
      "o.raised_at",
      "o.answer_due_at",
      "o.answered_at",
      "s.id as section_id",
      "s.code as section_code",
      "s.name as section_name",
      "p.procurement_type",
      "org.name as objector",
    ])
    .orderBy("o.raised_at", "desc")
    .limit(500);

const view = (r: Awaited<ReturnType<ReturnType<typeof listQuery>["execute"]>>[number], now: Date) => ({
  id: r.id,
  subject: r.subject,
  raisedAt: r.raised_at,
  answerDueAt: r.answer_due_at,
  answeredAt: r.answered_at,
  overdue: !r.answered_at && now >= r.answer_due_at,
  section: { id: r.section_id, code: r.section_code, name: r.section_name },
  procurementType: r.procurement_type,
  objector: r.objector,
});

/** The organisation's own objections, and, for an agency or tenderer, those addressed to it (the inbox). */
export async function listObjections(app: AppContext, actor: Actor) {
  const now = app.clock.now();
  const org = actor.membership.organisationId;
  const mine = actor.permissions.has("raise:objection:own")
    ? await listQuery(app).where("o.raised_by_organisation_id", "=", org).execute()
    : [];
  const inbox = actor.permissions.has("publish:section:own")
    ? await listQuery(app)
        .where((eb) =>
          eb.or([
            eb("p.agency_organisation_id", "=", org),
            eb.and([eb("p.agency_organisation_id", "is", null), eb("p.tenderer_organisation_id", "=", org)]),
          ]),
        )
        .execute()
    : [];
  return { mine: mine.map((r) => view(r, now)), inbox: inbox.map((r) => view(r, now)), now };
}

/** One objection, for the objector's organisation and the organisation that must answer it. */
export async function readObjection(app: AppContext, actor: Actor, objectionId: string) {
  const row = /^[0-9a-f-]{36}$/i.test(objectionId)
    ? await app.db
        .selectFrom("objections as o")
        .innerJoin("organisations as org", "org.id", "o.raised_by_organisation_id")
        .innerJoin("people as raiser", "raiser.id", "o.raised_by_person_id")
        .leftJoin("people as answerer", "answerer.id", "o.answered_by")
        .selectAll("o")
        .select(["org.name as objector", "raiser.name as raised_by_name", "answerer.name as answered_by_name"])
        .where("o.id", "=", objectionId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new AppError("NOT_FOUND", { what: "objection" });
  const { section, project } = await loadSectionWithProject(app.db, row.section_id);
  const org = actor.membership.organisationId;
  const isObjector = row.raised_by_organisation_id === org;
  const isManager = managerOf(project) === org && actor.permissions.has("publish:section:own");
  if (!isObjector && !isManager) throw new AppError("NOT_FOUND", { what: "objection" });
  const now = app.clock.now();
  return {
    objection: {
      id: row.id,
      subject: row.subject,
      content: row.content,
      raisedAt: row.raised_at,
      raisedBy: row.raised_by_name,
      objector: row.objector,
      answerDueAt: row.answer_due_at,
      answeredAt: row.answered_at,
      answer: row.answer,
      answeredBy: row.answered_by_name,
      documentSha256: row.answer_document_sha256,
      overdue: !row.answered_at && now >= row.answer_due_at,
    },
    section: { id: section.id, code: section.code, name: section.name },
    project: { code: project.code, name: project.name, procurementType: project.procurement_type },
    canAnswer: isManager && !row.answered_at,
    now,
  };
}

/** The signed answer PDF, for the same two organisations. */
export async function readObjectionAnswerFile(app: AppContext, actor: Actor, objectionId: string) {
  const { objection, section } = await readObjection(app, actor, objectionId);
  const row = await app.db.selectFrom("objections").select("answer_document_key").where("id", "=", objection.id).executeTakeFirstOrThrow();
  if (!row.answer_document_key) throw new AppError("NOT_FOUND", { what: "answer" });
  const stream = await storageFor(app).get(row.answer_document_key);
  return { body: Readable.toWeb(stream) as ReadableStream<Uint8Array>, filename: `answer-${section.code}.pdf` };
}
