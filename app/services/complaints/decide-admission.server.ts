import { requireText } from "#app/domain/complaint/handling.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { inHandlingTransaction, textHash } from "./handling-context.server.ts";
import { notifyComplaintParties } from "./notify-complaint-parties.server.ts";

export interface DecideAdmissionOptions {
  actor: Actor;
  complaintId: string;
  /** 受理 or 不予受理. */
  admit: boolean;
  /** The notice's text: for a refusal, the reasons (投诉处理办法 12 / 94号令 21). */
  reason: string;
  meta: RequestMeta;
}

/**
 * The lead regulator decides whether to accept the complaint (受理 / 不予受理) with its reasons.
 * The text stays here; ComplaintLedger.accept or .reject records its SHA-256 from the regulator's
 * account, through the outbox. Accepting or refusing late is still possible (the limit binds the
 * regulator, it does not end the complaint): the queue shows it late.
 */
export async function decideAdmission(app: AppContext, opts: DecideAdmissionOptions): Promise<{ at: Date }> {
  const now = app.clock.now();
  const reason = requireText("reason", opts.reason);
  const action = opts.admit ? "accept" : "reject";
  return inHandlingTransaction(app, { ...opts, action, now }, async (trx, loaded) => {
    const c = loaded.complaint;
    await trx
      .updateTable("complaints")
      .set(opts.admit ? { accepted_at: now, admission_reason: reason } : { rejected_at: now, admission_reason: reason })
      .where("id", "=", c.id)
      .execute();
    const hash = textHash(reason);
    const word = opts.admit ? "受理" : "不予受理";
    await notifyComplaintParties(app, trx, loaded, {
      step: action,
      title: `投诉${word}通知（回执号 ${c.receipt_no}）`,
      body: `${leadName(loaded)}已决定对投诉（回执号 ${c.receipt_no}）${word}。\n理由：${reason}`,
      toRespondents: opts.admit,
      now,
    });
    return {
      result: { at: now },
      audit: { type: opts.admit ? "complaint.accepted" : "complaint.rejected", data: { complaintId: c.id, reasonSha256: hash.slice(2) } },
      ledger: { key: `complaint:${c.id}:${action}`, method: action, args: [c.ledger_id, hash], actor: "regulator" },
    };
  });
}

const leadName = (loaded: { regulators: { name: string }[] }) => loaded.regulators[0]!.name;
