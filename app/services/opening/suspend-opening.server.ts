import { assertOpeningAction, requireReason } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireRegulator } from "./opening-context.server.ts";

export interface SuspendOpeningOptions {
  actor: Actor;
  openingId: string;
  reason: string;
  meta: RequestMeta;
}

/**
 * The regulator of the project's region suspends the opening with a reason: the window and the
 * confirmation period stand still until it resumes (decision 17), and every screen shows it.
 */
export async function suspendOpening(app: AppContext, opts: SuspendOpeningOptions): Promise<{ suspendedAt: Date }> {
  const now = app.clock.now();
  const reason = requireReason("suspend", opts.reason);
  const loaded = await loadOpening(app.db, opts.openingId);
  requireRegulator(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "suspend", now);
  return inOpeningTransaction(app, loaded.opening.id, "suspend", now, async (trx, again) => {
    await trx
      .insertInto("opening_suspensions")
      .values({ opening_id: again.opening.id, suspended_at: now, reason, suspended_by: opts.actor.personId })
      .execute();
    // The section stands still too (DOMAIN.md §3a): no bid is submitted, replaced or withdrawn while
    // the regulator investigates (条例 Art 62). The history stays in opening_suspensions.
    await trx
      .updateTable("sections")
      .set({ suspended_at: now })
      .where("id", "=", again.section.id)
      .where("suspended_at", "is", null)
      .execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.suspended", data: { openingId: again.opening.id, reason } },
      live: { type: "opening.suspended", data: { suspendedAt: now.toISOString(), reason, by: opts.actor.membership.organisationName } },
    });
    return { suspendedAt: now };
  });
}
