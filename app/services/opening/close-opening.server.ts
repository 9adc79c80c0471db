import { assertObjectionsAnswered, assertOpeningAction } from "#app/domain/opening/index.ts";
import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { advanceOpening } from "./record-timed-facts.server.ts";
import { inOpeningTransaction, loadOpening, recordOpeningFact, requireHost } from "./opening-context.server.ts";
import { produceOpeningRecord } from "./opening-records.server.ts";

export interface CloseOpeningOptions {
  actor: Actor;
  openingId: string;
  meta: RequestMeta;
}

/** The objections (GP: inquiries) raised at an opening, answered or not. */
export async function openingObjections(db: AppContext["db"] | Transaction<Database>, openingId: string) {
  const rows = await db.selectFrom("opening_objections").select(["id", "answered_at"]).where("opening_id", "=", openingId).execute();
  return rows.map((r) => ({ id: r.id, answeredAt: r.answered_at }));
}

/**
 * The host closes the opening once the confirmation period is over (decision 17) and every
 * objection raised at it is answered (条例 44 / 87号令 42: answered on the spot, the answer in the
 * record). When an objection was still unanswered at the end of the confirmation period, the
 * opening record was not generated then (decision 39): it is generated here, with the answers.
 */
export async function closeOpening(app: AppContext, opts: CloseOpeningOptions): Promise<{ closedAt: Date }> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  assertOpeningAction(loaded.facts, "close", now);
  const type = loaded.project.procurement_type;
  assertObjectionsAnswered(await openingObjections(app.db, loaded.opening.id), type);
  // The opening record is generated when the confirmation period ends; closing must not pre-empt the scheduler.
  await advanceOpening(app, loaded.opening.id, now);
  const current = await loadOpening(app.db, loaded.opening.id);
  const record = current.opening.opening_record_key ? null : await produceOpeningRecord(app, current, now);
  return inOpeningTransaction(app, loaded.opening.id, "close", now, async (trx, again) => {
    assertObjectionsAnswered(await openingObjections(trx, again.opening.id), type);
    if (record && !again.opening.opening_record_key) {
      await trx
        .updateTable("openings")
        .set({ opening_record_key: record.key, opening_record_sha256: record.sha256 })
        .where("id", "=", again.opening.id)
        .execute();
      await queueForAnchoring(trx, { sha256: record.sha256, source: "opening-record" }, now);
      await recordOpeningFact(trx, {
        openingId: again.opening.id,
        actor: null,
        meta: null,
        at: now,
        audit: { type: "opening.record_generated", data: { openingId: again.opening.id, sha256: record.sha256, storageKey: record.key } },
        live: { type: "opening_record.generated", data: { sha256: record.sha256 } },
      });
    }
    await trx.updateTable("openings").set({ closed_at: now }).where("id", "=", again.opening.id).execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: { type: "opening.closed", data: { openingId: again.opening.id } },
      live: { type: "opening.closed", data: { closedAt: now.toISOString() } },
    });
    return { closedAt: now };
  });
}
