import { checkClaim, CLAIM_REFUSALS, type ClaimGround } from "#app/domain/guarantee/claims.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { toBigInt } from "#app/server/db.server.ts";
import { enqueueClaimLodge, statementHash } from "#app/server/ledger/guarantees.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";

export interface LodgeClaimOptions {
  actor: Actor;
  guaranteeId: string;
  ground: ClaimGround;
  /** Default: the whole amount. */
  amountFen?: bigint;
  /** The tenderer's statement of the facts; only its SHA-256 goes on chain. */
  statement: string;
  meta: RequestMeta;
}

/**
 * The tenderer, beneficiary of a bound bid guarantee, claims on it (索赔) on a legal ground
 * (app/domain/guarantee/claims.ts). The claim is lodged on the ledger through the outbox by the
 * beneficiary account the platform keeps for the tenderer (decision 0059); the delivery hook makes
 * it `pending` with the ledger's index, or `lodge_failed` with the contract's reason.
 */
export async function lodgeClaim(app: AppContext, opts: LodgeClaimOptions): Promise<{ claimId: string }> {
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const g = await trx
      .selectFrom("guarantees as g")
      .innerJoin("sections as s", "s.id", "g.section_id")
      .select([
        "g.id",
        "g.ledger_id",
        "g.status",
        "g.amount_fen",
        "g.valid_until",
        "g.claim_period_days",
        "g.beneficiary_organisation_id",
        "g.applicant_organisation_id",
        "g.bound_bid_version_id",
        "s.cancelled_at",
        "s.deadline_at",
      ])
      .where("g.id", "=", opts.guaranteeId)
      .forUpdate("g")
      .executeTakeFirst();
    if (!g) throw new AppError("NOT_FOUND", { what: "guarantee" });
    if (g.beneficiary_organisation_id !== opts.actor.membership.organisationId || !opts.actor.permissions.has("record:result:own"))
      throw new AppError("FORBIDDEN", { permission: "record:result:own" });
    const [open, result] = await Promise.all([
      trx
        .selectFrom("guarantee_claims")
        .select("id")
        .where("guarantee_id", "=", g.id)
        .where("status", "in", ["lodging", "pending"])
        .executeTakeFirst(),
      g.bound_bid_version_id
        ? trx.selectFrom("opening_bids").select("result").where("bid_version_id", "=", g.bound_bid_version_id).executeTakeFirst()
        : undefined,
    ]);
    const refusal = checkClaim(
      opts.ground,
      {
        guaranteeStatus: g.status,
        terminated: g.cancelled_at !== null && g.cancelled_at < g.deadline_at,
        // A bid withdrawn before the deadline never reached the opening: its guarantee is not bound.
        withdrawnBeforeDeadline: false,
        decryption: result?.result ?? null,
        claimDeadline: new Date(g.valid_until.getTime() + g.claim_period_days * 86_400_000),
        hasOpenClaim: open !== undefined,
      },
      now,
    );
    if (refusal === "claimPeriodOver") {
      const deadline = new Date(g.valid_until.getTime() + g.claim_period_days * 86_400_000);
      throw new AppError("GUARANTEE_CLAIM_PERIOD_OVER", {
        deadlineZh: formatShanghai(deadline),
        deadlineEn: formatShanghai(deadline, "en"),
        validUntilZh: formatShanghai(g.valid_until),
        validUntilEn: formatShanghai(g.valid_until, "en"),
        days: g.claim_period_days,
      });
    }
    if (refusal)
      throw new AppError("GUARANTEE_CLAIM_REFUSED", { reasonZh: CLAIM_REFUSALS[refusal].zh, reasonEn: CLAIM_REFUSALS[refusal].en });
    const amount = opts.amountFen ?? toBigInt(g.amount_fen);
    if (amount <= 0n || amount > toBigInt(g.amount_fen)) throw new AppError("VALIDATION_FAILED", { issues: ["amountFen"] });
    const statement = opts.statement.trim();
    const claim = await trx
      .insertInto("guarantee_claims")
      .values({
        guarantee_id: g.id,
        ground: opts.ground,
        amount_fen: amount,
        statement,
        reason_sha256: statementHash(`${opts.ground}\n${statement}`).slice(2),
        status: "lodging",
        lodged_by: opts.actor.personId,
        lodged_at: now,
      })
      .returning(["id", "amount_fen", "reason_sha256"])
      .executeTakeFirstOrThrow();
    await trx.updateTable("guarantees").set({ status: "claimed" }).where("id", "=", g.id).execute();
    await enqueueClaimLodge(trx, g, claim, now);
    await appendAudit(trx, {
      event: {
        type: "guarantee.claim_lodged",
        data: { guaranteeId: g.id, claimId: claim.id, ground: opts.ground, amountFen: amount.toString() },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { claimId: claim.id };
  });
}
