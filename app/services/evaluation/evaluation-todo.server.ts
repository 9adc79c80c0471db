import type { TodoItem } from "#app/domain/dashboard/todo.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { listEvaluations } from "./list-evaluations.server.ts";

/**
 * The dashboard's evaluation and award work (issue 16): the agency's results to record and
 * notices to issue, the tenderer's award to decide, the notices waiting for the organisation's
 * signature, and a recipient's issued notices to acknowledge. Only the actor's own organisation's
 * sections and notices; all of it after the opening record, so nothing tells who bids before the
 * deadline.
 */
export async function evaluationTodo(app: AppContext, actor: Actor): Promise<TodoItem[]> {
  const has = (p: string) => (actor.permissions as ReadonlySet<string>).has(p);
  const items: TodoItem[] = [];
  if (has("record:result:own") || has("sign:notice:own")) {
    for (const s of await listEvaluations(app, actor)) {
      const params = { project: s.projectName, section: `${s.sectionCode} ${s.sectionName}` };
      const at = (kind: TodoItem["kind"], link: string, dueAt: Date | null = null) =>
        items.push({ kind, key: `${kind}:${s.sectionId}`, dueAt, link, params });
      if (s.phase === "awaitingResult" && s.manager && has("record:result:own"))
        at("evaluation.record", `/sections/${s.sectionId}/evaluation`);
      if (s.phase === "awaitingAward" && s.tenderer && has("record:result:own")) at("award.decide", `/sections/${s.sectionId}/award`);
      if (s.noticesToSign > 0 && has("sign:notice:own")) at("notice.sign", `/sections/${s.sectionId}/award`);
      if (s.phase === "signing" && s.allSigned && s.manager && has("record:result:own"))
        at("notice.issue", `/sections/${s.sectionId}/award`);
    }
  }
  const notices = await app.db
    .selectFrom("award_notices as n")
    .innerJoin("awards as a", "a.id", "n.award_id")
    .innerJoin("sections as s", "s.id", "a.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .select(["n.id", "n.number", "n.issued_at", "s.code", "s.name", "p.name as project_name"])
    .where("n.organisation_id", "=", actor.membership.organisationId)
    .where("n.issued_at", "is not", null)
    .where("n.acknowledged_at", "is", null)
    .execute();
  for (const n of notices)
    items.push({
      kind: "notice.acknowledge",
      key: `notice.acknowledge:${n.id}`,
      dueAt: null,
      link: `/award-notices/${n.id}`,
      params: { project: n.project_name, section: `${n.code} ${n.name}`, number: n.number },
    });
  return items;
}
