import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";

/** Whether this process has a development mailbox at all: embedded mode without SMTP, never production. */
export function hasDevelopmentMailbox(app: AppContext): boolean {
  return app.config.mode === "embedded" && !app.config.smtpUrl;
}

/**
 * The development mailbox: in embedded mode mails land in a table instead of SMTP. It holds every
 * mail of the platform (invitation codes, sign-up notices), so only the operator reads it, like the
 * administrator of a real mail server (decision 20); in production it does not exist, for anyone.
 */
export async function listMailbox(app: AppContext, actor: Actor, filter: { to?: string }) {
  if (!hasDevelopmentMailbox(app)) throw new AppError("NOT_FOUND", { what: "mailbox" });
  requirePermission(actor, "read:mailbox:any");
  let q = app.db.selectFrom("mailbox").select(["id", "to_address", "subject", "body", "sent_at"]).orderBy("id", "desc").limit(100);
  if (filter.to) q = q.where("to_address", "=", filter.to.toLowerCase());
  return q.execute();
}
