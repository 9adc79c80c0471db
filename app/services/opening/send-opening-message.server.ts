import { assertOpeningPhase, OPENING_ACTION_PHASES, type OpeningPhase } from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { isHost, loadOpening, ownBid, recordOpeningFact, requireSignedIn, writtenReason } from "./opening-context.server.ts";

export interface SendOpeningMessageOptions {
  actor: Actor;
  openingId: string;
  text: string;
  meta: RequestMeta;
}

/** The hall is open to chat while people are in it: from sign-in until the confirmation period (the sign-in and objection phases). */
const CHAT_PHASES: readonly OpeningPhase[] = [...new Set<OpeningPhase>([...OPENING_ACTION_PHASES.signIn, ...OPENING_ACTION_PHASES.object])];
/**
 * NOTE 法 22 (decision 23): a bidder writes only from the deadline on. Only an organisation with a
 * bid may write, so a message before the deadline would tell the hall that it has bid.
 */
const BIDDER_CHAT_PHASES: readonly OpeningPhase[] = CHAT_PHASES.filter((p) => p !== "signing-in");

/**
 * A message in the hall's chat, from the host or a signed-in bidder. Everyone in the hall sees it
 * live; the host may later hide it with a reason (it stays in the audit trail).
 */
export async function sendOpeningMessage(app: AppContext, opts: SendOpeningMessageOptions): Promise<{ messageId: string; sentAt: Date }> {
  const now = app.clock.now();
  const text = writtenReason(opts.text, { zh: "发送消息", en: "sending a message" }).slice(0, 2000);
  const loaded = await loadOpening(app.db, opts.openingId);
  const host = isHost(opts.actor, loaded);
  const bid = ownBid(opts.actor, loaded);
  if (!host) {
    if (!bid || !opts.actor.permissions.has("decrypt:bid:own")) throw new AppError("FORBIDDEN", { permission: "decrypt:bid:own" });
    await requireSignedIn(app.db, opts.actor, loaded.opening.id);
  }
  assertOpeningPhase(loaded.facts, host ? CHAT_PHASES : BIDDER_CHAT_PHASES, now);
  return app.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("opening_messages")
      .values({
        opening_id: loaded.opening.id,
        organisation_id: opts.actor.membership.organisationId,
        person_id: opts.actor.personId,
        text,
        sent_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordOpeningFact(trx, {
      openingId: loaded.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.message_sent", data: { openingId: loaded.opening.id, messageId: row.id, text } },
      live: {
        type: "message.sent",
        data: {
          messageId: row.id,
          from: host ? "host" : "bidder",
          // Before the bidder list is out, the stream does not say which bidders are in the hall.
          organisationName: host || loaded.facts.bidderListPublishedAt ? opts.actor.membership.organisationName : null,
          text,
          sentAt: now.toISOString(),
        },
      },
    });
    return { messageId: row.id, sentAt: now };
  });
}
