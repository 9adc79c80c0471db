import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";

/**
 * An application's history and fee record, as both its parties see them (the applicant on its
 * guarantee page, the guarantor in its portal; decisions 0070, 0072). The caller has already
 * checked that the application is its organisation's.
 */

/** Steps recorded in the same instant (a fixed test clock, a fast applicant) in the order the lifecycle takes them. */
const STEP_ORDER = [
  "submitted",
  "more_documents_requested",
  "supplemented",
  "approved",
  "declined",
  "fee_paid",
  "issuing",
  "issue_failed",
  "issue_retried",
  "issued",
];
const stepRank = (step: string) => (STEP_ORDER.includes(step) ? STEP_ORDER.indexOf(step) : STEP_ORDER.length);

export async function readApplicationHistory(db: Kysely<Database>, applicationId: string) {
  const [events, payment] = await Promise.all([
    db
      .selectFrom("guarantee_application_events as e")
      .leftJoin("people as p", "p.id", "e.person_id")
      .select(["e.id", "e.step", "e.text", "e.at", "p.name as person_name"])
      .where("e.application_id", "=", applicationId)
      .execute(),
    db
      .selectFrom("guarantee_fee_payments as f")
      .innerJoin("organisations as o", "o.id", "f.payer_organisation_id")
      .innerJoin("people as p", "p.id", "f.paid_by")
      .select(["f.amount_fen", "f.paid_at", "f.reference", "o.name as payer_name", "p.name as paid_by_name"])
      .where("f.application_id", "=", applicationId)
      .executeTakeFirst(),
  ]);
  return {
    events: events
      .map((e) => ({ id: e.id, step: e.step, text: e.text, at: e.at, personName: e.person_name }))
      .sort((x, y) => x.at.getTime() - y.at.getTime() || stepRank(x.step) - stepRank(y.step)),
    payment: payment
      ? {
          amountFen: String(payment.amount_fen),
          paidAt: payment.paid_at,
          reference: payment.reference,
          payerName: payment.payer_name,
          paidByName: payment.paid_by_name,
        }
      : null,
  };
}
