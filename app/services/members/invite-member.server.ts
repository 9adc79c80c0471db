import { createHash, randomBytes } from "node:crypto";
import type { MemberRole } from "#app/domain/access/permissions.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { enqueue } from "#app/server/outbox.server.ts";
import { normaliseEmail } from "#app/server/repo/people.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";

const INVITATION_DAYS = 7;

export const invitationTokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

export interface InviteMemberOptions {
  actor: Actor;
  email: string;
  roles: MemberRole[];
  meta: RequestMeta;
}

/**
 * An organisation's admin invites a person by email with roles. The one-time link is mailed
 * (through the outbox) and also returned so the admin can pass it on; only its hash is stored.
 */
export async function inviteMember(app: AppContext, opts: InviteMemberOptions): Promise<{ token: string; expiresAt: Date }> {
  requirePermission(opts.actor, "manage:members:own");
  const organisationId = opts.actor.membership.organisationId;
  const email = normaliseEmail(opts.email);
  const now = app.clock.now();
  const already = await app.db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .select("m.id")
    .where("m.organisation_id", "=", organisationId)
    .where("p.email", "=", email)
    .where("m.status", "=", "active")
    .executeTakeFirst();
  if (already) throw new AppError("ALREADY_MEMBER", { email });

  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 24 * 3600_000);
  await app.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("invitations")
      .values({
        organisation_id: organisationId,
        email,
        roles: opts.roles,
        token_hash: invitationTokenHash(token),
        invited_by: opts.actor.personId,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await appendAudit(trx, {
      event: { type: "member.invited", data: { organisationId, email, roles: opts.roles } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    const organisation = opts.actor.membership.organisationName;
    const link = `${app.config.publicUrl}/invitations/${token}`;
    await enqueue(
      trx,
      {
        kind: "mail.send",
        key: `invitation:${invitationTokenHash(token)}`,
        payload: {
          to: email,
          subject: `邀请您加入“${organisation}” · Invitation to ${organisation}`,
          body:
            `${opts.actor.personName} 邀请您加入“${organisation}”。请在 ${INVITATION_DAYS} 天内打开以下链接接受邀请：\n${link}\n\n` +
            `${opts.actor.personName} invites you to join “${organisation}” on bidhall. Open this link within ${INVITATION_DAYS} days:\n${link}`,
        },
      },
      now,
    );
  });
  return { token, expiresAt };
}
