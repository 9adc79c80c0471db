import { assertOpeningAction } from "#app/domain/opening/index.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import {
  assertConfirmationPeriodRunning,
  inOpeningTransaction,
  loadOpening,
  recordOpeningFact,
  requireBidder,
  writtenReason,
} from "./opening-context.server.ts";

export interface RaiseObjectionOptions {
  actor: Actor;
  openingId: string;
  text: string;
  meta: RequestMeta;
}

/** NOTE 条例 Art 44: a bidder raises an objection to the opening on the spot; the host answers it on the spot. */
export async function raiseObjection(app: AppContext, opts: RaiseObjectionOptions): Promise<{ objectionId: string; raisedAt: Date }> {
  const now = app.clock.now();
  const text = writtenReason(opts.text, { zh: "提出异议", en: "raising an objection" }).slice(0, 4000);
  const loaded = await loadOpening(app.db, opts.openingId);
  const bid = requireBidder(opts.actor, loaded, "raise:objection:own");
  assertOpeningAction(loaded.facts, "object", now);
  assertConfirmationPeriodRunning(loaded.facts, now);
  return inOpeningTransaction(app, loaded.opening.id, "object", now, async (trx, again) => {
    const row = await trx
      .insertInto("opening_objections")
      .values({ opening_id: again.opening.id, organisation_id: bid.organisationId, person_id: opts.actor.personId, text, raised_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: {
        type: "opening.objection_raised",
        data: { openingId: again.opening.id, objectionId: row.id, organisationId: bid.organisationId },
      },
      live: {
        type: "objection.raised",
        data: { objectionId: row.id, organisationName: bid.organisationName, text, raisedAt: now.toISOString() },
      },
    });
    return { objectionId: row.id, raisedAt: now };
  });
}
