import { kindConflict, kindConflictParams } from "#app/domain/access/organisation-kinds.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";

export interface DecideOrganisationOptions {
  actor: Actor;
  organisationId: string;
  decision: "approve" | "reject";
  reason?: string;
  meta: RequestMeta;
}

/**
 * The operator approves or rejects a signed-up organisation, once. An organisation whose kinds may
 * not be held together (app/domain/access/organisation-kinds.ts) cannot be approved, only rejected.
 */
export async function decideOrganisation(app: AppContext, opts: DecideOrganisationOptions): Promise<void> {
  requirePermission(opts.actor, "approve:organisation:any");
  const now = app.clock.now();
  await app.db.transaction().execute(async (trx) => {
    const org = await trx
      .selectFrom("organisations")
      .select(["id", "status", "kinds"])
      .where("id", "=", opts.organisationId)
      .forUpdate()
      .executeTakeFirst();
    if (!org) throw new AppError("NOT_FOUND", { what: "organisation" });
    if (org.status !== "pending") throw new AppError("ORGANISATION_ALREADY_DECIDED", { status: org.status });
    if (opts.decision === "reject" && !opts.reason?.trim()) throw new AppError("VALIDATION_FAILED", { field: "reason" });
    // Kinds that may never meet are refused here too (decision 21), whatever let them in; rejecting stays possible.
    const conflict = opts.decision === "approve" ? kindConflict(org.kinds) : null;
    if (conflict) throw new AppError("ORGANISATION_KINDS_INCOMPATIBLE", kindConflictParams(conflict));
    await trx
      .updateTable("organisations")
      .set({
        status: opts.decision === "approve" ? "approved" : "rejected",
        decided_at: now,
        decided_by: opts.actor.personId,
        decision_reason: opts.reason?.trim() || null,
      })
      .where("id", "=", org.id)
      .execute();
    await appendAudit(trx, {
      event:
        opts.decision === "approve"
          ? { type: "organisation.approved", data: { organisationId: org.id } }
          : { type: "organisation.rejected", data: { organisationId: org.id, reason: opts.reason!.trim() } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
  });
}
