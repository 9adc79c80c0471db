import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { releaseSectionGuarantees } from "./release-guarantees.server.ts";

export interface RecordContractSigningOptions {
  actor: Actor;
  sectionId: string;
  /** The day the contract was signed: after the deadline, not in the future. */
  signedAt: Date;
  meta: RequestMeta;
}

/**
 * The tenderer records the contract's signing date (until contracts are signed online): it starts
 * the 5 days of 条例 57 (decision 42's `contract` event), and every bid guarantee of the section is
 * released on the ledger at once — well inside the period. Recorded once.
 */
export async function recordContractSigning(app: AppContext, opts: RecordContractSigningOptions): Promise<{ released: string[] }> {
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const section = await trx
      .selectFrom("sections as s")
      .innerJoin("projects as p", "p.id", "s.project_id")
      .select(["s.id", "s.deadline_at", "s.contract_signed_at", "p.tenderer_organisation_id"])
      .where("s.id", "=", opts.sectionId)
      .forUpdate()
      .executeTakeFirst();
    if (!section) throw new AppError("NOT_FOUND", { what: "section" });
    if (section.tenderer_organisation_id !== opts.actor.membership.organisationId || !opts.actor.permissions.has("record:result:own"))
      throw new AppError("FORBIDDEN", { permission: "record:result:own" });
    if (section.contract_signed_at) throw new AppError("CONTRACT_SIGNING_ALREADY_RECORDED");
    if (opts.signedAt <= section.deadline_at || opts.signedAt > now) throw new AppError("CONTRACT_SIGNING_DATE_INVALID");
    await trx
      .updateTable("sections")
      .set({ contract_signed_at: opts.signedAt, contract_signed_recorded_by: opts.actor.personId })
      .where("id", "=", section.id)
      .execute();
    const actor = auditActorOf(opts.actor, opts.meta);
    await appendAudit(trx, {
      event: { type: "section.contract_signed_recorded", data: { sectionId: section.id, signedAt: opts.signedAt.toISOString() } },
      actor,
      at: now,
    });
    return { released: await releaseSectionGuarantees(trx, { sectionId: section.id, event: "contract", now, actor }) };
  });
}
