import type { MemberRole } from "#app/domain/access/permissions.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";

export interface SetMemberRolesOptions {
  actor: Actor;
  personId: string;
  /** An empty list removes the member from the organisation. */
  roles: MemberRole[];
  meta: RequestMeta;
}

/** The admin sets a member's roles, or removes the member; the last admin cannot be demoted. */
export async function setMemberRoles(app: AppContext, opts: SetMemberRolesOptions): Promise<void> {
  requirePermission(opts.actor, "manage:members:own");
  const organisationId = opts.actor.membership.organisationId;
  const now = app.clock.now();
  await app.db.transaction().execute(async (trx) => {
    // Lock the organisation's memberships so two admins cannot demote each other at once.
    const members = await trx
      .selectFrom("memberships")
      .select(["id", "person_id", "roles"])
      .where("organisation_id", "=", organisationId) // owner filter: only this organisation's members
      .where("status", "=", "active")
      .forUpdate()
      .execute();
    const member = members.find((m) => m.person_id === opts.personId);
    if (!member) throw new AppError("NOT_FOUND", { what: "member" });
    const adminsAfter = members.filter((m) => (m.person_id === opts.personId ? opts.roles : m.roles).includes("admin"));
    if (adminsAfter.length === 0) throw new AppError("LAST_ADMIN");

    const removing = opts.roles.length === 0;
    await trx
      .updateTable("memberships")
      .set(removing ? { status: "removed" } : { roles: opts.roles })
      .where("id", "=", member.id)
      .execute();
    if (removing)
      await trx
        .deleteFrom("sessions")
        .where("person_id", "=", opts.personId)
        .where("active_organisation_id", "=", organisationId)
        .execute();
    await appendAudit(trx, {
      event: removing
        ? { type: "member.removed", data: { organisationId, personId: opts.personId } }
        : { type: "member.roles_changed", data: { organisationId, personId: opts.personId, from: member.roles, to: opts.roles } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
  });
}
