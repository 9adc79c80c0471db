import { toCount } from "#app/server/db.server.ts";
import { verifyAuditChain, type AuditVerification } from "#app/server/audit.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  type?: string;
  organisationId?: string;
  /** the acting person's email */
  person?: string;
  /** inclusive bounds, instants */
  from?: Date;
  to?: Date;
  page?: number;
}

/**
 * The operator browses the audit trail (办法 Art 49), newest first, filtered by event type,
 * acting organisation, acting person and time. Read-only; the rows are append-only anyway.
 */
export async function browseAuditLog(app: AppContext, actor: Actor, filters: AuditFilters) {
  requirePermission(actor, "view:audit:any");
  const page = Math.max(1, Math.floor(filters.page ?? 1));
  let query = app.db
    .selectFrom("audit_log as a")
    .leftJoin("people as p", "p.id", "a.actor_person_id")
    .leftJoin("organisations as o", "o.id", "a.actor_organisation_id");
  if (filters.type) query = query.where("a.type", "=", filters.type);
  if (filters.organisationId) query = query.where("a.actor_organisation_id", "=", filters.organisationId);
  if (filters.person) query = query.where("p.email", "=", filters.person.trim().toLowerCase());
  if (filters.from) query = query.where("a.at", ">=", filters.from);
  if (filters.to) query = query.where("a.at", "<=", filters.to);

  const [rows, total, types, organisations] = await Promise.all([
    query
      .select([
        "a.seq",
        "a.at",
        "a.type",
        "a.data",
        "a.ip",
        "a.user_agent",
        "a.hash",
        "p.name as person_name",
        "p.email as person_email",
        "o.name as organisation_name",
      ])
      .orderBy("a.seq", "desc")
      .limit(AUDIT_PAGE_SIZE)
      .offset((page - 1) * AUDIT_PAGE_SIZE)
      .execute(),
    query.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow(),
    app.db.selectFrom("audit_log").select("type").distinct().orderBy("type").execute(),
    app.db.selectFrom("organisations").select(["id", "name"]).orderBy("name").execute(),
  ]);
  const count = toCount(total.n);
  return {
    rows: rows.map((r) => ({ ...r, seq: String(r.seq), data: JSON.stringify(r.data) })),
    total: count,
    page,
    pages: Math.max(1, Math.ceil(count / AUDIT_PAGE_SIZE)),
    types: types.map((t) => t.type),
    organisations,
  };
}

/** Walks the whole hash chain (the same check as `bidhall audit verify`). */
export async function verifyAuditLog(app: AppContext, actor: Actor): Promise<AuditVerification> {
  requirePermission(actor, "view:audit:any");
  return verifyAuditChain(app.db);
}
