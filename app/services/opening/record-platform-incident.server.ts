import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";

export interface RecordPlatformIncidentOptions {
  actor: Actor;
  startedAt: Date;
  endedAt: Date;
  description: string;
  meta: RequestMeta;
}

/**
 * The operator records a platform or storage failure with its time span (ARCHITECTURE.md §4):
 * a bid that fails in a decryption window overlapping it is deemed withdrawn, not revoked
 * (办法 Art 31: not the bidder's fault). Spans in the future are refused: an incident is a fact.
 */
export async function recordPlatformIncident(app: AppContext, opts: RecordPlatformIncidentOptions): Promise<{ incidentId: string }> {
  requirePermission(opts.actor, "record:incident:any");
  const now = app.clock.now();
  const description = opts.description.trim();
  if (!description) throw new AppError("VALIDATION_FAILED", { field: "description" });
  if (!(opts.startedAt < opts.endedAt) || opts.startedAt > now) throw new AppError("VALIDATION_FAILED", { field: "endedAt" });
  return app.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("platform_incidents")
      .values({ started_at: opts.startedAt, ended_at: opts.endedAt, description, recorded_by: opts.actor.personId, recorded_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      event: {
        type: "platform.incident_recorded",
        data: { incidentId: row.id, startedAt: opts.startedAt.toISOString(), endedAt: opts.endedAt.toISOString(), description },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { incidentId: row.id };
  });
}
