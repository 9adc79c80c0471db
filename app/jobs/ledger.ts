import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { ANCHOR_BATCH, buildAnchorBatch } from "#app/server/ledger/anchors.server.ts";
import { indexEvents, LEDGER_RECONCILE, reconcileLedger, scheduleReconciliation } from "#app/server/ledger/indexer.server.ts";
import { afterGuaranteeWrite } from "#app/server/ledger/guarantees.server.ts";
import { deliverLedgerWrite, LEDGER_SEND } from "#app/server/ledger/writes.server.ts";
import type { JobHandler, JobHandlers } from "./runner.ts";

/**
 * The ledger's jobs: delivering writes (`ledger.send`), the anchor batcher (`anchor.batch`) and
 * reconciliation (`ledger.reconcile`, which schedules its own next run).
 */

const requireLedger = (app: AppContext) => {
  if (!app.ledger) throw new AppError("LEDGER_UNAVAILABLE", {}, { cause: new Error("this process runs no ledger client") });
  return app.ledger;
};

export const sendToLedger: JobHandler = async (payload, { app, job }) => {
  try {
    const result = await deliverLedgerWrite(app, job.key, payload);
    await afterGuaranteeWrite(app, job.key, { result });
  } catch (e) {
    // A guarantee write the contract refused is an outcome recorded on the guarantee (issue_failed
    // with the reason, retryable by a new write), not a job to retry: the same call reverts again.
    if (!(e instanceof AppError && (await afterGuaranteeWrite(app, job.key, { error: e })))) throw e;
  }
  // Keep the Postgres copy of the events close behind; reconciliation catches up if this fails.
  await indexEvents(app, requireLedger(app)).catch((e: unknown) =>
    app.log.warn("ledger: indexing after a send failed", { error: String(e) }),
  );
};

export const batchAnchors: JobHandler = async (_payload, { app }) => {
  while (await buildAnchorBatch(app));
};

export const reconcile: JobHandler = async (_payload, { app }) => {
  try {
    await reconcileLedger(app, requireLedger(app));
    await buildAnchorBatchesLeftBehind(app);
  } finally {
    await scheduleReconciliation(app);
  }
};

/** Hashes queued but never batched (a window whose batch job ran just before them). */
async function buildAnchorBatchesLeftBehind(app: AppContext) {
  const stale = await app.db.selectFrom("anchor_queue").select(["sha256"]).where("batch_id", "is", null).limit(1).executeTakeFirst();
  if (stale) await batchAnchors({}, { app, job: { id: "", kind: ANCHOR_BATCH, key: "", attempt: 1 } });
}

export const ledgerJobHandlers: JobHandlers = {
  [LEDGER_SEND]: sendToLedger,
  [ANCHOR_BATCH]: batchAnchors,
  [LEDGER_RECONCILE]: reconcile,
};
