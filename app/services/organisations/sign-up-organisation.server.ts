import { kindsConflict, type MemberRole, type OrganisationKind } from "#app/domain/access/permissions.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { validateUscc } from "#app/domain/shared/uscc.ts";
import { findRegion } from "#app/domain/shared/regions.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { hashPassword } from "#app/server/password.server.ts";
import { findPersonByEmail, normaliseEmail } from "#app/server/repo/people.server.ts";

export interface SignUpOrganisationOptions {
  organisation: { name: string; uscc: string; kinds: OrganisationKind[]; regionCode: string };
  admin: { name: string; email: string; password: string };
  meta: RequestMeta;
}

/** The working role the first member gets besides `admin`, by the organisation's main kind. */
export function defaultRolesFor(kinds: readonly OrganisationKind[]): MemberRole[] {
  return kinds.includes("bidder") ? ["admin", "bid", "sign"] : ["admin", "operate", "sign"];
}

/**
 * An organisation signs up with its first administrator; it stays `pending` (its members can log
 * in but hold no permissions) until the operator approves it.
 */
export async function signUpOrganisation(
  app: AppContext,
  opts: SignUpOrganisationOptions,
): Promise<{ organisationId: string; personId: string }> {
  const now = app.clock.now();
  const uscc = validateUscc(opts.organisation.uscc);
  if (!uscc.ok) throw new AppError("VALIDATION_FAILED", { field: "uscc", problem: uscc.problem.kind });
  if (kindsConflict(opts.organisation.kinds)) throw new AppError("OPERATOR_KIND_CONFLICT");
  const region = findRegion(opts.organisation.regionCode);
  if (!region) throw new AppError("VALIDATION_FAILED", { field: "regionCode" });
  const email = normaliseEmail(opts.admin.email);

  const existingOrg = await app.db.selectFrom("organisations").select("id").where("uscc", "=", uscc.value).executeTakeFirst();
  if (existingOrg) throw new AppError("ORGANISATION_DUPLICATE", { uscc: uscc.value });
  if (await findPersonByEmail(app.db, email)) throw new AppError("EMAIL_TAKEN", { email });
  const passwordHash = await hashPassword(opts.admin.password);

  try {
    return await app.db.transaction().execute(async (trx) => {
      const org = await trx
        .insertInto("organisations")
        .values({
          name: opts.organisation.name.trim(),
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
        .values({ email, name: opts.admin.name.trim(), password_hash: passwordHash, status: "active", created_at: now })
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
          data: { organisationId: org.id, name: opts.organisation.name.trim(), uscc: uscc.value, kinds: opts.organisation.kinds },
        },
        actor: { personId: person.id, organisationId: org.id, ip: opts.meta.ip, userAgent: opts.meta.userAgent },
        at: now,
      });
      return { organisationId: org.id, personId: person.id };
    });
  } catch (e) {
    // A concurrent sign-up with the same USCC or email loses the race on the unique index.
    if (isUniqueViolation(e, "organisations_uscc_key")) throw new AppError("ORGANISATION_DUPLICATE", { uscc: uscc.value }, { cause: e });
    if (isUniqueViolation(e, "people_email_key")) throw new AppError("EMAIL_TAKEN", { email }, { cause: e });
    throw e;
  }
}

export function isUniqueViolation(e: unknown, constraint: string): boolean {
  const err = e as { code?: string; constraint?: string; message?: string };
  return err?.code === "23505" && (err.constraint === constraint || (err.message ?? "").includes(constraint));
}
