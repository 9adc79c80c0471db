import { assertOpeningAction, requireExtensionMinutes, requireReason, windowEndsAt } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";

export interface ExtendDecryptionWindowOptions {
  actor: Actor;
  openingId: string;
  minutes: number;
  reason: string;
  meta: RequestMeta;
}

/** The host extends the window by whole minutes with a written reason; returns the new end (null while stopped). */
export async function extendDecryptionWindow(app: AppContext, opts: ExtendDecryptionWindowOptions): Promise<{ endsAt: Date | null }> {
  const now = app.clock.now();
  const minutes = requireExtensionMinutes(opts.minutes);
  const reason = requireReason("extendWindow", opts.reason);
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "extendWindow", now);
  return inOpeningTransaction(app, loaded.opening.id, "extendWindow", now, async (trx, again) => {
    await trx
      .insertInto("opening_window_extensions")
      .values({ opening_id: again.opening.id, minutes, reason, extended_at: now, extended_by: opts.actor.personId })
      .execute();
    const endsAt = windowEndsAt({ ...again.facts, extensions: [...again.facts.extensions, { minutes, reason, at: now }] }, now);
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.window_extended", data: { openingId: again.opening.id, minutes, reason } },
      live: { type: "window.extended", data: { minutes, reason, endsAt: endsAt?.toISOString() ?? null } },
    });
    return { endsAt };
  });
}
