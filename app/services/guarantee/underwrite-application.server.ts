import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { ApplicationStatus } from "#app/domain/guarantee/application.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";
import { guardStep, loadApplicantApplication, loadGuarantorApplication, recordStep } from "./application-steps.server.ts";

/**
 * Underwriting (承保审核, decision 0057) by the guarantor's `operate` members: approve, decline with
 * a reason, or ask for more documents; the applicant supplements and pays the fee. Each step is
 * guarded by the application's status, recorded in its history and the audit trail, and told to
 * the applicant by notice and mail.
 */

export const Decision = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), text: z.string().trim().max(2000).optional() }),
  z.object({ intent: z.literal("decline"), text: z.string().trim().min(1).max(2000) }),
  z.object({ intent: z.literal("requestDocuments"), text: z.string().trim().min(1).max(2000) }),
]);
export type Decision = z.infer<typeof Decision>;

const OUTCOME = {
  approve: { status: "approved", audit: "guarantee_application.approved", title: "担保机构已同意承保，请缴纳保函费用" },
  decline: { status: "declined", audit: "guarantee_application.declined", title: "担保机构拒绝承保" },
  requestDocuments: {
    status: "more_documents_requested",
    audit: "guarantee_application.documents_requested",
    title: "担保机构要求补充材料",
  },
} as const satisfies Record<Decision["intent"], { status: ApplicationStatus; audit: string; title: string }>;

export async function decideApplication(
  app: AppContext,
  opts: { actor: Actor; applicationId: string; decision: Decision; meta: RequestMeta },
) {
  const { actor, decision } = opts;
  requirePermission(actor, "issue:guarantee:own");
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const application = await loadGuarantorApplication(trx, actor, opts.applicationId);
    guardStep(decision.intent, application);
    const outcome = OUTCOME[decision.intent];
    await trx
      .updateTable("guarantee_applications")
      .set({
        status: outcome.status,
        decided_at: now,
        decided_by: actor.personId,
        updated_at: now,
        ...(decision.intent === "decline" ? { decline_reason: decision.text } : {}),
        ...(decision.intent === "requestDocuments" ? { documents_requested: decision.text } : {}),
      })
      .where("id", "=", application.id)
      .execute();
    await recordStep(
      app,
      trx,
      actor,
      opts.meta,
      { application, step: outcome.status, audit: outcome.audit, text: decision.text || null, notice: { title: outcome.title } },
      now,
    );
    return { status: outcome.status };
  });
}

/** The applicant answers a request for more documents; the application goes back to the queue. */
export async function supplementApplication(
  app: AppContext,
  opts: { actor: Actor; applicationId: string; text: string; meta: RequestMeta },
) {
  const { actor } = opts;
  requirePermission(actor, "apply:guarantee:own");
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const application = await loadApplicantApplication(trx, actor, opts.applicationId);
    guardStep("supplement", application);
    await trx
      .updateTable("guarantee_applications")
      .set({ status: "submitted", updated_at: now })
      .where("id", "=", application.id)
      .execute();
    await recordStep(
      app,
      trx,
      actor,
      opts.meta,
      { application, step: "supplemented", audit: "guarantee_application.supplemented", text: opts.text },
      now,
    );
    return { status: "submitted" as const };
  });
}

/**
 * The applicant pays the fee (decision 0057: a payment record — amount, payer, time and a
 * reference — until a payment channel arrives). The amount is the fee fixed when applying.
 */
export async function payGuaranteeFee(app: AppContext, opts: { actor: Actor; applicationId: string; meta: RequestMeta }) {
  const { actor } = opts;
  requirePermission(actor, "apply:guarantee:own");
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const application = await loadApplicantApplication(trx, actor, opts.applicationId);
    guardStep("payFee", application);
    const reference = `BHF-${now.toISOString().slice(0, 10).replaceAll("-", "")}-${randomBytes(5).toString("hex").toUpperCase()}`;
    await trx
      .insertInto("guarantee_fee_payments")
      .values({
        application_id: application.id,
        amount_fen: application.fee_fen,
        payer_organisation_id: actor.membership.organisationId,
        paid_by: actor.personId,
        paid_at: now,
        reference,
      })
      .execute();
    await trx
      .updateTable("guarantee_applications")
      .set({ status: "fee_paid", fee_paid_at: now, updated_at: now })
      .where("id", "=", application.id)
      .execute();
    await recordStep(
      app,
      trx,
      actor,
      opts.meta,
      {
        application,
        step: "fee_paid",
        audit: "guarantee_application.fee_paid",
        text: reference,
        notice: { title: "保函费用已缴纳，待担保机构出函" },
      },
      now,
    );
    return { reference, amountFen: String(application.fee_fen) };
  });
}
