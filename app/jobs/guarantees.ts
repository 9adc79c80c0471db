import { isAppError } from "#app/domain/shared/app-error.ts";
import { deliverLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { GUARANTEE_ISSUE, guaranteeIssueWrite, recordGuaranteeIssueOutcome } from "#app/services/guarantee/issue-guarantee.server.ts";
import type { JobHandler, JobHandlers } from "./runner.ts";

/**
 * `guarantee.issue`: sends GuaranteeLedger.issue for a signed guarantee letter and records the
 * chain's answer (decision 0057). A revert is final for this attempt: the guarantee becomes
 * issue_failed with the reason and the guarantor may issue again; an unreachable ledger is retried
 * by the outbox like any other job.
 */
export const issueGuarantee: JobHandler = async (payload, { app, job }) => {
  const { guaranteeId } = payload as { guaranteeId: string };
  const g = await app.db.selectFrom("guarantees").selectAll().where("id", "=", guaranteeId).executeTakeFirst();
  if (!g || g.status !== "issuing" || !g.document_sha256) return;
  try {
    const sent = await deliverLedgerWrite(app, job.key, guaranteeIssueWrite(g));
    await recordGuaranteeIssueOutcome(app, g.id, { issued: true, at: sent.blockTime });
  } catch (e) {
    if (!isAppError(e) || e.code !== "LEDGER_REVERTED") throw e;
    await recordGuaranteeIssueOutcome(app, g.id, { issued: false, error: String(e.params.error ?? e.message) });
  }
};

export const guaranteeJobHandlers: JobHandlers = { [GUARANTEE_ISSUE]: issueGuarantee };
