import type { Transaction } from "kysely";
import type { AppContext } from "#app/server/context.server.ts";
import { enqueue } from "#app/server/outbox.server.ts";
import { notifyOrganisations } from "#app/services/notices/notify-organisations.server.ts";
import type { Database } from "#db/schema.ts";
import { partiesOf, type LoadedComplaint } from "./handling-context.server.ts";

export type HandlingStep = "accept" | "reject" | "suspend" | "resume" | "decide" | "withdraw";

/**
 * Tells the parties of a handling step, inside its transaction (投诉处理办法 / 94号令: the regulator
 * informs the complainant and the respondents in writing): an in-app notice to the complainant's
 * organisation and, where `toRespondents`, to the tenderer and the agency, with a mail to their
 * members (notifyOrganisations); a natural person who complained is mailed directly. The other
 * routed regulators are told too, so that "who else has it" stays current (of a withdrawal, the lead too).
 */
export async function notifyComplaintParties(
  app: AppContext,
  trx: Transaction<Database>,
  loaded: LoadedComplaint,
  input: { step: HandlingStep; title: string; body: string; toRespondents: boolean; now: Date },
): Promise<void> {
  const { complainantOrganisationId, respondents } = partiesOf(loaded);
  const organisationIds = [
    ...(complainantOrganisationId ? [complainantOrganisationId] : []),
    ...(input.toRespondents ? respondents : []),
    // The lead acted itself, except on a withdrawal: the complainant's act, which every regulator must hear of.
    ...(input.step === "withdraw" ? loaded.regulators : loaded.regulators.slice(1)).map((r) => r.organisationId),
  ];
  await notifyOrganisations(
    app,
    trx,
    {
      kind: `complaint_${input.step}`,
      projectId: loaded.project.id,
      subjectId: loaded.complaint.id,
      title: input.title,
      body: input.body,
      organisationIds,
      roles: ["bid", "admin", "operate"],
    },
    input.now,
  );
  if (!complainantOrganisationId) {
    const person = await trx
      .selectFrom("people")
      .select(["id", "email"])
      .where("id", "=", loaded.complaint.complainant_person_id)
      .executeTakeFirstOrThrow();
    await enqueue(
      trx,
      {
        kind: "mail.send",
        key: `complaint:${loaded.complaint.id}:${input.step}:${input.now.getTime()}:${person.id}`,
        payload: {
          to: person.email,
          subject: input.title,
          body: `${input.body}\n\n${app.config.publicUrl}/complaints/${loaded.complaint.id}`,
        },
      },
      input.now,
    );
  }
}
