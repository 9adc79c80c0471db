import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { hashPassword } from "#app/server/password.server.ts";
import { findPersonByEmail, normaliseEmail } from "#app/server/repo/people.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { CODE_PATTERN, CODE_TRIES, CODES_PER_INVITATION, invitationCodeMatches, maskEmail } from "./invitation-code.server.ts";
import { invitationTokenHash } from "./invite-member.server.ts";

/** The invitation behind a link, if it is still valid (for the acceptance page and the services). */
export async function findOpenInvitation(app: AppContext, token: string) {
  const now = app.clock.now();
  const invitation = await app.db
    .selectFrom("invitations as i")
    .innerJoin("organisations as o", "o.id", "i.organisation_id")
    .select([
      "i.id",
      "i.email",
      "i.roles",
      "i.organisation_id",
      "i.expires_at",
      "i.accepted_at",
      "i.code_sent_at",
      "i.code_expires_at",
      "i.codes_sent",
      "o.name as organisationName",
    ])
    .where("i.token_hash", "=", invitationTokenHash(token))
    .executeTakeFirst();
  if (!invitation || invitation.accepted_at || invitation.expires_at <= now) return undefined;
  const existingPerson = await findPersonByEmail(app.db, invitation.email);
  return { ...invitation, personExists: existingPerson !== undefined };
}

export interface AcceptInvitationOptions {
  token: string;
  /** Who is logged in: an address that has an account is accepted only by that person (decision 20). */
  actor: Actor | null;
  /** For an address without an account: the code mailed to it, and the new person's name and password. */
  code?: string;
  name?: string;
  password?: string;
  meta: RequestMeta;
}

/**
 * Accepts an invitation, but only for whoever proves the invited address (decision 20): the person
 * who already has an account with it, logged in (so the login's own throttling guards the password);
 * or, for an address without an account, whoever types the code that was mailed to it. A leaked
 * link alone makes nobody a member. Each try uses up one of the code's tries before it is compared,
 * so parallel guesses cannot outrun the limit.
 */
export async function acceptInvitation(
  app: AppContext,
  opts: AcceptInvitationOptions,
): Promise<{ personId: string; organisationId: string }> {
  const invitation = await findOpenInvitation(app, opts.token);
  if (!invitation) throw new AppError("INVITATION_INVALID");
  const now = app.clock.now();
  const masked = maskEmail(invitation.email);
  const existing = await findPersonByEmail(app.db, invitation.email);

  if (existing) {
    if (!opts.actor) throw new AppError("INVITATION_LOGIN_REQUIRED", { email: masked });
    if (opts.actor.personId !== existing.id || normaliseEmail(opts.actor.email) !== invitation.email)
      throw new AppError("INVITATION_WRONG_PERSON", { email: masked });
    return app.db.transaction().execute((trx) => join(trx, invitation, existing.id, opts.meta, now));
  }

  const name = opts.name?.trim();
  if (!name) throw new AppError("VALIDATION_FAILED", { field: "name" });
  if (!opts.password || opts.password.length < 10) throw new AppError("VALIDATION_FAILED", { field: "password" });
  const code = (opts.code ?? "").replace(/\s+/g, "");
  if (!CODE_PATTERN.test(code)) throw new AppError("VALIDATION_FAILED", { field: "code" });

  // Reserve one try first (atomically), then compare: a burst of guesses gets no more than the limit.
  const reserved = await app.db
    .updateTable("invitations")
    .set((eb) => ({ code_attempts: eb("code_attempts", "+", 1) }))
    .where("id", "=", invitation.id)
    .where("accepted_at", "is", null)
    .where("code_hash", "is not", null)
    .where("code_expires_at", ">", now)
    .where("code_attempts", "<", CODE_TRIES)
    .returning(["code_hash", "code_attempts", "codes_sent"])
    .executeTakeFirst();
  if (!reserved) {
    const exhausted = invitation.codes_sent >= CODES_PER_INVITATION;
    await refusal(app, invitation, exhausted ? "exhausted" : "expired", opts.meta, now);
    throw new AppError(exhausted ? "INVITATION_CODE_LIMIT" : "INVITATION_CODE_EXPIRED");
  }
  if (!invitationCodeMatches(app, invitation.id, code, reserved.code_hash!)) {
    await refusal(app, invitation, "wrong", opts.meta, now);
    const remaining = CODE_TRIES - reserved.code_attempts;
    if (remaining === 0 && reserved.codes_sent >= CODES_PER_INVITATION) throw new AppError("INVITATION_CODE_LIMIT");
    throw new AppError("INVITATION_CODE_WRONG", { remaining });
  }

  const passwordHash = await hashPassword(opts.password);
  try {
    return await app.db.transaction().execute(async (trx) => {
      // The code is used up with the acceptance: a replay finds neither.
      const consumed = await trx
        .updateTable("invitations")
        .set({ code_hash: null })
        .where("id", "=", invitation.id)
        .where("code_hash", "=", reserved.code_hash)
        .returning("id")
        .executeTakeFirst();
      if (!consumed) throw new AppError("INVITATION_INVALID");
      const person = await trx
        .insertInto("people")
        // The code proved the address: no separate confirmation is needed.
        .values({
          email: invitation.email,
          name,
          password_hash: passwordHash,
          status: "active",
          created_at: now,
          email_confirmation_hash: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return join(trx, invitation, person.id, opts.meta, now);
    });
  } catch (e) {
    // Someone signed up with this address meanwhile: from now on only that person can accept.
    if ((e as { code?: string }).code === "23505") throw new AppError("INVITATION_LOGIN_REQUIRED", { email: masked }, { cause: e });
    throw e;
  }
}

type OpenInvitation = NonNullable<Awaited<ReturnType<typeof findOpenInvitation>>>;

async function join(trx: Transaction<Database>, invitation: OpenInvitation, personId: string, meta: RequestMeta, now: Date) {
  const claimed = await trx
    .updateTable("invitations")
    .set({ accepted_at: now, code_hash: null })
    .where("id", "=", invitation.id)
    .where("accepted_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  if (!claimed) throw new AppError("INVITATION_INVALID");
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
    actor: { personId, organisationId: invitation.organisation_id, ip: meta.ip, userAgent: meta.userAgent },
    at: now,
  });
  return { personId, organisationId: invitation.organisation_id };
}

/** A refused code is audited (committed before the error is thrown), like a failed login. */
async function refusal(
  app: AppContext,
  invitation: OpenInvitation,
  reason: "wrong" | "expired" | "exhausted",
  meta: RequestMeta,
  now: Date,
) {
  await app.db.transaction().execute((trx) =>
    appendAudit(trx, {
      event: {
        type: "member.invitation_code_refused",
        data: { organisationId: invitation.organisation_id, email: invitation.email, reason },
      },
      actor: { personId: null, organisationId: null, ip: meta.ip, userAgent: meta.userAgent },
      at: now,
    }),
  );
}
