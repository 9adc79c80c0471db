import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { enqueueClaimDecline, enqueueClaimPay } from "#app/server/ledger/guarantees.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";

export interface SettleClaimOptions {
  actor: Actor;
  claimId: string;
  decision: "pay" | "decline";
  /** Required to decline: the guarantor's reason (its SHA-256 goes on chain). */
  reason?: string;
  meta: RequestMeta;
}

/**
 * The guarantor that issued the guarantee pays or declines a pending claim (issue 14). The ledger
 * write goes through the outbox from the guarantor's account; the delivery hook records `paid` or
 * `declined`. Refused for another guarantor's claim, a claim not pending on chain yet, or one
 * already settled.
 */
export async function settleClaim(app: AppContext, opts: SettleClaimOptions): Promise<void> {
  const now = app.clock.now();
  const reason = opts.reason?.trim() ?? "";
  if (opts.decision === "decline" && reason.length < 4) throw new AppError("VALIDATION_FAILED", { issues: ["reason"] });
  await app.db.transaction().execute(async (trx) => {
    const c = await trx
      .selectFrom("guarantee_claims as c")
      .innerJoin("guarantees as g", "g.id", "c.guarantee_id")
      .select(["c.id", "c.status", "c.claim_index", "c.settled_at", "g.id as guarantee_id", "g.ledger_id", "g.guarantor_organisation_id"])
      .where("c.id", "=", opts.claimId)
      .forUpdate("c")
      .executeTakeFirst();
    if (!c) throw new AppError("NOT_FOUND", { what: "claim" });
    if (c.guarantor_organisation_id !== opts.actor.membership.organisationId || !opts.actor.permissions.has("decide:claim:own"))
      throw new AppError("FORBIDDEN", { permission: "decide:claim:own" });
    if (c.status !== "pending" || c.claim_index === null || c.settled_at !== null)
      throw new AppError("GUARANTEE_UNEXPECTED_STATUS", { current: c.settled_at ? "settling" : c.status, expected: "pending" });
    await trx
      .updateTable("guarantee_claims")
      .set({ settled_by: opts.actor.personId, settled_at: now, decline_reason: opts.decision === "decline" ? reason : null })
      .where("id", "=", c.id)
      .execute();
    const claim = { id: c.id, claim_index: c.claim_index };
    if (opts.decision === "pay") await enqueueClaimPay(trx, c, claim, now);
    else await enqueueClaimDecline(trx, c, claim, reason, now);
    await appendAudit(trx, {
      event:
        opts.decision === "pay"
          ? { type: "guarantee.claim_paid", data: { guaranteeId: c.guarantee_id, claimId: c.id } }
          : { type: "guarantee.claim_declined", data: { guaranteeId: c.guarantee_id, claimId: c.id, reason } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
  });
}
