import { assertOpeningAction, reclassifyDecryption as reclassify, type FailureResult } from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, outcomeOf, recordOpeningFact, requireHost } from "./opening-context.server.ts";

export interface ReclassifyDecryptionOptions {
  actor: Actor;
  openingId: string;
  /** The bidder organisation whose result changes. */
  organisationId: string;
  to: FailureResult;
  reason: string;
  meta: RequestMeta;
}

/**
 * The host reclassifies a failure (deemed revoked ↔ deemed withdrawn) with a written reason
 * (ARCHITECTURE.md §4): audited, kept as from → to with the reason, shown to the regulator; the
 * rule first applied stays on record.
 */
export async function reclassifyDecryption(app: AppContext, opts: ReclassifyDecryptionOptions): Promise<{ result: FailureResult }> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "reclassifyDecryption", now);
  return inOpeningTransaction(app, loaded.opening.id, "reclassifyDecryption", now, async (trx, again) => {
    const bid = again.bids.find((b) => b.organisationId === opts.organisationId);
    if (!bid) throw new AppError("NOT_FOUND", { what: "bid" });
    const outcome = outcomeOf(again, bid, now);
    if (!outcome.decided || !bid.result) throw new AppError("OPENING_BID_UNDECIDED");
    const changed = reclassify(outcome, opts.to, opts.reason, now);
    const latest = changed.reclassifications.at(-1)!;
    await trx
      .insertInto("decryption_reclassifications")
      .values({
        opening_bid_id: bid.id,
        from_result: latest.from,
        to_result: latest.to,
        reason: latest.reason,
        reclassified_by: opts.actor.personId,
        reclassified_at: now,
      })
      .execute();
    await trx.updateTable("opening_bids").set({ result: latest.to }).where("id", "=", bid.id).execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: {
        type: "opening.decryption_reclassified",
        data: { openingId: again.opening.id, organisationId: bid.organisationId, from: latest.from, to: latest.to, reason: latest.reason },
      },
      live: {
        type: "decryption.reclassified",
        data: { organisationId: bid.organisationId, from: latest.from, to: latest.to, reason: latest.reason },
      },
    });
    return { result: latest.to };
  });
}
