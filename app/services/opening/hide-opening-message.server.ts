import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { loadOpening, recordOpeningFact, requireHost, writtenReason } from "./opening-context.server.ts";

export interface HideOpeningMessageOptions {
  actor: Actor;
  openingId: string;
  messageId: string;
  reason: string;
  meta: RequestMeta;
}

/**
 * The host hides a chat message with a written reason. The text stays in the row and in the audit
 * trail (办法 Art 49: records never altered); the hall shows the message as hidden. Allowed in
 * any phase: moderating the record of what was said is never out of time.
 */
export async function hideOpeningMessage(app: AppContext, opts: HideOpeningMessageOptions): Promise<{ hiddenAt: Date }> {
  const now = app.clock.now();
  const reason = writtenReason(opts.reason, { zh: "隐藏消息", en: "hiding a message" });
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  return app.db.transaction().execute(async (trx) => {
    const message = /^[0-9a-f-]{36}$/i.test(opts.messageId)
      ? await trx
          .selectFrom("opening_messages")
          .select(["id", "hidden_at"])
          .where("id", "=", opts.messageId)
          .where("opening_id", "=", loaded.opening.id)
          .forUpdate()
          .executeTakeFirst()
      : undefined;
    if (!message) throw new AppError("NOT_FOUND", { what: "message" });
    if (message.hidden_at) throw new AppError("OPENING_MESSAGE_HIDDEN");
    await trx
      .updateTable("opening_messages")
      .set({ hidden_at: now, hidden_reason: reason, hidden_by: opts.actor.personId })
      .where("id", "=", message.id)
      .execute();
    await recordOpeningFact(trx, {
      openingId: loaded.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.message_hidden", data: { openingId: loaded.opening.id, messageId: message.id, reason } },
      live: { type: "message.hidden", data: { messageId: message.id, hiddenAt: now.toISOString() } },
    });
    return { hiddenAt: now };
  });
}
