import { assertOpeningAction, requireReason } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";

export interface DeclareOpeningFailedOptions {
  actor: Actor;
  openingId: string;
  reason: string;
  meta: RequestMeta;
}

/** The host declares the section failed (流标) after decryption, with a written reason; the section fails with it. */
export async function declareOpeningFailed(app: AppContext, opts: DeclareOpeningFailedOptions): Promise<{ failedAt: Date }> {
  const now = app.clock.now();
  const reason = requireReason("declareFailed", opts.reason);
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "declareFailed", now);
  return inOpeningTransaction(app, loaded.opening.id, "declareFailed", now, async (trx, again) => {
    await trx
      .updateTable("openings")
      .set({ failed_at: now, fail_reason: JSON.stringify({ kind: "declared", reason }) })
      .where("id", "=", again.opening.id)
      .execute();
    await trx.updateTable("sections").set({ failed_at: now, failed_reason: reason }).where("id", "=", again.section.id).execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.failed", data: { openingId: again.opening.id, kind: "declared", reason, at: now.toISOString() } },
      live: { type: "opening.failed", data: { kind: "declared", reason, at: now.toISOString() } },
    });
    return { failedAt: now };
  });
}
