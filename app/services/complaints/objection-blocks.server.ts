import type { Kysely, Transaction } from "kysely";
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
