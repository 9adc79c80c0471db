import { assertOpeningAction } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { advanceOpening } from "./record-timed-facts.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";

export interface CloseOpeningOptions {
  actor: Actor;
  openingId: string;
  meta: RequestMeta;
}

/** The host closes the opening once the confirmation period is over (decision 17: objections answered first). */
export async function closeOpening(app: AppContext, opts: CloseOpeningOptions): Promise<{ closedAt: Date }> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "close", now);
  // The opening record is generated when the confirmation period ends; closing must not pre-empt the scheduler.
  await advanceOpening(app, loaded.opening.id, now);
  return inOpeningTransaction(app, loaded.opening.id, "close", now, async (trx, again) => {
    await trx.updateTable("openings").set({ closed_at: now }).where("id", "=", again.opening.id).execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.closed", data: { openingId: again.opening.id } },
      live: { type: "opening.closed", data: { closedAt: now.toISOString() } },
    });
    return { closedAt: now };
  });
}
