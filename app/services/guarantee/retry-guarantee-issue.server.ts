import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { retryGuaranteeIssue } from "#app/server/ledger/guarantees.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { guardStep, loadGuarantorApplication, recordStep } from "./application-steps.server.ts";

/**
 * The guarantor retries an issue the ledger refused (decision 0060: a revert is an outcome, not a
 * job to retry by itself). The signed letter stands: the same guarantee goes back to `issuing` and
 * `GuaranteeLedger.issue` is queued again under the next outbox key; the application goes back to
 * `issuing` too. The delivery hook records issued, or issue_failed with the new revert reason.
 */
export async function retryIssueByGuarantor(app: AppContext, opts: { actor: Actor; applicationId: string; meta: RequestMeta }) {
  const { actor } = opts;
  requirePermission(actor, "issue:guarantee:own");
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const application = await loadGuarantorApplication(trx, actor, opts.applicationId);
    guardStep("startIssue", application);
    const g = await trx.selectFrom("guarantees").selectAll().where("application_id", "=", application.id).forUpdate().executeTakeFirst();
    if (!g || g.status !== "issue_failed")
      throw new AppError("GUARANTEE_UNEXPECTED_STATUS", { current: g?.status ?? application.status, expected: "issue_failed" });
    // A letter never signed has nothing to put on chain: start the issue again (startGuaranteeIssue) instead.
    if (!g.document_sha256) throw new AppError("GUARANTEE_LETTER_INVALID", { reason: "the letter is not signed yet" });
    const key = await retryGuaranteeIssue(trx, g, now);
    await trx
      .updateTable("guarantee_applications")
      .set({ status: "issuing", issue_error: null, updated_at: now })
      .where("id", "=", application.id)
      .execute();
    await recordStep(app, trx, actor, opts.meta, { application, step: "issue_retried", text: g.issue_error }, now);
    // issue_started (sealed until the deadline, it names the section) rather than issue_retried, which does not.
    await appendAudit(trx, {
      event: {
        type: "guarantee.issue_started",
        data: { guaranteeId: g.id, applicationId: application.id, sectionId: application.section_id, ledgerId: g.ledger_id },
      },
      actor: auditActorOf(actor, opts.meta),
      at: now,
    });
    return { key };
  });
}
