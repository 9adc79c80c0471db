import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";

/** The notices of the actor's organisation, newest first, with whether the actor has read each. */
export async function listNotices(app: AppContext, actor: Actor) {
  const rows = await app.db
    .selectFrom("notices as n")
    .innerJoin("projects as p", "p.id", "n.project_id")
    .leftJoin("notice_reads as r", (j) => j.onRef("r.notice_id", "=", "n.id").on("r.person_id", "=", actor.personId))
    .select(["n.id", "n.kind", "n.title", "n.created_at", "p.name as project_name", "p.code as project_code", "r.read_at"])
    .where("n.organisation_id", "=", actor.membership.organisationId)
    .orderBy("n.created_at", "desc")
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    createdAt: r.created_at,
    project: { name: r.project_name, code: r.project_code },
    readAt: r.read_at,
  }));
}

/**
 * Opens a notice of the actor's organisation and records the read receipt: the first time each
 * person opens it, with the time and address (法 23, 办法 22). Another organisation's notice is
 * not found.
 */
export async function readNotice(app: AppContext, opts: { actor: Actor; noticeId: string; meta: RequestMeta }) {
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const notice = await trx
      .selectFrom("notices as n")
      .innerJoin("projects as p", "p.id", "n.project_id")
      .select([
        "n.id",
        "n.kind",
        "n.title",
        "n.body",
        "n.subject_id",
        "n.created_at",
        "n.project_id",
        "p.name as project_name",
        "p.code as project_code",
      ])
      .where("n.id", "=", opts.noticeId)
      .where("n.organisation_id", "=", opts.actor.membership.organisationId)
      .executeTakeFirst();
    if (!notice) throw new AppError("NOT_FOUND", { what: "notice" });
    const inserted = await trx
      .insertInto("notice_reads")
      .values({ notice_id: notice.id, person_id: opts.actor.personId, read_at: now, ip: opts.meta.ip })
      .onConflict((oc) => oc.columns(["notice_id", "person_id"]).doNothing())
      .returning("read_at")
      .executeTakeFirst();
    if (inserted)
      await appendAudit(trx, {
        event: { type: "notice.read", data: { noticeId: notice.id, kind: notice.kind, subjectId: notice.subject_id } },
        actor: auditActorOf(opts.actor, opts.meta),
        at: now,
      });
    const read = await trx
      .selectFrom("notice_reads")
      .select("read_at")
      .where("notice_id", "=", notice.id)
      .where("person_id", "=", opts.actor.personId)
      .executeTakeFirstOrThrow();
    return {
      id: notice.id,
      kind: notice.kind,
      subjectId: notice.subject_id,
      title: notice.title,
      body: notice.body,
      createdAt: notice.created_at,
      project: { id: notice.project_id, name: notice.project_name, code: notice.project_code },
      readAt: read.read_at,
    };
  });
}
