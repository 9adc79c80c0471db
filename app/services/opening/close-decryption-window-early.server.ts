import { assertOpeningAction } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";
import { recordWindowEnded } from "./record-timed-facts.server.ts";

export interface CloseDecryptionWindowEarlyOptions {
  actor: Actor;
  openingId: string;
  meta: RequestMeta;
}

/** Every bid being decided, the host ends the window now and moves the hall to the reading-out (decision 17). */
export async function closeDecryptionWindowEarly(app: AppContext, opts: CloseDecryptionWindowEarlyOptions): Promise<{ endedAt: Date }> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "closeWindowEarly", now);
  return inOpeningTransaction(app, loaded.opening.id, "closeWindowEarly", now, async (trx, again) => {
    await trx.updateTable("openings").set({ window_closed_early_at: now }).where("id", "=", again.opening.id).execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.window_closed_early", data: { openingId: again.opening.id } },
      live: null,
    });
    await recordWindowEnded(trx, again, now);
    return { endedAt: now };
  });
}
