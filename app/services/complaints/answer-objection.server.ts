import { AppError } from "#app/domain/shared/app-error.ts";
import { citation } from "#app/domain/tendering/legal-sources.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { signObjectionAnswer } from "#app/server/pdf/render/complaint-documents.server.ts";
import { platformPdfSigner } from "#app/server/pki/platform-signer.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { notifyOrganisations } from "../notices/notify-organisations.server.ts";
import { requireProjectManager } from "../tendering/tendering-rules.server.ts";
import { loadSectionWithProject, OBJECTION_WORD, shanghai, SUBJECT_NAMES } from "./complaint-context.server.ts";

export interface AnswerObjectionOptions {
  actor: Actor;
  objectionId: string;
  answer: string;
  meta: RequestMeta;
}

async function loadObjection(app: AppContext, objectionId: string) {
  const row = /^[0-9a-f-]{36}$/i.test(objectionId)
    ? await app.db
        .selectFrom("objections as o")
        .innerJoin("organisations as org", "org.id", "o.raised_by_organisation_id")
        .selectAll("o")
        .select("org.name as objector_name")
        .where("o.id", "=", objectionId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new AppError("NOT_FOUND", { what: "objection" });
  return row;
}

/**
 * The agency's (or the tenderer's) written answer to an objection (decision 0061). The answer is
 * a notice to the objector with a platform-signed PDF (异议答复 / 质疑答复函), its SHA-256
 * anchored; an answer after the due date is accepted and recorded as late (the objector may
 * already have complained). Answering lifts the stop of 条例 22 / 54.
 */
export async function answerObjection(app: AppContext, opts: AnswerObjectionOptions): Promise<{ answeredAt: Date; sha256: string }> {
  const now = app.clock.now();
  const objection = await loadObjection(app, opts.objectionId);
  const { section, project } = await loadSectionWithProject(app.db, objection.section_id);
  requireProjectManager(opts.actor, project);
  const word = OBJECTION_WORD[project.procurement_type];
  if (objection.answered_at)
    throw new AppError("OBJECTION_ALREADY_ANSWERED", { wordZh: word.zh, wordEn: word.en, answeredAt: shanghai(objection.answered_at) });

  const signed = await signObjectionAnswer(
    {
      documentId: `DF-${section.code}-${objection.id.slice(0, 8).toUpperCase()}`,
      word: word.zh,
      projectCode: project.code,
      projectName: project.name,
      sectionCode: section.code,
      sectionName: section.name,
      subject: SUBJECT_NAMES[objection.subject].zh,
      objector: objection.objector_name,
      raisedAt: objection.raised_at,
      content: objection.content,
      answerer: opts.actor.membership.organisationName,
      answeredBy: opts.actor.personName,
      answeredAt: now,
      answerDueAt: objection.answer_due_at,
      answer: opts.answer,
      source: citation("objectionAnswer", project.procurement_type).zh,
    },
    await platformPdfSigner(app),
  );
  const storage = storageFor(app);
  const stored = await storage.put(`objections/${objection.id}/answer-${now.getTime()}.pdf`, signed.pdf);
  try {
    await app.db.transaction().execute(async (trx) => {
      const again = await trx
        .selectFrom("objections")
        .select("answered_at")
        .where("id", "=", objection.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (again.answered_at)
        throw new AppError("OBJECTION_ALREADY_ANSWERED", { wordZh: word.zh, wordEn: word.en, answeredAt: shanghai(again.answered_at) });
      const late = now.getTime() >= objection.answer_due_at.getTime();
      await notifyOrganisations(
        app,
        trx,
        {
          kind: "objection_answer",
          projectId: project.id,
          subjectId: objection.id,
          title: `${word.zh}答复：${section.code} / Answer to your ${word.en}`,
          body:
            `${opts.actor.membership.organisationName} 于 ${shanghai(now)} 答复了本单位对标段 ${section.code}（${section.name}）${SUBJECT_NAMES[objection.subject].zh}提出的${word.zh}` +
            `${late ? `（逾期：答复期限为 ${shanghai(objection.answer_due_at)}）` : ""}：\n${opts.answer}\n` +
            `${opts.actor.membership.organisationName} answered your ${word.en} about ${SUBJECT_NAMES[objection.subject].en} of section ${section.code}` +
            `${late ? ` (late: it was due by ${shanghai(objection.answer_due_at)})` : ""}.\n` +
            `签名的答复 / The signed answer: ${app.config.publicUrl}/objections/${objection.id}/answer.pdf`,
          organisationIds: [objection.raised_by_organisation_id],
        },
        now,
      );
      const notice = await trx
        .selectFrom("notices")
        .select("id")
        .where("kind", "=", "objection_answer")
        .where("subject_id", "=", objection.id)
        .where("organisation_id", "=", objection.raised_by_organisation_id)
        .executeTakeFirstOrThrow();
      await trx
        .updateTable("objections")
        .set({
          answered_at: now,
          answer: opts.answer,
          answered_by: opts.actor.personId,
          answer_notice_id: notice.id,
          answer_document_key: stored.key,
          answer_document_sha256: stored.sha256,
        })
        .where("id", "=", objection.id)
        .execute();
      await queueForAnchoring(trx, { sha256: stored.sha256, source: `objection-answer:${objection.id}` }, now);
      await appendAudit(trx, {
        event: {
          type: "objection.answered",
          data: { objectionId: objection.id, sectionId: section.id, documentSha256: stored.sha256, late },
        },
        actor: auditActorOf(opts.actor, opts.meta),
        at: now,
      });
    });
  } catch (e) {
    await storage.remove(stored.key);
    throw e;
  }
  return { answeredAt: now, sha256: stored.sha256 };
}
