import { createHash, randomBytes } from "node:crypto";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";

/**
 * API tokens for the offline tool: created by a member who may submit bids, scoped to submitting
 * bids for that member's organisation, valid 90 days, revocable by its owner or the
 * organisation's admin. The token is returned once; only its SHA-256 is kept.
 */
export const API_TOKEN_DAYS = 90;
export const apiTokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createApiToken(
  app: AppContext,
  opts: { actor: Actor; name: string; meta: RequestMeta },
): Promise<{ id: string; token: string; expiresAt: Date }> {
  requirePermission(opts.actor, "submit:bid:own");
  const name = opts.name.trim();
  if (name.length === 0 || name.length > 60) throw new AppError("VALIDATION_FAILED", { field: "name" });
  const now = app.clock.now();
  const token = `bh_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(now.getTime() + API_TOKEN_DAYS * 86_400_000);
  const organisationId = opts.actor.membership.organisationId;
  const id = await app.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("api_tokens")
      .values({
        organisation_id: organisationId,
        person_id: opts.actor.personId,
        name,
        scope: "submit:bid",
        token_hash: apiTokenHash(token),
        created_at: now,
        expires_at: expiresAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      event: {
        type: "api_token.created",
        data: { tokenId: row.id, organisationId, personId: opts.actor.personId, name, scope: "submit:bid" },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return row.id;
  });
  return { id, token, expiresAt };
}

export async function revokeApiToken(app: AppContext, opts: { actor: Actor; tokenId: string; meta: RequestMeta }): Promise<void> {
  const now = app.clock.now();
  const organisationId = opts.actor.membership.organisationId;
  await app.db.transaction().execute(async (trx) => {
    const token = await trx
      .selectFrom("api_tokens")
      .select(["id", "person_id", "revoked_at"])
      .where("id", "=", opts.tokenId)
      .where("organisation_id", "=", organisationId) // owner filter
      .forUpdate()
      .executeTakeFirst();
    if (!token) throw new AppError("NOT_FOUND", { what: "API token" });
    if (token.person_id !== opts.actor.personId) requirePermission(opts.actor, "manage:members:own");
    if (token.revoked_at) return;
    await trx.updateTable("api_tokens").set({ revoked_at: now }).where("id", "=", token.id).execute();
    await appendAudit(trx, {
      event: { type: "api_token.revoked", data: { tokenId: token.id, organisationId } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
  });
}

/** The actor's own tokens, or every token of the organisation for its admin. */
export async function listApiTokens(app: AppContext, actor: Actor) {
  let q = app.db
    .selectFrom("api_tokens as t")
    .innerJoin("people as p", "p.id", "t.person_id")
    .select([
      "t.id",
      "t.name",
      "t.scope",
      "t.created_at",
      "t.expires_at",
      "t.last_used_at",
      "t.revoked_at",
      "p.name as personName",
      "t.person_id",
    ])
    .where("t.organisation_id", "=", actor.membership.organisationId)
    .orderBy("t.created_at", "desc");
  if (!actor.permissions.has("manage:members:own")) q = q.where("t.person_id", "=", actor.personId);
  return q.execute();
}
