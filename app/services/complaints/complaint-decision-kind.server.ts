import type { SigningKind } from "#app/services/signing/signing-kinds.server.ts";
import { loadDecisionToSign, recordSignedDecision } from "./complaint-decision.server.ts";

/**
 * 投诉处理决定书 in the browser signing flow (decisions 55, 0064): the lead regulator's `sign`
 * member signs the PDF drawn from the draft; the signature decides the complaint.
 */
export const complaintDecisionKind: SigningKind = {
  kind: "complaint-decision",
  load: (trx, actor, subjectId) => loadDecisionToSign(trx, actor, subjectId),
  onSigned: (trx, signed) => recordSignedDecision(signed.app, trx, signed),
};
