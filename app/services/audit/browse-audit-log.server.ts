import { sql, type Expression, type SqlBool } from "kysely";
import { isSealedAt, SEALED_AUDIT_EVENT_TYPES, sealedTypesNaming, shanghaiDay } from "#app/domain/bidding/sealed-events.ts";
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

/** A row as the operator may see it now. */
export type AuditRowView =
  | {
      sealed: false;
      seq: string;
      at: Date;
      type: string;
      data: string;
      ip: string | null;
      user_agent: string | null;
      /** Null when a sealed row precedes this one (see below). */
      hash: string | null;
      person_name: string | null;
      person_email: string | null;
      organisation_name: string | null;
    }
  | {
      /** A bid event before its section's deadline (decision 23): its type and Beijing day only. */
      sealed: true;
      seq: string;
      type: string;
      day: string;
    };

const list = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

/**
 * The operator browses the audit trail (办法 Art 49), newest first, filtered by event type,
 * acting organisation, acting person and time. Read-only; the rows are append-only anyway.
 *
 * NOTE 法 22 (decision 23): a bid event is sealed until its section's deadline — the page shows
 * its place in the chain, its type and its day, and nothing that tells who bid where
 * (organisation, person, IP, user agent, data, hash). The stored rows are never changed, so the
 * chain verifies as before. A sealed row matches no organisation or person filter (a count of
 * rows per bidder would tell as much as the row), and no row's hash is shown once a sealed row
 * precedes it: every later hash covers the sealed row, and a guess at its content (the actor and
 * section are few candidates) could be checked against it.
 */
export async function browseAuditLog(app: AppContext, actor: Actor, filters: AuditFilters) {
  requirePermission(actor, "view:audit:any");
  const now = app.clock.now();
  const page = Math.max(1, Math.floor(filters.page ?? 1));
  const sealedTypes = list(SEALED_AUDIT_EVENT_TYPES);
  // The deadline of the section each sealed row is about: named directly, or through its opening.
  const base = app.db
    .selectFrom("audit_log as a")
    .leftJoin("sections as ss", (j) =>
      j.on(sql<SqlBool>`a.type in (${list(sealedTypesNaming("sectionId"))}) and ss.id::text = a.data->>'sectionId'`),
    )
    .leftJoin("openings as so", (j) =>
      j.on(sql<SqlBool>`a.type in (${list(sealedTypesNaming("openingId"))}) and so.id::text = a.data->>'openingId'`),
    )
    .leftJoin("sections as sso", "sso.id", "so.section_id");
  const deadline = sql<Date | null>`coalesce(ss.deadline_at, sso.deadline_at)`;
  const sealed: Expression<SqlBool> = sql<SqlBool>`(a.type in (${sealedTypes}) and (${deadline} is null or ${deadline} > ${now}))`;

  let query = base.leftJoin("people as p", "p.id", "a.actor_person_id").leftJoin("organisations as o", "o.id", "a.actor_organisation_id");
  if (filters.type) query = query.where("a.type", "=", filters.type);
  if (filters.organisationId)
    query = query.where("a.actor_organisation_id", "=", filters.organisationId).where(sql<SqlBool>`not ${sealed}`);
  if (filters.person) query = query.where("p.email", "=", filters.person.trim().toLowerCase()).where(sql<SqlBool>`not ${sealed}`);
  if (filters.from) query = query.where("a.at", ">=", filters.from);
  if (filters.to) query = query.where("a.at", "<=", filters.to);

  const [rows, total, oldestSealed, types, organisations] = await Promise.all([
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
        deadline.as("deadline_at"),
      ])
      .orderBy("a.seq", "desc")
      .limit(AUDIT_PAGE_SIZE)
      .offset((page - 1) * AUDIT_PAGE_SIZE)
      .execute(),
    query.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow(),
    base
      .select((eb) => eb.fn.min("a.seq").as("seq"))
      .where(sealed)
      .executeTakeFirst(),
    app.db.selectFrom("audit_log").select("type").distinct().orderBy("type").execute(),
    app.db.selectFrom("organisations").select(["id", "name"]).orderBy("name").execute(),
  ]);
  const firstSealed = oldestSealed?.seq == null ? null : BigInt(oldestSealed.seq);
  const count = toCount(total.n);
  return {
    rows: rows.map((r): AuditRowView => {
      const seq = String(r.seq);
      if (isSealedAt(r.type, r.deadline_at === null ? null : new Date(r.deadline_at), now))
        return { sealed: true, seq, type: r.type, day: shanghaiDay(r.at) };
      return {
        sealed: false,
        seq,
        at: r.at,
        type: r.type,
        data: JSON.stringify(r.data),
        ip: r.ip,
        user_agent: r.user_agent,
        hash: firstSealed !== null && BigInt(seq) > firstSealed ? null : r.hash,
        person_name: r.person_name,
        person_email: r.person_email,
        organisation_name: r.organisation_name,
      };
    }),
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
