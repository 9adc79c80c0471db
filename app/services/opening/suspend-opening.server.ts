import { assertOpeningAction, requireReason } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inOpeningTransaction, loadOpening, requireRegulator } from "./opening-context.server.ts";
import { recordSuspension } from "./section-suspension.server.ts";

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
    await recordSuspension(trx, { loaded: again, actor: opts.actor, meta: opts.meta, reason, now });
    return { suspendedAt: now };
  });
}
