import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";
import { addMember, createOrganisation, createPerson } from "#test/factories/organisations.ts";
import { hashPassword } from "#app/server/password.server.ts";
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, isEmptyDatabase } from "./demo.ts";
import { seedDemoTendering } from "./tendering.ts";

/** Loads the demo world into an empty database; does nothing (returns false) otherwise. */
export async function seedDemo(db: Kysely<Database>, now: Date): Promise<boolean> {
  if (!(await isEmptyDatabase(db))) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction().execute(async (trx) => {
    for (const o of DEMO_ORGANISATIONS) {
      const org = await createOrganisation(trx, {
        name: o.name,
        uscc: o.uscc,
        kinds: o.kinds,
        regionCode: o.regionCode,
        status: o.status,
        now,
      });
      for (const p of o.people) {
        const person = await createPerson(trx, { name: p.name, email: p.email, passwordHash, now });
        await addMember(trx, { organisationId: org.id, personId: person.id, roles: p.roles, now });
      }
    }
  });
  await seedDemoTendering(db, now);
  return true;
}
