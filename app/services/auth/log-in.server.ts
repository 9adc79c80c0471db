import { decideLogin } from "#app/domain/access/login-throttle.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { verifyPassword } from "#app/server/password.server.ts";
import { activeMemberships, findPersonByEmail, normaliseEmail } from "#app/server/repo/people.server.ts";
import { createSession } from "#app/server/session.server.ts";

export interface LogInOptions {
  email: string;
  password: string;
  meta: RequestMeta;
}

/**
 * Password login with throttling per account and per IP address. Failed attempts are recorded
 * and audited (committed) before the error is thrown, so throttling sees them.
 */
export async function logIn(app: AppContext, { email, password, meta }: LogInOptions): Promise<{ personId: string; setCookie: string }> {
  const now = app.clock.now();
  const normalised = normaliseEmail(email);
  const since = new Date(now.getTime() - 24 * 3600_000);
  const load = (column: "email" | "ip", value: string) =>
    app.db
      .selectFrom("login_attempts")
      .select(["at", "succeeded"])
      .where(column, "=", value)
      .where("at", ">", since)
      .orderBy("at", "desc")
      .limit(200)
      .execute();
  const [accountAttempts, ipAttempts] = await Promise.all([load("email", normalised), load("ip", meta.ip)]);

  const decision = decideLogin({ accountAttempts, ipAttempts, now });
  const audit = (trx: Parameters<typeof appendAudit>[0], reason: "credentials" | "throttled" | "disabled" | "unconfirmed") =>
    appendAudit(trx, {
      event: { type: "person.login_failed", data: { email: normalised, reason } },
      actor: { personId: null, organisationId: null, ...metaOf(meta) },
      at: now,
    });

  if (!decision.allowed) {
    await app.db.transaction().execute((trx) => audit(trx, "throttled"));
    throw new AppError("LOGIN_THROTTLED", { retryAt: formatShanghai(decision.retryAt), reason: decision.reason });
  }

  const person = await findPersonByEmail(app.db, normalised);
  const passwordOk = await verifyPassword(password, person?.password_hash ?? null);
  const memberships = person && passwordOk ? await activeMemberships(app.db, person.id) : [];
  // An address not confirmed yet after sign-up fails like a wrong password: otherwise signing up and
  // then logging in would tell whether the email had an account already (decision 22).
  const confirmed = person?.email_confirmation_hash === null;
  const ok = person !== undefined && passwordOk && confirmed && person.status === "active" && memberships.length > 0;

  const result = await app.db.transaction().execute(async (trx) => {
    await trx.insertInto("login_attempts").values({ email: normalised, ip: meta.ip, succeeded: ok, at: now }).execute();
    if (!ok) {
      await audit(trx, !passwordOk ? "credentials" : confirmed ? "disabled" : "unconfirmed");
      return undefined;
    }
    const first = memberships[0]!;
    await appendAudit(trx, {
      event: { type: "person.logged_in", data: { personId: person.id, method: "password" } },
      actor: { personId: person.id, organisationId: first.organisationId, ...metaOf(meta) },
      at: now,
    });
    const setCookie = await createSession(app, trx, {
      personId: person.id,
      organisationId: first.organisationId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      now,
    });
    return { personId: person.id, setCookie };
  });
  if (!result) throw new AppError("LOGIN_FAILED");
  return result;
}

const metaOf = (meta: RequestMeta) => ({ ip: meta.ip, userAgent: meta.userAgent });
