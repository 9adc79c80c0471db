import type { Kysely, Transaction } from "kysely";
import type { Database, MemberRole, OrganisationKind, OrganisationStatus } from "#db/schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export interface MembershipView {
  membershipId: string;
  organisationId: string;
  organisationName: string;
  organisationUscc: string;
  kinds: OrganisationKind[];
  organisationStatus: OrganisationStatus;
  regionCode: string;
  roles: MemberRole[];
}

export async function findPersonByEmail(db: Executor, email: string) {
  return db.selectFrom("people").selectAll().where("email", "=", normaliseEmail(email)).executeTakeFirst();
}

export async function findPersonById(db: Executor, id: string) {
  return db.selectFrom("people").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Active memberships of a person, oldest first, with what the UI and permissions need. */
export async function activeMemberships(db: Executor, personId: string): Promise<MembershipView[]> {
  const rows = await db
    .selectFrom("memberships as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .select([
      "m.id as membershipId",
      "o.id as organisationId",
      "o.name as organisationName",
      "o.uscc as organisationUscc",
      "o.kinds",
      "o.status as organisationStatus",
      "o.region_code as regionCode",
      "m.roles",
    ])
    .where("m.person_id", "=", personId)
    .where("m.status", "=", "active")
    .orderBy("m.created_at")
    .execute();
  return rows;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
