import { assertOpeningAction, openingPhase, requireReason, type OpeningPhase } from "#app/domain/opening/index.ts";
import { deadlineAfterSuspension } from "#app/domain/tendering/suspension.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import { auditActorOf } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireRegulator } from "./opening-context.server.ts";

export interface ResumeOpeningOptions {
  actor: Actor;
  openingId: string;
  reason: string;
  meta: RequestMeta;
}

/**
 * The regulator lifts its suspension with a reason; the opening resumes to the phase underneath, its
 * timers having stood still. A suspension that covered the bid deadline moves the deadline by the
 * time suspended (decision 38), so the bidders lose no time: recorded in the same transaction.
 */
export async function resumeOpening(
  app: AppContext,
  opts: ResumeOpeningOptions,
): Promise<{ phase: OpeningPhase; deadlineMoved: { from: Date; to: Date } | null }> {
  const now = app.clock.now();
  const reason = requireReason("resume", opts.reason);
  const loaded = await loadOpening(app.db, opts.openingId);
  requireRegulator(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "resume", now);
  return inOpeningTransaction(app, loaded.opening.id, "resume", now, async (trx, again) => {
    const open = again.facts.suspensions.find((s) => s.resumedAt === null);
    await trx
      .updateTable("opening_suspensions")
      .set({ resumed_at: now, resume_reason: reason, resumed_by: opts.actor.personId })
      .where("opening_id", "=", again.opening.id)
      .where("resumed_at", "is", null)
      .execute();
    const from = again.section.deadline_at;
    const to = open ? deadlineAfterSuspension(from, { suspendedAt: open.suspendedAt, resumedAt: now }) : null;
    await trx
      .updateTable("sections")
      .set(to ? { suspended_at: null, deadline_at: to } : { suspended_at: null })
      .where("id", "=", again.section.id)
      .execute();
    if (to && open) {
      await trx
        .insertInto("section_deadline_moves")
        .values({
          section_id: again.section.id,
          from_deadline_at: from,
          to_deadline_at: to,
          suspended_at: open.suspendedAt,
          resumed_at: now,
          moved_at: now,
        })
        .execute();
      await appendAudit(trx, {
        event: {
          type: "section.deadline_moved",
          data: {
            sectionId: again.section.id,
            from: from.toISOString(),
            to: to.toISOString(),
            suspendedAt: open.suspendedAt.toISOString(),
            resumedAt: now.toISOString(),
          },
        },
        actor: auditActorOf(opts.actor, opts.meta),
        at: now,
      });
    }
    const phase = openingPhase(
      {
        ...again.facts,
        deadlineAt: to ?? again.facts.deadlineAt,
        suspensions: again.facts.suspensions.map((s) => (s.resumedAt ? s : { ...s, resumedAt: now })),
      },
      now,
    );
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.resumed", data: { openingId: again.opening.id, reason } },
      live: {
        type: "opening.resumed",
        data: {
          resumedAt: now.toISOString(),
          reason,
          phase,
          ...(to ? { deadlineMovedFrom: from.toISOString(), deadlineAt: to.toISOString() } : {}),
        },
      },
    });
    return { phase, deadlineMoved: to ? { from, to } : null };
  });
}
