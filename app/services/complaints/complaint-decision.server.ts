import { createHash } from "node:crypto";
import type { Transaction } from "kysely";
import {
  assertComplaintAction,
  DECISION_OUTCOMES,
  OUTCOME_ON_CHAIN,
  OUTCOME_WORDS,
  requireText,
  type DecisionOutcome,
} from "#app/domain/complaint/handling.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { citation } from "#app/domain/tendering/legal-sources.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { enqueueLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { renderComplaintDecision, type ComplaintDecisionInput } from "#app/server/pdf/render/complaint-decision.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import type { Database } from "#db/schema.ts";
import {
  inHandlingTransaction,
  leadRegulator,
  loadComplaint,
  procurementTypeOf,
  stateFacts,
  type LoadedComplaint,
} from "./handling-context.server.ts";
import { notifyComplaintParties } from "./notify-complaint-parties.server.ts";
import { liftComplaintSuspension } from "./suspend-for-complaint.server.ts";

/**
 * The decision (投诉处理决定书, decision 0064) in two steps. An `operate` member of the lead
 * regulator drafts it (outcome and reasons); a `sign` member signs the PDF drawn from the draft in
 * the browser (the signing flow, kind "complaint-decision"). Only the signature decides: then the
 * PDF is stored and anchored, ComplaintLedger.decide records its SHA-256 (and lifts a suspension,
 * as the platform does in the same transaction), and the parties are told.
 */
export interface DraftDecisionOptions {
  actor: Actor;
  complaintId: string;
  outcome: DecisionOutcome;
  text: string;
  meta: RequestMeta;
}

export async function draftComplaintDecision(app: AppContext, opts: DraftDecisionOptions): Promise<{ draftedAt: Date }> {
  const now = app.clock.now();
  if (!DECISION_OUTCOMES.includes(opts.outcome)) throw new AppError("VALIDATION_FAILED", { field: "outcome" });
  const text = requireText("text", opts.text, 20_000);
  return inHandlingTransaction(app, { ...opts, action: "decide", now }, async (trx, loaded) => {
    await trx
      .updateTable("complaints")
      .set({ decision_outcome: opts.outcome, decision_text: text, decision_drafted_at: now, decision_drafted_by: opts.actor.personId })
      .where("id", "=", loaded.complaint.id)
      .execute();
    return {
      result: { draftedAt: now },
      audit: { type: "complaint.decision_drafted", data: { complaintId: loaded.complaint.id, outcome: opts.outcome } },
    };
  });
}

/** What the PDF says, from the complaint and its draft. */
export function decisionInput(loaded: LoadedComplaint, complainantName: string): ComplaintDecisionInput {
  const c = loaded.complaint;
  if (!c.decision_outcome || !c.decision_text || !c.decision_drafted_at || !c.accepted_at)
    throw new AppError("COMPLAINT_DECISION_NOT_DRAFTED");
  const type = procurementTypeOf(loaded);
  return {
    documentId: `${c.receipt_no}-JD`,
    regulatorName: leadRegulator(loaded).name,
    procurementTypeZh: type === "engineering" ? "工程建设项目" : "政府采购项目",
    projectCode: loaded.project.code,
    projectName: loaded.project.name,
    sectionCode: loaded.section.code,
    sectionName: loaded.section.name,
    complainant: complainantName,
    respondents: loaded.respondentNames,
    receiptNo: c.receipt_no,
    filedAt: c.filed_at,
    acceptedAt: c.accepted_at,
    facts: c.facts,
    request: c.request,
    outcomeZh: OUTCOME_WORDS[c.decision_outcome].zh,
    text: c.decision_text,
    decisionSource: citation("complaintDecision", type).zh,
    suspensionEnds: stateFacts(c).suspendedAt !== null && (c.resumed_at === null || c.resumed_at < c.suspended_at!),
    ledgerId: c.ledger_id,
    draftedAt: c.decision_drafted_at,
  };
}

async function complainantName(trx: Transaction<Database>, loaded: LoadedComplaint): Promise<string> {
  const c = loaded.complaint;
  if (c.complainant_name) return c.complainant_name;
  const org = await trx
    .selectFrom("organisations")
    .select("name")
    .where("id", "=", c.complainant_organisation_id!)
    .executeTakeFirstOrThrow();
  return org.name;
}

/** The version of a draft: signing completes only on the draft that was prepared. */
const draftVersion = (c: LoadedComplaint["complaint"]) =>
  createHash("sha256")
    .update(
      JSON.stringify([
        c.decision_outcome,
        c.decision_text,
        c.decision_drafted_at?.toISOString(),
        c.suspended_at?.toISOString() ?? null,
        c.resumed_at?.toISOString() ?? null,
      ]),
    )
    .digest("hex");

/** The unsigned decision for the signing flow, with who signs it. */
export async function loadDecisionToSign(trx: Transaction<Database>, actor: Actor, complaintId: string) {
  const loaded = await loadComplaint(trx, complaintId);
  if (!loaded.regulators.some((r) => r.organisationId === actor.membership.organisationId))
    throw new AppError("FORBIDDEN", { permission: "sign" });
  assertComplaintAction(stateFacts(loaded.complaint), "decide");
  const input = decisionInput(loaded, await complainantName(trx, loaded));
  return {
    pdf: await renderComplaintDecision(input),
    organisationId: leadRegulator(loaded).organisationId,
    fieldName: "regulator",
    reason: "投诉处理决定",
    version: draftVersion(loaded.complaint),
    title: `投诉处理决定书（回执号 ${loaded.complaint.receipt_no}，${OUTCOME_WORDS[loaded.complaint.decision_outcome!].zh}）`,
  };
}

/** The signed decision decides the complaint: stored, anchored, on the ledger, the parties told. */
export async function recordSignedDecision(
  app: AppContext,
  trx: Transaction<Database>,
  signed: { actor: Actor; subjectId: string; pdf: Uint8Array; sha256: string; certificateSubject: string; now: Date; meta?: RequestMeta },
): Promise<void> {
  const { now } = signed;
  const loaded = await loadComplaint(trx, signed.subjectId, { forUpdate: true });
  assertComplaintAction(stateFacts(loaded.complaint), "decide");
  const c = loaded.complaint;
  const meta = signed.meta ?? { ip: "", userAgent: "" };
  const stored = await storageFor(app).put(`complaints/${c.id}/decision-${now.getTime()}.pdf`, signed.pdf);
  // The contract lifts a suspension when it records the decision; the platform does it here, at the same step.
  if (stateFacts(c).suspendedAt && (!c.resumed_at || c.resumed_at < c.suspended_at!))
    await liftComplaintSuspension(trx, loaded, { actor: signed.actor, meta }, now, "投诉处理决定作出，恢复");
  await trx
    .updateTable("complaints")
    .set({ decided_at: now, decision_sha256: signed.sha256, decision_key: stored.key, decision_signed_by: signed.certificateSubject })
    .where("id", "=", c.id)
    .execute();
  await queueForAnchoring(trx, { sha256: signed.sha256, source: "complaint-decision" }, now);
  const outcome = c.decision_outcome!;
  await enqueueLedgerWrite(
    trx,
    `complaint:${c.id}:decide`,
    {
      contract: "ComplaintLedger",
      method: "decide",
      args: [c.ledger_id, OUTCOME_ON_CHAIN[outcome], `0x${signed.sha256}`],
      actor: { organisationId: leadRegulator(loaded).organisationId },
    },
    now,
  );
  await appendAudit(trx, {
    event: { type: "complaint.decided", data: { complaintId: c.id, outcome, decisionSha256: signed.sha256 } },
    actor: auditActorOf(signed.actor, meta),
    at: now,
  });
  await notifyComplaintParties(app, trx, loaded, {
    step: "decide",
    title: `投诉处理决定书（回执号 ${c.receipt_no}）：${OUTCOME_WORDS[outcome].zh}`,
    body: `${leadRegulator(loaded).name}已对投诉（回执号 ${c.receipt_no}）作出处理决定：${OUTCOME_WORDS[outcome].zh}。\n决定书 SHA-256：${signed.sha256}，可在平台验证其签名和区块链存证。`,
    toRespondents: true,
    now,
  });
}

export interface WithdrawComplaintOptions {
  actor: Actor;
  complaintId: string;
  reason: string;
  meta: RequestMeta;
}

/**
 * The complainant withdraws before the decision with a written reason (投诉处理办法 19 / 94号令 30);
 * the platform records it on ComplaintLedger.withdraw (which lifts a suspension) and here.
 */
export async function withdrawComplaint(app: AppContext, opts: WithdrawComplaintOptions): Promise<{ at: Date }> {
  const now = app.clock.now();
  const reason = requireText("reason", opts.reason);
  const authorise = ({ complaint: c }: LoadedComplaint) => {
    // The person who filed it, or (for an organisation) a member who bids for it or administers it.
    const mine =
      c.complainant_person_id === opts.actor.personId
        ? !c.complainant_organisation_id || c.complainant_organisation_id === opts.actor.membership.organisationId
        : !!c.complainant_organisation_id &&
          c.complainant_organisation_id === opts.actor.membership.organisationId &&
          opts.actor.membership.roles.some((r) => r === "bid" || r === "admin");
    if (!mine) throw new AppError("NOT_FOUND", { what: "complaint" });
  };
  return inHandlingTransaction(app, { ...opts, action: "withdraw", now, authorise }, async (trx, loaded) => {
    const c = loaded.complaint;
    if (c.suspended_at && (!c.resumed_at || c.resumed_at < c.suspended_at))
      await liftComplaintSuspension(trx, loaded, opts, now, "投诉人撤回投诉，恢复");
    await trx.updateTable("complaints").set({ withdrawn_at: now, withdrawal_reason: reason }).where("id", "=", c.id).execute();
    const hash = `0x${createHash("sha256").update(reason, "utf8").digest("hex")}`;
    await notifyComplaintParties(app, trx, loaded, {
      step: "withdraw",
      title: `投诉已撤回（回执号 ${c.receipt_no}）`,
      body: `投诉人已于处理决定作出前撤回投诉（回执号 ${c.receipt_no}），投诉处理程序终止。`,
      toRespondents: c.accepted_at !== null,
      now,
    });
    return {
      result: { at: now },
      audit: { type: "complaint.withdrawn", data: { complaintId: c.id, requestSha256: hash.slice(2) } },
      ledger: { key: `complaint:${c.id}:withdraw`, method: "withdraw", args: [c.ledger_id, hash], actor: "platform" },
    };
  });
}
