import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * The certificates a bid of this organisation may be sealed for (ARCHITECTURE.md §4 step 1):
 * every certificate, valid at `now`, of an active member holding `bid`. The sealing kit lists
 * them; submission refuses an envelope for any other recipient.
 */
export async function bidRecipientCertificates(db: Executor, organisationId: string, now: Date) {
  return db
    .selectFrom("person_certificates as c")
    .innerJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "c.person_id").onRef("m.organisation_id", "=", "c.organisation_id"))
    .select(["c.serial_hex", "c.subject_name", "c.certificate_pem", "c.not_after"])
    .where("c.organisation_id", "=", organisationId)
    .where("c.status", "=", "valid")
    .where("c.not_before", "<=", now)
    .where("c.not_after", ">", now)
    .where("m.status", "=", "active")
    .where((eb) => eb(eb.val("bid"), "=", eb.fn.any("m.roles")))
    .orderBy("c.issued_at")
    .execute();
}
