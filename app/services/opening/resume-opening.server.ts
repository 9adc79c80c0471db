import { assertOpeningAction, requireReason, type OpeningPhase } from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, requireRegulator } from "./opening-context.server.ts";
import { recordResumption } from "./section-suspension.server.ts";

export interface ResumeOpeningOptions {
  actor: Actor;
  openingId: string;
  reason: string;
  meta: RequestMeta;
}

/**
 * The regulator lifts its suspension with a reason; the opening resumes to the phase underneath, its
 * timers having stood still. A suspension that covered the bid deadline moves the deadline by the
 * time suspended (decision 38), so the bidders lose no time: recorded in the same transaction. A
 * suspension made for a complaint is lifted through the complaint (decision 0063), so that
 * ComplaintLedger records it too.
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
    const forComplaint = await trx
      .selectFrom("opening_suspensions as s")
      .innerJoin("complaints as c", "c.id", "s.complaint_id")
      .select("c.receipt_no")
      .where("s.opening_id", "=", again.opening.id)
      .where("s.resumed_at", "is", null)
      .executeTakeFirst();
    if (forComplaint) throw new AppError("SUSPENSION_BELONGS_TO_COMPLAINT", { receiptNo: forComplaint.receipt_no });
    return recordResumption(trx, { loaded: again, actor: opts.actor, meta: opts.meta, reason, now });
  });
}
