import type { Transaction } from "kysely";
import type { Database, MemberRole, NoticeKind } from "#db/schema.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { enqueue } from "#app/server/outbox.server.ts";

/**
 * Tells organisations of a clarification or a termination, inside the caller's transaction: one
 * in-app notice per organisation (its people read it at /notices, and each read is recorded: the
 * read receipt), and a mail to each active member who bids for it or administers it (法 23, 办法 22;
 * 条例 31). The outbox key makes each mail go once. Returns how many organisations were told.
 */
export interface NoticeInput {
  kind: NoticeKind;
  projectId: string;
  subjectId: string;
  title: string;
  body: string;
  organisationIds: readonly string[];
  /** Whose members are mailed: by default those who bid for it or administer it. */
  roles?: readonly MemberRole[];
}

export async function notifyOrganisations(app: AppContext, trx: Transaction<Database>, input: NoticeInput, now: Date): Promise<number> {
  const organisationIds = [...new Set(input.organisationIds)];
  if (organisationIds.length === 0) return 0;
  const notices = await trx
    .insertInto("notices")
    .values(
      organisationIds.map((organisation_id) => ({
        organisation_id,
        kind: input.kind,
        project_id: input.projectId,
        subject_id: input.subjectId,
        title: input.title,
        body: input.body,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.constraint("notices_once").doNothing())
    .returning(["id", "organisation_id"])
    .execute();
  const people = await trx
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .select(["m.organisation_id", "p.id", "p.email"])
    .where("m.organisation_id", "in", organisationIds)
    .where("m.status", "=", "active")
    .where("p.status", "=", "active")
    .where((eb) => eb.or((input.roles ?? ["bid", "admin"]).map((role) => eb(eb.val(role), "=", eb.fn.any("m.roles")))))
    .execute();
  for (const notice of notices) {
    const link = `${app.config.publicUrl}/notices/${notice.id}`;
    for (const person of people.filter((p) => p.organisation_id === notice.organisation_id)) {
      await enqueue(
        trx,
        {
          kind: "mail.send",
          key: `notice:${notice.id}:${person.id}`,
          payload: {
            to: person.email,
            subject: input.title,
            body: `${input.body}\n\n请登录平台阅读并确认收到（平台记录阅读时间）：${link}\nPlease open it on bidhall to confirm receipt (the platform records when you read it): ${link}`,
          },
        },
        now,
      );
    }
  }
  return notices.length;
}

/** The organisations that obtained a project's tender documents: registered for one of `sectionIds`, or downloaded a document of the project. */
export async function documentHolders(trx: Transaction<Database>, projectId: string, sectionIds: readonly string[]): Promise<string[]> {
  const [registered, downloaded] = await Promise.all([
    sectionIds.length
      ? trx.selectFrom("registrations").select("organisation_id").where("section_id", "in", sectionIds).execute()
      : Promise.resolve([]),
    trx
      .selectFrom("document_downloads as d")
      .innerJoin("tender_documents as t", "t.id", "d.document_id")
      .select("d.organisation_id")
      .where("t.project_id", "=", projectId)
      .execute(),
  ]);
  return [...new Set([...registered, ...downloaded].map((r) => r.organisation_id))];
}
