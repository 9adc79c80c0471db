import { randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, MemberRole, OrganisationKind, OrganisationStatus } from "#db/schema.ts";
import { makeUscc, USCC_ALPHABET } from "#app/domain/shared/uscc.ts";
import { findRegion } from "#app/domain/shared/regions.ts";
import { hashPassword } from "#app/server/password.server.ts";

/**
 * Factories shared by the tests and the demo seed (db/seed), so the two never drift. They write
 * rows directly (no audit): they set the scene, they are not use cases.
 */

/** A valid, random USCC: registration authority 9 (工商), type 1 (enterprise), the region, then a random body. */
export function randomUscc(regionCode = "350100"): string {
  let body = "";
  for (let i = 0; i < 9; i++) body += USCC_ALPHABET[randomInt(USCC_ALPHABET.length)];
  return makeUscc(`91${regionCode}${body}`);
}

export async function createOrganisation(
  db: Kysely<Database>,
  input: { name: string; kinds: OrganisationKind[]; regionCode?: string; status?: OrganisationStatus; uscc?: string; now?: Date },
) {
  const region = findRegion(input.regionCode ?? "350100");
  if (!region) throw new Error(`unknown region ${input.regionCode}`);
  const status = input.status ?? "approved";
  const now = input.now ?? new Date();
  return db
    .insertInto("organisations")
    .values({
      name: input.name,
      uscc: input.uscc ?? randomUscc(region.code),
      kinds: input.kinds,
      region_code: region.code,
      region_name: region.zh,
      status,
      decided_at: status === "pending" ? null : now,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function createPerson(
  db: Kysely<Database>,
  input: { name: string; email: string; password?: string; passwordHash?: string; now?: Date },
) {
  const password_hash = input.passwordHash ?? (input.password ? await hashPassword(input.password) : null);
  return db
    .insertInto("people")
    .values({ name: input.name, email: input.email.toLowerCase(), password_hash, status: "active", created_at: input.now ?? new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function addMember(
  db: Kysely<Database>,
  input: { organisationId: string; personId: string; roles: MemberRole[]; now?: Date },
) {
  return db
    .insertInto("memberships")
    .values({
      organisation_id: input.organisationId,
      person_id: input.personId,
      roles: input.roles,
      status: "active",
      created_at: input.now ?? new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An organisation with one member holding the given roles: the common case in tests. */
export async function createOrganisationWithMember(
  db: Kysely<Database>,
  input: {
    organisation: Parameters<typeof createOrganisation>[1];
    person: Parameters<typeof createPerson>[1];
    roles: MemberRole[];
  },
) {
  const organisation = await createOrganisation(db, input.organisation);
  const person = await createPerson(db, input.person);
  await addMember(db, { organisationId: organisation.id, personId: person.id, roles: input.roles });
  return { organisation, person };
}
