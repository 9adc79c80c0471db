import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { hashPassword, verifyPassword } from "#app/server/password.server.ts";
import { findPersonByEmail } from "#app/server/repo/people.server.ts";
import { invitationTokenHash } from "./invite-member.server.ts";

/** The invitation behind a link, if it is still valid (for the acceptance page). */
export async function findOpenInvitation(app: AppContext, token: string) {
  const now = app.clock.now();
  const invitation = await app.db
    .selectFrom("invitations as i")
    .innerJoin("organisations as o", "o.id", "i.organisation_id")
    .select(["i.id", "i.email", "i.roles", "i.organisation_id", "i.expires_at", "i.accepted_at", "o.name as organisationName"])
    .where("i.token_hash", "=", invitationTokenHash(token))
    .executeTakeFirst();
  if (!invitation || invitation.accepted_at || invitation.expires_at <= now) return undefined;
  const existingPerson = await findPersonByEmail(app.db, invitation.email);
  return { ...invitation, personExists: existingPerson !== undefined };
}

export interface AcceptInvitationOptions {
  token: string;
  /** New people choose a name and password; existing people confirm with their password. */
  name?: string;
  password: string;
  meta: RequestMeta;
}

export async function acceptInvitation(
  app: AppContext,
  opts: AcceptInvitationOptions,
): Promise<{ personId: string; organisationId: string }> {
  const invitation = await findOpenInvitation(app, opts.token);
  if (!invitation) throw new AppError("INVITATION_INVALID");
  const now = app.clock.now();
  const existing = await findPersonByEmail(app.db, invitation.email);
  if (existing && !(await verifyPassword(opts.password, existing.password_hash))) throw new AppError("LOGIN_FAILED");
  if (!existing && !opts.name?.trim()) throw new AppError("VALIDATION_FAILED", { field: "name" });
  const passwordHash = existing ? undefined : await hashPassword(opts.password);

  return app.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable("invitations")
      .set({ accepted_at: now })
      .where("id", "=", invitation.id)
      .where("accepted_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!claimed) throw new AppError("INVITATION_INVALID");
    const personId =
      existing?.id ??
      (
        await trx
          .insertInto("people")
          .values({ email: invitation.email, name: opts.name!.trim(), password_hash: passwordHash!, status: "active", created_at: now })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    await trx
      .insertInto("memberships")
      .values({
        organisation_id: invitation.organisation_id,
        person_id: personId,
        roles: invitation.roles,
        status: "active",
        created_at: now,
      })
      .onConflict((oc) => oc.columns(["organisation_id", "person_id"]).doUpdateSet({ roles: invitation.roles, status: "active" }))
      .execute();
    await appendAudit(trx, {
      event: { type: "member.joined", data: { organisationId: invitation.organisation_id, personId, roles: invitation.roles } },
      actor: { personId, organisationId: invitation.organisation_id, ip: opts.meta.ip, userAgent: opts.meta.userAgent },
      at: now,
    });
    return { personId, organisationId: invitation.organisation_id };
  });
}
