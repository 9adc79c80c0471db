import { sql } from "kysely";
import { AppError } from "#app/domain/shared/app-error.ts";
import { normaliseOrganisationName } from "#app/domain/shared/organisation-name.ts";
import { toCount } from "#app/server/db.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { requireOwnOrganisation, requirePermission, type Actor } from "#app/server/session.server.ts";

/**
 * Read-only use cases for organisation pages. Each checks the actor first and filters by owner
 * inside the query, so a route that forgot its check still could not read another organisation.
 */
export async function getDashboardSummary(app: AppContext, actor: Actor) {
  const org = await app.db
    .selectFrom("organisations")
    .select(["id", "name", "uscc", "kinds", "region_code", "region_name", "status", "decision_reason"])
    .where("id", "=", actor.membership.organisationId)
    .executeTakeFirstOrThrow();
  const pendingApprovals = actor.permissions.has("approve:organisation:any")
    ? toCount(
        (
          await app.db
            .selectFrom("organisations")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("status", "=", "pending")
            .executeTakeFirstOrThrow()
        ).n,
      )
    : null;
  const memberCount = actor.permissions.has("manage:members:own")
    ? toCount(
        (
          await app.db
            .selectFrom("memberships")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("organisation_id", "=", org.id)
            .where("status", "=", "active")
            .executeTakeFirstOrThrow()
        ).n,
      )
    : null;
  return { organisation: org, pendingApprovals, memberCount };
}

/** An organisation's profile: its own members may read it; the operator may read any. */
export async function getOrganisationProfile(app: AppContext, actor: Actor, organisationId: string) {
  if (!actor.permissions.has("approve:organisation:any")) requireOwnOrganisation(actor, organisationId);
  const org = await app.db
    .selectFrom("organisations")
    .select(["id", "name", "uscc", "kinds", "region_code", "region_name", "status", "created_at", "decided_at", "decision_reason"])
    .where("id", "=", organisationId)
    .executeTakeFirst();
  if (!org) throw new AppError("NOT_FOUND", { what: "organisation" });
  return org;
}

export async function listMembers(app: AppContext, actor: Actor, organisationId: string) {
  requireOwnOrganisation(actor, organisationId);
  requirePermission(actor, "manage:members:own");
  return app.db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .select(["p.id as personId", "p.name", "p.email", "m.roles", "m.created_at as since"])
    .where("m.organisation_id", "=", actor.membership.organisationId)
    .where("m.status", "=", "active")
    .orderBy("m.created_at")
    .execute();
}

export async function listOrganisationsForApproval(app: AppContext, actor: Actor) {
  requirePermission(actor, "approve:organisation:any");
  const base = app.db
    .selectFrom("organisations as o")
    .leftJoin("memberships as m", (j) => j.onRef("m.organisation_id", "=", "o.id").on(sql<boolean>`'admin' = any(m.roles)`))
    .leftJoin("people as p", "p.id", "m.person_id")
    .select([
      "o.id",
      "o.name",
      "o.uscc",
      "o.kinds",
      "o.region_name",
      "o.status",
      "o.created_at",
      "o.decided_at",
      "o.decision_reason",
      "p.name as adminName",
      "p.email as adminEmail",
    ]);
  const [pendingRows, decided] = await Promise.all([
    base.select("o.name_key").where("o.status", "=", "pending").orderBy("o.created_at").execute(),
    base.where("o.status", "!=", "pending").where("o.decided_at", "is not", null).orderBy("o.decided_at", "desc").limit(20).execute(),
  ]);
  const pending = dedupe(pendingRows);
  const similar = await similarNames(app, pending);
  return {
    pending: pending.map(({ name_key: _key, ...o }) => ({ ...o, similar: similar.get(o.id) ?? [] })),
    decided: dedupe(decided),
  };
}

export interface SimilarOrganisation {
  id: string;
  name: string;
  uscc: string;
  status: "pending" | "approved" | "rejected";
  /** Same name after normalisation (NFKC, whitespace), or only a look-alike (punctuation, case, width). */
  match: "same" | "lookAlike";
}

/**
 * Other organisations whose name is the same as, or looks like, each waiting one's (decision 22):
 * same `name_key` (db/migrations/0011: NFKC, lower-case, no whitespace or punctuation). Shown to the
 * operator to judge, never refused automatically: two companies may really share a name in
 * different regions, and a sign-up must not learn what is registered.
 */
async function similarNames(app: AppContext, pending: { id: string; name: string; name_key: string }[]) {
  const result = new Map<string, SimilarOrganisation[]>();
  if (pending.length === 0) return result;
  const keys = [...new Set(pending.map((p) => p.name_key))];
  const others = await app.db
    .selectFrom("organisations")
    .select(["id", "name", "uscc", "status", "name_key"])
    .where("name_key", "in", keys)
    .orderBy("created_at")
    .execute();
  const comparable = (name: string) => {
    const n = normaliseOrganisationName(name);
    return n.ok ? n.value : name;
  };
  for (const p of pending) {
    const matches = others
      .filter((o) => o.name_key === p.name_key && o.id !== p.id)
      .map((o) => ({
        id: o.id,
        name: o.name,
        uscc: o.uscc,
        status: o.status,
        match: comparable(o.name) === comparable(p.name) ? ("same" as const) : ("lookAlike" as const),
      }))
      .sort((a, b) => Number(a.match === "lookAlike") - Number(b.match === "lookAlike")); // the same name first
    result.set(p.id, matches);
  }
  return result;
}

/** An organisation with two admins appears once (the first admin is shown). */
function dedupe<T extends { id: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}
