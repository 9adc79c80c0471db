import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { enqueue } from "#app/server/outbox.server.ts";
import { findOpenInvitation } from "./accept-invitation.server.ts";
import {
  CODE_MINUTES,
  CODE_RESEND_SECONDS,
  CODES_PER_INVITATION,
  invitationCodeHash,
  maskEmail,
  newInvitationCode,
} from "./invitation-code.server.ts";

/**
 * Mails a fresh one-time code to the invited address (decision 20); the previous code stops
 * working. Only for an address without an account (an existing person logs in instead), at most
 * once a minute and a few times per invitation.
 */
export async function sendInvitationCode(
  app: AppContext,
  opts: { token: string; meta: RequestMeta },
): Promise<{ sentTo: string; expiresAt: Date }> {
  const invitation = await findOpenInvitation(app, opts.token);
  if (!invitation) throw new AppError("INVITATION_INVALID");
  if (invitation.personExists) throw new AppError("INVITATION_LOGIN_REQUIRED", { email: maskEmail(invitation.email) });
  const now = app.clock.now();
  if (invitation.codes_sent >= CODES_PER_INVITATION) throw new AppError("INVITATION_CODE_LIMIT");
  const retryAt = invitation.code_sent_at ? new Date(invitation.code_sent_at.getTime() + CODE_RESEND_SECONDS * 1000) : null;
  if (retryAt && now < retryAt) throw new AppError("INVITATION_CODE_TOO_SOON", { retryAt: formatShanghai(retryAt) });

  const code = newInvitationCode();
  const expiresAt = new Date(now.getTime() + CODE_MINUTES * 60_000);
  await app.db.transaction().execute(async (trx) => {
    // Only if nobody sent one meanwhile: two clicks at once send one code.
    const updated = await trx
      .updateTable("invitations")
      .set({
        code_hash: invitationCodeHash(app, invitation.id, code),
        code_sent_at: now,
        code_expires_at: expiresAt,
        code_attempts: 0,
        codes_sent: invitation.codes_sent + 1,
      })
      .where("id", "=", invitation.id)
      .where("codes_sent", "=", invitation.codes_sent)
      .where("accepted_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!updated)
      throw new AppError("INVITATION_CODE_TOO_SOON", { retryAt: formatShanghai(new Date(now.getTime() + CODE_RESEND_SECONDS * 1000)) });
    await appendAudit(trx, {
      event: { type: "member.invitation_code_sent", data: { organisationId: invitation.organisation_id, email: invitation.email } },
      actor: { personId: null, organisationId: null, ip: opts.meta.ip, userAgent: opts.meta.userAgent },
      at: now,
    });
    const organisation = invitation.organisationName;
    await enqueue(
      trx,
      {
        kind: "mail.send",
        key: `invitation-code:${invitation.id}:${invitation.codes_sent + 1}`,
        payload: {
          to: invitation.email,
          subject: `加入“${organisation}”的验证码 ${code} · Your code to join ${organisation}`,
          body:
            `您正在接受“${organisation}”的邀请。验证码：${code}（${CODE_MINUTES} 分钟内有效，请勿告诉他人）。如果不是您本人操作，请忽略本邮件，并告知邀请您的单位管理员。\n\n` +
            `You are accepting the invitation to join “${organisation}”. Your code: ${code} (valid for ${CODE_MINUTES} minutes; do not share it). If this was not you, ignore this mail and tell the administrator who invited you.`,
        },
      },
      now,
    );
  });
  return { sentTo: maskEmail(invitation.email), expiresAt };
}
