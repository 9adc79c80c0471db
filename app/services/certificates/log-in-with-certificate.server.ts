import { decideLogin } from "#app/domain/access/login-throttle.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { normaliseSerialHex } from "#app/server/pki/x509.server.ts";
import { activeMemberships, findPersonById } from "#app/server/repo/people.server.ts";
import { createSession } from "#app/server/session.server.ts";
import { consumeChallenge, verifyKeyPossession } from "./key-possession.server.ts";
import { mayHoldCertificate } from "./issue-certificate.server.ts";

export interface LogInWithCertificateOptions {
  challengeId: string;
  serial: string;
  signature: Uint8Array;
  meta: RequestMeta;
}

type RefusalReason = "revoked" | "expired" | "untrusted" | "challenge" | "signature" | "throttled" | "inactive";

/**
 * Certificate login (CA 登录): the browser signed a one-time challenge with the key of one of
 * its certificates. The challenge is used up first (so a failure cannot be retried with it),
 * then the certificate's chain, validity and revocation (against the current CRL) and the
 * signature are checked, and the holder must still be an active member of the organisation the
 * certificate names. Failures are throttled like password logins, per certificate and per IP.
 */
export async function logInWithCertificate(
  app: AppContext,
  opts: LogInWithCertificateOptions,
): Promise<{ personId: string; setCookie: string }> {
  const now = app.clock.now();
  let serialHex: string;
  try {
    serialHex = normaliseSerialHex(opts.serial);
  } catch {
    serialHex = opts.serial.slice(0, 64);
  }
  const account = `certificate:${serialHex}`;
  const meta = { ip: opts.meta.ip, userAgent: opts.meta.userAgent };

  const refuse = async (reason: RefusalReason, error: AppError, record = true): Promise<never> => {
    await app.db.transaction().execute(async (trx) => {
      if (record) await trx.insertInto("login_attempts").values({ email: account, ip: meta.ip, succeeded: false, at: now }).execute();
      await appendAudit(trx, {
        event: { type: "certificate.login_refused", data: { serial: serialHex, reason } },
        actor: { personId: null, organisationId: null, ...meta },
        at: now,
      });
    });
    throw error;
  };

  // throttle
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
  const [accountAttempts, ipAttempts] = await Promise.all([load("email", account), load("ip", meta.ip)]);
  const decision = decideLogin({ accountAttempts, ipAttempts, now });
  if (!decision.allowed)
    return refuse(
      "throttled",
      new AppError("LOGIN_THROTTLED", { retryAt: formatShanghai(decision.retryAt), reason: decision.reason }),
      false,
    );

  // the challenge, used up whatever happens next
  const challenge = await app.db.transaction().execute((trx) => consumeChallenge(trx, opts.challengeId, now));
  if (!challenge) return refuse("challenge", new AppError("CHALLENGE_INVALID"));

  // load
  const cert = await app.db.selectFrom("person_certificates").selectAll().where("serial_hex", "=", serialHex).executeTakeFirst();
  if (!cert) return refuse("untrusted", new AppError("CERTIFICATE_UNTRUSTED"));
  if (cert.status === "revoked" && cert.revoked_at)
    return refuse("revoked", new AppError("CERTIFICATE_REVOKED", { revokedAt: formatShanghai(cert.revoked_at) }));

  // verify: chain to the platform root, validity now, the current CRL, and the signature
  const result = await verifyKeyPossession(app, { challenge, signature: opts.signature, certificatePem: cert.certificate_pem, now });
  if (!result.ok) {
    switch (result.reason) {
      case "REVOKED":
        return refuse("revoked", new AppError("CERTIFICATE_REVOKED", { revokedAt: formatShanghai(result.revokedAt ?? now) }));
      case "EXPIRED":
      case "NOT_YET_VALID":
        return refuse("expired", new AppError("CERTIFICATE_EXPIRED"));
      case "BAD_CHALLENGE_SIGNATURE":
        return refuse("signature", new AppError("CHALLENGE_INVALID"));
      default:
        app.log.warn("certificate login refused", { serial: serialHex, reason: result.reason, message: result.message });
        return refuse("untrusted", new AppError("CERTIFICATE_UNTRUSTED"));
    }
  }

  // the holder must still be who the certificate says
  const person = await findPersonById(app.db, cert.person_id);
  const membership = person
    ? (await activeMemberships(app.db, person.id)).find((m) => m.organisationId === cert.organisation_id)
    : undefined;
  if (!person || person.status !== "active" || !membership || !mayHoldCertificate(membership.roles))
    return refuse("inactive", new AppError("CERTIFICATE_ROLE_REQUIRED"));

  return app.db.transaction().execute(async (trx) => {
    await trx.insertInto("login_attempts").values({ email: account, ip: meta.ip, succeeded: true, at: now }).execute();
    await appendAudit(trx, {
      event: { type: "person.logged_in", data: { personId: person.id, method: "certificate" } },
      actor: { personId: person.id, organisationId: cert.organisation_id, ...meta },
      at: now,
    });
    const setCookie = await createSession(app, trx, { personId: person.id, organisationId: cert.organisation_id, now, ...meta });
    return { personId: person.id, setCookie };
  });
}
