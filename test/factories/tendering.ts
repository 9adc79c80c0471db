import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";
import { endOfShanghaiDay, plusDays, shanghaiDay, startOfShanghaiDay } from "#app/domain/calendar/local-day.ts";
import { DEFAULT_OPENING_FORM } from "#app/domain/tendering/opening-form.ts";
import { permissionsFor } from "#app/domain/access/permissions.ts";
import type { SectionInput } from "#app/services/tendering/create-project.server.ts";
import { activeMemberships } from "#app/server/repo/people.server.ts";
import type { Actor } from "#app/server/session.server.ts";

/**
 * Tendering factories shared by tests and the demo seed: sensible section terms counted from a
 * day, and an Actor built straight from a person's membership (no login round trip).
 */
export function sectionTerms(input: {
  name: string;
  /** Issue day (documents on sale from its start). */
  from: Date;
  deadlineDays: number;
  saleDays?: number;
  estimateFen?: bigint;
  securityFen?: bigint;
  evaluationMethod?: string;
  deadlineTime?: string;
}): SectionInput {
  const day = shanghaiDay(input.from);
  const deadlineDay = plusDays(day, input.deadlineDays);
  const estimateFen = input.estimateFen ?? 1_000_000_000n; // 1千万元
  return {
    name: input.name,
    estimateFen,
    deadlineAt: new Date(`${deadlineDay}T${input.deadlineTime ?? "09:30:00"}+08:00`),
    signInLeadMinutes: 30,
    decryptionWindowMinutes: 60,
    confirmationPeriodMinutes: 30,
    bidValidityDays: 90,
    bidSecurityFen: input.securityFen ?? (estimateFen * 2n) / 100n,
    securityForms: ["guarantee", "transfer"],
    remedyAllowed: true,
    evaluationMethod: input.evaluationMethod ?? "comprehensiveEvaluation",
    openingForm: DEFAULT_OPENING_FORM,
    saleFrom: startOfShanghaiDay(day),
    // A week by default: 5 days (条例 16) whose 5th day may be a weekend and then runs to Monday,
    // and 5 working days (87号令 18) in a week without holidays (decision 0030).
    saleUntil: endOfShanghaiDay(plusDays(day, input.saleDays ?? 7)),
  };
}

export async function actorOf(db: Kysely<Database>, personId: string, organisationId?: string): Promise<Actor> {
  const person = await db.selectFrom("people").selectAll().where("id", "=", personId).executeTakeFirstOrThrow();
  const memberships = await activeMemberships(db, personId);
  const membership = memberships.find((m) => m.organisationId === organisationId) ?? memberships[0]!;
  return {
    personId,
    personName: person.name,
    email: person.email,
    sessionId: "test",
    membership,
    memberships,
    permissions: membership.organisationStatus === "approved" ? permissionsFor(membership.kinds, membership.roles) : new Set(),
  };
}

/** The smallest valid PDF header plus a body: enough for the upload check and a hash. */
export function tinyPdf(text = "bidhall tender documents"): Uint8Array {
  return new TextEncoder().encode(`%PDF-1.7\n% ${text}\n%%EOF\n`);
}
