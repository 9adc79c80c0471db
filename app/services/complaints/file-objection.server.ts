import { answerPeriod, isWindow, objectionWindow, withinWindow, type ObjectionSubject } from "#app/domain/complaint/windows.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { notifyOrganisations } from "../notices/notify-organisations.server.ts";
import { projectPartyRefusal, withCalendar } from "../tendering/tendering-rules.server.ts";
import {
  complaintRules,
  documentsObtainedAt,
  hasBid,
  loadSectionWithProject,
  managerOf,
  noWindowError,
  OBJECTION_WORD,
  openingEndedAt,
  resultFacts,
  shanghai,
  SUBJECT_NAMES,
} from "./complaint-context.server.ts";

export interface FileObjectionOptions {
  actor: Actor;
  sectionId: string;
  subject: ObjectionSubject;
  content: string;
  meta: RequestMeta;
}

const STANDING = {
  documents: { zh: "获取了招标（采购）文件的潜在投标人（供应商）", en: "prospective bidders (suppliers) who obtained the documents" },
  opening: { zh: "参加投标的投标人（供应商）", en: "the bidders (suppliers) who bid" },
  result: { zh: "参加投标的投标人（供应商）", en: "the bidders (suppliers) who bid" },
} as const;

/**
 * A written objection (异议, engineering) or challenge (质疑, GP) to the agency or tenderer, by
 * someone with standing, within the legal window (decision 0061). The agency is told (notice and
 * mail); the answer is due by the legal limit from the calendar. While an objection to the
 * documents or the result is unanswered, that step stops (条例 22, 54: {@link unansweredObjectionBlocks}).
 */
export async function fileObjection(app: AppContext, opts: FileObjectionOptions): Promise<{ objectionId: string; answerDueAt: Date }> {
  const now = app.clock.now();
  requirePermission(opts.actor, "raise:objection:own");
  const organisationId = opts.actor.membership.organisationId;
  const { section, project } = await loadSectionWithProject(app.db, opts.sectionId);
  const type = project.procurement_type;
  const word = OBJECTION_WORD[type];
  const what = SUBJECT_NAMES[opts.subject];
  const partyRefusal = projectPartyRefusal(opts.actor, project);
  if (partyRefusal) throw partyRefusal;

  const obtainedAt = await documentsObtainedAt(app.db, project.id, section.id, organisationId);
  const [cal, rules, ended, result] = await Promise.all([
    loadHolidayCalendar(app.db),
    complaintRules(app.db, type),
    openingEndedAt(app.db, section.id),
    resultFacts(app.db, section.id),
  ]);
  const window = withCalendar(() =>
    objectionWindow(cal, rules, {
      type,
      subject: opts.subject,
      publishedAt: section.published_at!,
      deadlineAt: section.deadline_at,
      documentsObtainedAt: obtainedAt,
      openingEndedAt: ended,
      resultPublishedAt: result.publishedAt,
      publicityEndsAt: result.publicityEndsAt,
    }),
  );
  if (!isWindow(window)) throw noWindowError(type, window);
  if (!withinWindow(window, now))
    throw new AppError("OBJECTION_WINDOW_CLOSED", {
      whatZh: what.zh,
      whatEn: what.en,
      wordZh: word.zh,
      wordEn: word.en,
      closedAt: shanghai(window.endsAt),
      sourceZh: window.source.zh,
      sourceEn: window.source.en,
    });
  const standing = opts.subject === "documents" ? obtainedAt !== null : await hasBid(app.db, section.id, organisationId);
  if (!standing)
    throw new AppError("OBJECTION_NO_STANDING", {
      whoZh: STANDING[opts.subject].zh,
      whoEn: STANDING[opts.subject].en,
      whatZh: what.zh,
      whatEn: what.en,
      wordZh: word.zh,
      wordEn: word.en,
    });

  const answerDueAt = withCalendar(() => answerPeriod(cal, rules, type, now)).endsAt;

  return app.db.transaction().execute(async (trx) => {
    // Serialise objections of one organisation on one section: the duplicate check below holds.
    await trx.selectFrom("sections").select("id").where("id", "=", section.id).forUpdate().execute();
    const earlier = await trx
      .selectFrom("objections")
      .select(["raised_at", "answered_at"])
      .where("section_id", "=", section.id)
      .where("subject", "=", opts.subject)
      .where("raised_by_organisation_id", "=", organisationId)
      .orderBy("raised_at", "desc")
      .executeTakeFirst();
    // GP: a challenge to one step of the procedure is raised once (94号令 Art 10); engineering: one open at a time.
    if (earlier && (type === "government" || !earlier.answered_at))
      throw new AppError("OBJECTION_ALREADY_FILED", {
        whatZh: what.zh,
        whatEn: what.en,
        wordZh: word.zh,
        wordEn: word.en,
        raisedAt: shanghai(earlier.raised_at),
        stateZh: earlier.answered_at ? "，已答复；同一环节的质疑应一次性提出" : "，尚待答复",
        stateEn: earlier.answered_at ? "and it was answered; a challenge to one step is raised once" : "and it awaits its answer",
      });
    const row = await trx
      .insertInto("objections")
      .values({
        section_id: section.id,
        subject: opts.subject,
        raised_by_organisation_id: organisationId,
        raised_by_person_id: opts.actor.personId,
        content: opts.content,
        raised_at: now,
        answer_due_at: answerDueAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      event: {
        type: "objection.filed",
        data: { objectionId: row.id, sectionId: section.id, subject: opts.subject, answerDueAt: answerDueAt.toISOString() },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    await notifyOrganisations(
      app,
      trx,
      {
        kind: "objection",
        projectId: project.id,
        subjectId: row.id,
        title: `收到${word.zh}：${section.code} ${what.zh} / A ${word.en} about ${what.en}`,
        body:
          `${opts.actor.membership.organisationName} 于 ${shanghai(now)} 对标段 ${section.code}（${section.name}）的${what.zh}提出${word.zh}，` +
          `请于 ${shanghai(answerDueAt)} 前答复（${window.source.zh}）。\n` +
          `${opts.actor.membership.organisationName} raised a ${word.en} about ${what.en} of section ${section.code}; answer it before ${shanghai(answerDueAt)}.\n` +
          `${app.config.publicUrl}/objections/${row.id}`,
        organisationIds: [managerOf(project)],
        roles: ["operate", "admin"],
      },
      now,
    );
    return { objectionId: row.id, answerDueAt };
  });
}
