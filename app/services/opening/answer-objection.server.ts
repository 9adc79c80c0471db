import { assertOpeningAction } from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost, writtenReason } from "./opening-context.server.ts";

export interface AnswerObjectionOptions {
  actor: Actor;
  openingId: string;
  objectionId: string;
  answer: string;
  meta: RequestMeta;
}

/** NOTE 条例 Art 44: an objection at the opening is answered on the spot, and the answer recorded. */
export async function answerObjection(app: AppContext, opts: AnswerObjectionOptions): Promise<{ answeredAt: Date }> {
  const now = app.clock.now();
  const answer = writtenReason(opts.answer, { zh: "答复异议", en: "answering the objection" });
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "answerObjection", now);
  return inOpeningTransaction(app, loaded.opening.id, "answerObjection", now, async (trx, again) => {
    const objection = /^[0-9a-f-]{36}$/i.test(opts.objectionId)
      ? await trx
          .selectFrom("opening_objections")
          .select(["id", "answered_at"])
          .where("id", "=", opts.objectionId)
          .where("opening_id", "=", again.opening.id)
          .forUpdate()
          .executeTakeFirst()
      : undefined;
    if (!objection) throw new AppError("NOT_FOUND", { what: "objection" });
    if (objection.answered_at) throw new AppError("OPENING_OBJECTION_ANSWERED");
    await trx
      .updateTable("opening_objections")
      .set({ answer, answered_by: opts.actor.personId, answered_at: now })
      .where("id", "=", objection.id)
      .execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.objection_answered", data: { openingId: again.opening.id, objectionId: objection.id } },
      live: { type: "objection.answered", data: { objectionId: objection.id, answer, answeredAt: now.toISOString() } },
    });
    return { answeredAt: now };
  });
}
