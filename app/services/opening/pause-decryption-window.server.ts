import { assertOpeningAction, requireReason } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";

export interface PauseDecryptionWindowOptions {
  actor: Actor;
  openingId: string;
  reason: string;
  meta: RequestMeta;
}

/** The host pauses the window's countdown with a written reason; the paused time is given back (decision 17). */
export async function pauseDecryptionWindow(app: AppContext, opts: PauseDecryptionWindowOptions): Promise<{ pausedAt: Date }> {
  const now = app.clock.now();
  const reason = requireReason("pauseWindow", opts.reason);
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "pauseWindow", now);
  return inOpeningTransaction(app, loaded.opening.id, "pauseWindow", now, async (trx, again) => {
    await trx
      .insertInto("opening_window_pauses")
      .values({ opening_id: again.opening.id, paused_at: now, reason, paused_by: opts.actor.personId })
      .execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.window_paused", data: { openingId: again.opening.id, reason } },
      live: { type: "window.paused", data: { pausedAt: now.toISOString(), reason } },
    });
    return { pausedAt: now };
  });
}
