import { createHash, randomBytes } from "node:crypto";
import { redirect } from "@remix-run/node";
import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import { permissionsFor, type Permission } from "#app/domain/access/permissions.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "./context.server.ts";
import { cookiesFor } from "./cookies.server.ts";
import { rotateCsrf } from "./csrf.server.ts";
import { activeMemberships, findPersonById, type MembershipView } from "./repo/people.server.ts";

/**
 * Server-side sessions: the cookie carries a random token, the database only its SHA-256, so a
 * leaked sessions table opens nothing and logout really ends the session.
 */
const SESSION_HOURS = 12;

export interface Actor {
  personId: string;
  personName: string;
  email: string;
  sessionId: string;
  /** The organisation the person is acting for now (a person may belong to several). */
  membership: MembershipView;
  memberships: MembershipView[];
  permissions: ReadonlySet<Permission>;
}

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createSession(
  app: AppContext,
  trx: Transaction<Database>,
  input: { personId: string; organisationId: string | null; ip: string; userAgent: string; now: Date },
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await trx
    .insertInto("sessions")
    .values({
      id: tokenHash(token),
      person_id: input.personId,
      active_organisation_id: input.organisationId,
      created_at: input.now,
      expires_at: new Date(input.now.getTime() + SESSION_HOURS * 3600_000),
      ip: input.ip,
      user_agent: input.userAgent,
    })
    .execute();
  return cookiesFor(app).session.serialize(token);
}

/**
 * The headers that start (or end) a session in the browser: the session cookie and a new CSRF
 * token (decision 22), so every login and logout rotates the token.
 */
export async function sessionChangeHeaders(app: AppContext, sessionCookie: string): Promise<Headers> {
  const headers = new Headers();
  headers.append("Set-Cookie", sessionCookie);
  headers.append("Set-Cookie", await rotateCsrf(app));
  return headers;
}

export async function destroySession(app: AppContext, request: Request): Promise<string> {
  const token = await readToken(app, request);
  if (token) await app.db.deleteFrom("sessions").where("id", "=", tokenHash(token)).execute();
  return cookiesFor(app).session.serialize("", { maxAge: 0 });
}

async function readToken(app: AppContext, request: Request): Promise<string | undefined> {
  const value: unknown = await cookiesFor(app).session.parse(request.headers.get("cookie"));
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The logged-in actor, or null. Expired sessions, disabled people and lost memberships count as logged out. */
export async function getActor(app: AppContext, request: Request): Promise<Actor | null> {
  const token = await readToken(app, request);
  if (!token) return null;
  const session = await app.db.selectFrom("sessions").selectAll().where("id", "=", tokenHash(token)).executeTakeFirst();
  if (!session || session.expires_at <= app.clock.now()) return null;
  const person = await findPersonById(app.db, session.person_id);
  if (!person || person.status !== "active") return null;
  const memberships = await activeMemberships(app.db, person.id);
  const membership = memberships.find((m) => m.organisationId === session.active_organisation_id) ?? memberships[0];
  if (!membership) return null;
  const permissions =
    membership.organisationStatus === "approved" ? permissionsFor(membership.kinds, membership.roles) : new Set<Permission>();
  return { personId: person.id, personName: person.name, email: person.email, sessionId: session.id, membership, memberships, permissions };
}

/** The actor, or a redirect to the login page that comes back here afterwards. */
export async function requireActor(app: AppContext, request: Request): Promise<Actor> {
  const actor = await getActor(app, request);
  if (!actor) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return actor;
}

/** The one permission check (ARCHITECTURE.md §3); owner filters in queries back it up. */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!actor.permissions.has(permission)) throw new AppError("FORBIDDEN", { permission });
}

/** For `:own` permissions: the object must belong to the organisation the actor acts for. */
export function requireOwnOrganisation(actor: Actor, organisationId: string): void {
  if (actor.membership.organisationId !== organisationId) throw new AppError("FORBIDDEN", { organisationId });
}

export function auditActorOf(actor: Actor | null, meta: { ip: string; userAgent: string }) {
  return {
    personId: actor?.personId ?? null,
    organisationId: actor?.membership.organisationId ?? null,
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
}

/** What an API token can act for, at most (decisions 15, 51). */
const TOKEN_PERMISSIONS = ["submit:bid:own", "decrypt:bid:own", "confirm:record:own"] as const satisfies readonly Permission[];

/**
 * The actor behind `Authorization: Bearer bh_…` (an API token of the offline tool), with at most
 * TOKEN_PERMISSIONS, only those the member still holds; without the header, the session.
 * Tokens are for API routes only: pages and forms use sessions (and CSRF tokens).
 */
export async function requireApiActor(app: AppContext, request: Request): Promise<Actor> {
  const header = request.headers.get("authorization");
  if (!header) {
    const actor = await getActor(app, request);
    if (!actor) throw new AppError("UNAUTHENTICATED");
    return actor;
  }
  const token = /^Bearer (bh_[A-Za-z0-9_-]{43})$/.exec(header.trim())?.[1];
  if (!token) throw new AppError("UNAUTHENTICATED");
  const now = app.clock.now();
  const row = await app.db
    .selectFrom("api_tokens")
    .select(["id", "person_id", "organisation_id", "expires_at", "revoked_at"])
    .where("token_hash", "=", createHash("sha256").update(token).digest("hex"))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= now) throw new AppError("UNAUTHENTICATED");
  const person = await findPersonById(app.db, row.person_id);
  if (!person || person.status !== "active") throw new AppError("UNAUTHENTICATED");
  const memberships = await activeMemberships(app.db, person.id);
  const membership = memberships.find((m) => m.organisationId === row.organisation_id);
  if (!membership || membership.organisationStatus !== "approved") throw new AppError("UNAUTHENTICATED");
  const held = permissionsFor(membership.kinds, membership.roles);
  // The bidder's own bid only: submit it, and the opening steps that each need the person's private
  // key besides (sign-in, decryption, remedy, confirmation; decision 51).
  const permissions = new Set<Permission>(TOKEN_PERMISSIONS.filter((p) => held.has(p)));
  await app.db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", row.id).execute();
  return {
    personId: person.id,
    personName: person.name,
    email: person.email,
    sessionId: `token:${row.id}`,
    membership,
    memberships: [membership],
    permissions,
  };
}
