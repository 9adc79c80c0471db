import type { Kysely, Transaction } from "kysely";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { citation } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import type { Database, ObjectionSubject } from "#db/schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export interface BlockingObjection {
  objectionId: string;
  organisationId: string;
  raisedAt: Date;
  answerDueAt: Date;
}

/**
 * The objections that stop a step of the tender: while an objection (GP: challenge) to the
 * documents or to the evaluation result is unanswered, the tender does not go on (条例 22: the
 * activity is suspended until the answer; 条例 54: likewise for the result). The opening asks
 * about `documents`, the award about `result`; an empty list means nothing stands in the way.
 * The step stays stopped past the answer's due date until an answer is recorded: the law stops it
 * "before the answer", not for a number of days.
 */
export async function unansweredObjectionBlocks(db: Executor, sectionId: string, subject: ObjectionSubject): Promise<BlockingObjection[]> {
  const rows = await db
    .selectFrom("objections")
    .select(["id", "raised_by_organisation_id", "raised_at", "answer_due_at"])
    .where("section_id", "=", sectionId)
    .where("subject", "=", subject)
    .where("answered_at", "is", null)
    .orderBy("raised_at")
    .execute();
  return rows.map((r) => ({
    objectionId: r.id,
    organisationId: r.raised_by_organisation_id,
    raisedAt: r.raised_at,
    answerDueAt: r.answer_due_at,
  }));
}

/** What the hall shows while objections to the documents stop the opening (decision 74), or null. */
export async function documentObjectionStop(
  db: Executor,
  sectionId: string,
  type: ProcurementType,
): Promise<{ count: number; answerDueAt: Date; word: { zh: string; en: string }; source: { zh: string; en: string } } | null> {
  const blocks = await unansweredObjectionBlocks(db, sectionId, "documents");
  if (blocks.length === 0) return null;
  const due = Math.min(...blocks.map((b) => b.answerDueAt.getTime()));
  return {
    count: blocks.length,
    answerDueAt: new Date(due),
    word: type === "government" ? { zh: "质疑", en: "challenge(s)" } : { zh: "异议", en: "objection(s)" },
    source: citation("documentObjectionLead", type),
  };
}

/**
 * Refuses to start the opening while an objection to the documents is unanswered (条例 22; decision
 * 74). The bids stay sealed and the opening's timers have not started: once answered, the host
 * goes on. A change of the documents the answer brings is a clarification, which moves the
 * deadline as 条例 21 requires.
 */
export async function assertNoDocumentObjectionStop(db: Executor, sectionId: string, type: ProcurementType): Promise<void> {
  const stop = await documentObjectionStop(db, sectionId, type);
  if (!stop) return;
  throw new AppError("OPENING_STOPPED_BY_OBJECTION", {
    count: stop.count,
    wordZh: stop.word.zh,
    wordEn: stop.word.en,
    dueAt: formatShanghai(stop.answerDueAt),
    sourceZh: stop.source.zh,
    sourceEn: stop.source.en,
  });
}
