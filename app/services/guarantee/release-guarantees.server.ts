import type { Transaction } from "kysely";
import { appendAudit, SYSTEM_ACTOR, type AuditActor } from "#app/server/audit.server.ts";
import { enqueueGuaranteeRelease } from "#app/server/ledger/guarantees.server.ts";
import type { Database } from "#db/schema.ts";

/**
 * Releasing (退还) bid guarantees on the ledger (issue 14, decision 0060), the electronic form of
 * returning the bid security (decision 42): every guarantee of a section once its contract is
 * signed (条例 57) or the section ends without award (termination, failed opening), and a
 * withdrawing bidder's (条例 35). The release is queued in the caller's transaction; a guarantee
 * with a claim awaiting the guarantor is left alone (the contract refuses it: GuaranteeLedgerPendingClaims).
 *
 * `runAfter` holds a withdrawal's release until the deadline: a release on chain before it would
 * show that somebody withdrew (decision 42: the withdrawal reaches the tenderer at the deadline).
 */
export async function releaseSectionGuarantees(
  trx: Transaction<Database>,
  input: {
    sectionId: string;
    /** Only this applicant's (a withdrawal); every applicant's otherwise. */
    applicantOrganisationId?: string;
    event: "contract" | "termination" | "failure" | "withdrawal";
    now: Date;
    actor?: AuditActor;
    /** Not before this instant: a withdrawal's release waits for the deadline (decision 42). */
    runAfter?: Date;
  },
): Promise<string[]> {
  let q = trx
    .selectFrom("guarantees as g")
    .select(["g.id", "g.ledger_id"])
    .where("g.section_id", "=", input.sectionId)
    .where("g.kind", "=", "bid")
    .where("g.status", "in", ["issued", "bound"])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("guarantee_claims as c")
            .select("c.id")
            .whereRef("c.guarantee_id", "=", "g.id")
            .where("c.status", "in", ["lodging", "pending"]),
        ),
      ),
    );
  if (input.applicantOrganisationId) q = q.where("g.applicant_organisation_id", "=", input.applicantOrganisationId);
  const guarantees = await q.execute();
  for (const g of guarantees) {
    await enqueueGuaranteeRelease(trx, g, input.now, input.runAfter);
    await appendAudit(trx, {
      event: { type: "guarantee.release_requested", data: { guaranteeId: g.id, sectionId: input.sectionId, event: input.event } },
      actor: input.actor ?? SYSTEM_ACTOR,
      at: input.now,
    });
  }
  return guarantees.map((g) => g.id);
}
