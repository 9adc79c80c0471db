import { assertOpeningAction, openingPhase, requireReason, type OpeningPhase } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireRegulator } from "./opening-context.server.ts";

export interface ResumeOpeningOptions {
  actor: Actor;
  openingId: string;
  reason: string;
  meta: RequestMeta;
}

/** The regulator lifts its suspension with a reason; the opening resumes to the phase underneath, its timers having stood still. */
export async function resumeOpening(app: AppContext, opts: ResumeOpeningOptions): Promise<{ phase: OpeningPhase }> {
  const now = app.clock.now();
  const reason = requireReason("resume", opts.reason);
  const loaded = await loadOpening(app.db, opts.openingId);
  requireRegulator(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "resume", now);
  return inOpeningTransaction(app, loaded.opening.id, "resume", now, async (trx, again) => {
    await trx
      .updateTable("opening_suspensions")
      .set({ resumed_at: now, resume_reason: reason, resumed_by: opts.actor.personId })
      .where("opening_id", "=", again.opening.id)
      .where("resumed_at", "is", null)
      .execute();
    await trx.updateTable("sections").set({ suspended_at: null }).where("id", "=", again.section.id).execute();
    const phase = openingPhase(
      { ...again.facts, suspensions: again.facts.suspensions.map((s) => (s.resumedAt ? s : { ...s, resumedAt: now })) },
      now,
    );
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.resumed", data: { openingId: again.opening.id, reason } },
      live: { type: "opening.resumed", data: { resumedAt: now.toISOString(), reason, phase } },
    });
    return { phase };
  });
}
