import type { AppContext } from "#app/server/context.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";

const MAX_ROWS = 200;

export interface PlatformIncidentRow {
  id: string;
  startedAt: Date;
  endedAt: Date;
  description: string;
  recordedByName: string;
  recordedAt: Date;
}

/**
 * The platform incidents the operator has recorded (record-platform-incident.server.ts), the
 * latest first: the spans that turn a failed decryption into "deemed withdrawn" (办法 Art 31).
 */
export async function listPlatformIncidents(app: AppContext, actor: Actor): Promise<PlatformIncidentRow[]> {
  requirePermission(actor, "record:incident:any");
  const rows = await app.db
    .selectFrom("platform_incidents as i")
    .innerJoin("people as p", "p.id", "i.recorded_by")
    .select(["i.id", "i.started_at", "i.ended_at", "i.description", "i.recorded_at", "p.name as recorded_by_name"])
    .orderBy("i.started_at", "desc")
    .orderBy("i.recorded_at", "desc")
    .limit(MAX_ROWS)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    description: r.description,
    recordedByName: r.recorded_by_name,
    recordedAt: r.recorded_at,
  }));
}
