import { assertOpeningAction, windowEndsAt } from "#app/domain/opening/index.ts";
import { assertNoDocumentObjectionStop } from "#app/services/complaints/objection-blocks.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";

export interface OpenDecryptionWindowOptions {
  actor: Actor;
  openingId: string;
  meta: RequestMeta;
}

/**
 * The host opens the decryption window (办法 30: bidders decrypt online within the time the tender
 * documents set). Returns when it ends as things stand.
 */
export async function openDecryptionWindow(app: AppContext, opts: OpenDecryptionWindowOptions): Promise<{ openedAt: Date; endsAt: Date }> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "openWindow", now);
  // 条例 22: an unanswered objection to the documents pauses the tender; the opening waits (decision 74).
  await assertNoDocumentObjectionStop(app.db, loaded.section.id, loaded.project.procurement_type);
  return inOpeningTransaction(app, loaded.opening.id, "openWindow", now, async (trx, again) => {
    await trx.updateTable("openings").set({ window_opened_at: now }).where("id", "=", again.opening.id).execute();
    const endsAt = windowEndsAt({ ...again.facts, windowOpenedAt: now }, now)!;
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.window_opened", data: { openingId: again.opening.id } },
      live: { type: "window.opened", data: { openedAt: now.toISOString(), endsAt: endsAt.toISOString() } },
    });
    return { openedAt: now, endsAt };
  });
}
