import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { emailConfirmationHash } from "./sign-up-organisation.server.ts";

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Whether a confirmation link is still open (for the page that offers the button). */
export async function isEmailConfirmationOpen(app: AppContext, token: string): Promise<boolean> {
  if (!TOKEN.test(token)) return false;
  const person = await app.db
    .selectFrom("people")
    .select("id")
    .where("email_confirmation_hash", "=", emailConfirmationHash(token))
    .executeTakeFirst();
  return person !== undefined;
}

/**
 * The person who signed up opens the link mailed to the address and confirms it (decision 22);
 * from then on the password logs in. A link works once.
 */
export async function confirmEmail(app: AppContext, opts: { token: string; meta: RequestMeta }): Promise<void> {
  if (!TOKEN.test(opts.token)) throw new AppError("EMAIL_CONFIRMATION_INVALID");
  const now = app.clock.now();
  await app.db.transaction().execute(async (trx) => {
    const person = await trx
      .updateTable("people")
      .set({ email_confirmation_hash: null })
      .where("email_confirmation_hash", "=", emailConfirmationHash(opts.token))
      .returning("id")
      .executeTakeFirst();
    if (!person) throw new AppError("EMAIL_CONFIRMATION_INVALID");
    await appendAudit(trx, {
      event: { type: "person.email_confirmed", data: { personId: person.id } },
      actor: { personId: person.id, organisationId: null, ip: opts.meta.ip, userAgent: opts.meta.userAgent },
      at: now,
    });
  });
}
