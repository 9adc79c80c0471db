import { assertOpeningAction, windowEndsAt } from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";

export interface ResumeDecryptionWindowOptions {
  actor: Actor;
  openingId: string;
  reason: string;
  meta: RequestMeta;
}

/** The host resumes the paused countdown with a reason; returns the window's new end (null while suspended). */
export async function resumeDecryptionWindow(app: AppContext, opts: ResumeDecryptionWindowOptions): Promise<{ endsAt: Date | null }> {
  const now = app.clock.now();
  const reason = (opts.reason ?? "").trim();
  if (!reason) throw new AppError("OPENING_REASON_REQUIRED", { actionZh: "恢复解密计时", actionEn: "resuming the decryption window" });
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "resumeWindow", now);
  return inOpeningTransaction(app, loaded.opening.id, "resumeWindow", now, async (trx, again) => {
    await trx
      .updateTable("opening_window_pauses")
      .set({ resumed_at: now, resume_reason: reason, resumed_by: opts.actor.personId })
      .where("opening_id", "=", again.opening.id)
      .where("resumed_at", "is", null)
      .execute();
    const facts = { ...again.facts, pauses: again.facts.pauses.map((p) => (p.resumedAt ? p : { ...p, resumedAt: now })) };
    const endsAt = windowEndsAt(facts, now);
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.window_resumed", data: { openingId: again.opening.id, reason } },
      live: { type: "window.resumed", data: { resumedAt: now.toISOString(), reason, endsAt: endsAt?.toISOString() ?? null } },
    });
    return { endsAt };
  });
}
