import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";

/**
 * The development mailbox: in embedded mode mails land in a table instead of SMTP. Anyone may
 * read it there (it is a demo and test tool); in production it does not exist.
 */
export async function listMailbox(app: AppContext, filter: { to?: string }) {
  if (app.config.mode !== "embedded" || app.config.smtpUrl) throw new AppError("NOT_FOUND", { what: "mailbox" });
  let q = app.db.selectFrom("mailbox").select(["id", "to_address", "subject", "body", "sent_at"]).orderBy("id", "desc").limit(100);
  if (filter.to) q = q.where("to_address", "=", filter.to.toLowerCase());
  return q.execute();
}
