import { createHash, randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { kindConflict, kindConflictParams } from "#app/domain/access/organisation-kinds.ts";
import type { MemberRole, OrganisationKind } from "#app/domain/access/permissions.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { normaliseOrganisationName } from "#app/domain/shared/organisation-name.ts";
import { validateUscc } from "#app/domain/shared/uscc.ts";
import { findRegion } from "#app/domain/shared/regions.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { enqueue } from "#app/server/outbox.server.ts";
import { hashPassword } from "#app/server/password.server.ts";
import { findPersonByEmail, normaliseEmail } from "#app/server/repo/people.server.ts";
import { organisationNameError } from "./organisation-name.server.ts";

export interface SignUpOrganisationOptions {
  organisation: { name: string; uscc: string; kinds: OrganisationKind[]; regionCode: string };
  admin: { name: string; email: string; password: string };
  meta: RequestMeta;
}

/**
 * What happened, for tests and the audit trail only: the page gives every sign-up the same answer
 * (decision 22), and the real reason goes by mail to the address given.
 */
export type SignUpOutcome =
  { outcome: "created"; organisationId: string; personId: string } | { outcome: "duplicate"; reason: "email" | "uscc" | "email-and-uscc" };

/** The working role the first member gets besides `admin`, by the organisation's main kind. */
export function defaultRolesFor(kinds: readonly OrganisationKind[]): MemberRole[] {
  return kinds.includes("bidder") ? ["admin", "bid", "sign"] : ["admin", "operate", "sign"];
}

/**
 * An organisation signs up with its first administrator; it stays `pending` (its members can log
 * in but hold no permissions) until the operator approves it.
 *
 * Whether an email or a USCC is registered already is nobody's business but the address owner's:
 * a sign-up that collides answers exactly like a fresh one (same result for the page, a password
 * hashed either way), and a mail to the address given says what happened and what to do
 * (decision 22). Input errors — a bad USCC, kinds that may not meet, an invisible character in the
 * name — are refused at once: they reveal nothing about anyone else.
 */
export async function signUpOrganisation(app: AppContext, opts: SignUpOrganisationOptions): Promise<SignUpOutcome> {
  const now = app.clock.now();
  const uscc = validateUscc(opts.organisation.uscc);
  if (!uscc.ok) throw new AppError("VALIDATION_FAILED", { field: "uscc", problem: uscc.problem.kind });
  const name = normaliseOrganisationName(opts.organisation.name);
  if (!name.ok) throw organisationNameError(name);
  const conflict = kindConflict(opts.organisation.kinds);
  if (conflict) throw new AppError("ORGANISATION_KINDS_INCOMPATIBLE", kindConflictParams(conflict));
  const region = findRegion(opts.organisation.regionCode);
  if (!region) throw new AppError("VALIDATION_FAILED", { field: "regionCode" });
  const email = normaliseEmail(opts.admin.email);
  const adminName = opts.admin.name.trim();
  const attempt: Attempt = { email, uscc: uscc.value, name: name.value, meta: opts.meta, now };

  const [existingOrg, existingPerson, passwordHash] = await Promise.all([
    app.db.selectFrom("organisations").select("id").where("uscc", "=", uscc.value).executeTakeFirst(),
    findPersonByEmail(app.db, email),
    hashPassword(opts.admin.password), // either way, so both answers take the same time
  ]);
  const collision = collisionOf(existingOrg !== undefined, existingPerson !== undefined);
  if (collision) return refuseQuietly(app, attempt, collision);

  // The new person logs in only once the address is confirmed by the link mailed to it (decision 22).
  const confirmation = randomBytes(32).toString("base64url");
  try {
    return await app.db.transaction().execute(async (trx) => {
      const org = await trx
        .insertInto("organisations")
        .values({
          name: name.value,
          uscc: uscc.value,
          kinds: opts.organisation.kinds,
          region_code: region.code,
          region_name: region.zh,
          status: "pending",
          created_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const person = await trx
        .insertInto("people")
        .values({
          email,
          name: adminName,
          password_hash: passwordHash,
          status: "active",
          created_at: now,
          email_confirmation_hash: emailConfirmationHash(confirmation),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("memberships")
        .values({
          organisation_id: org.id,
          person_id: person.id,
          roles: defaultRolesFor(opts.organisation.kinds),
          status: "active",
          created_at: now,
        })
        .execute();
      await appendAudit(trx, {
        event: {
          type: "organisation.signed_up",
          data: { organisationId: org.id, name: name.value, uscc: uscc.value, kinds: opts.organisation.kinds },
        },
        actor: { personId: person.id, organisationId: org.id, ip: opts.meta.ip, userAgent: opts.meta.userAgent },
        at: now,
      });
      await enqueue(trx, signUpMail(app, { ...attempt, confirmation }, "created"), now);
      return { outcome: "created" as const, organisationId: org.id, personId: person.id };
    });
  } catch (e) {
    // A concurrent sign-up with the same USCC or email lost the race on the unique index: the same quiet answer.
    const uscc = isUniqueViolation(e, "organisations_uscc_key");
    const email = isUniqueViolation(e, "people_email_key");
    if (uscc || email) return refuseQuietly(app, attempt, collisionOf(uscc, email)!);
    throw e;
  }
}

interface Attempt {
  email: string;
  uscc: string;
  name: string;
  meta: RequestMeta;
  now: Date;
  /** The confirmation token of a created account (its link goes in the mail). */
  confirmation?: string;
}

export const emailConfirmationHash = (token: string) => createHash("sha256").update(`email-confirmation:${token}`).digest("hex");

type Collision = Extract<SignUpOutcome, { outcome: "duplicate" }>["reason"];

const collisionOf = (uscc: boolean, email: boolean): Collision | undefined =>
  uscc && email ? "email-and-uscc" : uscc ? "uscc" : email ? "email" : undefined;

/** Nothing is created; the attempt is audited and the address given is told why (only its owner reads that). */
async function refuseQuietly(app: AppContext, attempt: Attempt, reason: Collision): Promise<SignUpOutcome> {
  await app.db.transaction().execute(async (trx) => {
    await appendAudit(trx, {
      event: { type: "organisation.sign_up_collided", data: { email: attempt.email, uscc: attempt.uscc, reason } },
      actor: { personId: null, organisationId: null, ip: attempt.meta.ip, userAgent: attempt.meta.userAgent },
      at: attempt.now,
    });
    // Not a way to flood someone's inbox: a few of these mails per address and hour, then silence.
    const since = new Date(attempt.now.getTime() - 3600_000);
    const recent = await trx
      .selectFrom("outbox")
      .select("id")
      .where("kind", "=", "mail.send")
      .where("key", "like", "sign-up-collision:%")
      .where(sql<string>`payload->>'to'`, "=", attempt.email)
      .where("created_at", ">", since)
      .limit(COLLISION_MAILS_PER_HOUR)
      .execute();
    if (recent.length < COLLISION_MAILS_PER_HOUR) await enqueue(trx, signUpMail(app, attempt, reason), attempt.now);
  });
  return { outcome: "duplicate", reason };
}

const COLLISION_MAILS_PER_HOUR = 3;

/** The mail every sign-up sends to the address given: what happened, and what to do. */
function signUpMail(app: AppContext, attempt: Attempt, what: "created" | Collision) {
  const login = `${app.config.publicUrl}/login`;
  const confirm = `${app.config.publicUrl}/signup/confirm/${attempt.confirmation ?? ""}`;
  const zh: Record<typeof what, string> = {
    created: `单位“${attempt.name}”（统一社会信用代码 ${attempt.uscc}）的入驻申请已提交。请打开以下链接确认本邮箱，之后即可用本邮箱和注册时设置的密码登录查看审核进度；交易中心审核通过后即可办理业务：\n${confirm}`,
    email: `有人刚刚用本邮箱申请注册单位“${attempt.name}”，但本邮箱已是 bidhall 的账号，未作任何更改。如果是您本人：请直接登录（${login}）；一个邮箱只能对应一个账号，新单位请由其管理员邀请您加入。如果不是您，无需处理，您的账号未受影响。`,
    uscc: `有人刚刚用本邮箱申请注册单位“${attempt.name}”，但统一社会信用代码 ${attempt.uscc} 已有单位在 bidhall 注册，未作任何更改。如需加入该单位，请请其管理员邀请您；如认为该代码被他人冒用，请联系交易中心。`,
    "email-and-uscc": `有人刚刚用本邮箱申请注册单位“${attempt.name}”，但本邮箱已是 bidhall 的账号，且统一社会信用代码 ${attempt.uscc} 也已注册，未作任何更改。如果是您本人，请直接登录（${login}）；否则无需处理。`,
  };
  const en: Record<typeof what, string> = {
    created: `The registration of “${attempt.name}” (USCC ${attempt.uscc}) has been received. Open this link to confirm this address; then log in with it and the password you chose to follow the review. Once the trading centre approves the organisation you can work on the platform:\n${confirm}`,
    email: `Someone just tried to register “${attempt.name}” with this email address, which already has a bidhall account; nothing was changed. If it was you, log in (${login}); one email is one account, so ask the new organisation's administrator to invite you. If it was not you, there is nothing to do: your account is unaffected.`,
    uscc: `Someone just tried to register “${attempt.name}” with this email address, but the USCC ${attempt.uscc} is already registered on bidhall; nothing was changed. To join that organisation, ask its administrator to invite you; if you think someone else is using your organisation's code, contact the trading centre.`,
    "email-and-uscc": `Someone just tried to register “${attempt.name}” with this email address, which already has a bidhall account, and the USCC ${attempt.uscc} is registered too; nothing was changed. If it was you, log in (${login}); otherwise there is nothing to do.`,
  };
  return {
    kind: "mail.send",
    key: `${what === "created" ? "sign-up" : "sign-up-collision"}:${randomUUID()}`,
    payload: {
      to: attempt.email,
      subject:
        what === "created"
          ? "单位注册申请已收到 · Registration received"
          : "有人尝试用您的邮箱注册 · Someone tried to register with your email",
      body: `${zh[what]}\n\n${en[what]}`,
    },
  };
}

export function isUniqueViolation(e: unknown, constraint: string): boolean {
  const err = e as { code?: string; constraint?: string; message?: string };
  return err?.code === "23505" && (err.constraint === constraint || (err.message ?? "").includes(constraint));
}
