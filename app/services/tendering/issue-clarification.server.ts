import { checkClarification } from "#app/domain/tendering/legal-checks.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { currentRuleSet, factsOf, findProject, findSection, sectionsOf } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { sectionPhase } from "#app/domain/tendering/section-phase.ts";
import { documentHolders, notifyOrganisations } from "#app/services/notices/notify-organisations.server.ts";
import { guardPhase, requireProjectManager, shanghai, violationError } from "./tendering-rules.server.ts";

/** Who must be told of a clarification: everyone who obtained the documents. */
const NOTICE_SOURCE = {
  engineering: "《招标投标法》第二十三条；《电子招标投标办法》第二十二条",
  government: "《政府采购货物和服务招标投标管理办法》（87号令）第二十七条",
} as const;

export interface IssueClarificationOptions {
  actor: Actor;
  /** The project whose tender documents are clarified; or give `sectionId` (the project is its). */
  projectId?: string;
  /** One section it affects (kept for the single-section form). */
  sectionId?: string;
  /** The sections it affects; default: `sectionId`, or every section of the project still open for bids. */
  sectionIds?: string[];
  title: string;
  body: string;
  /** Whether it may affect the preparation of bids (条例 21): then the 15-day lead applies to every affected section. */
  affectsPreparation: boolean;
  /** Moves every affected section's bid deadline (and so its opening) to this instant; it must be later than each current one. */
  newDeadlineAt?: Date;
  /** A new deadline per section, by section id (overrides `newDeadlineAt` for that section). */
  newDeadlines?: Record<string, Date>;
  /** A new version of the tender documents issued with this clarification. */
  documentId?: string;
  meta: RequestMeta;
}

/**
 * A clarification or amendment of the tender documents (澄清/修改), numbered in order per project
 * (decision 41). The documents belong to the project, so one clarification may affect several of
 * its sections: for each one, if it may affect the preparation of bids less than 15 days (the rule
 * set's lead) before that section's deadline, it is refused, naming the section, until the
 * deadline moves far enough (条例 21; 87号令 27). Everyone who obtained the documents (registered
 * for a section of the project, or downloaded a document of it) is told in the platform and by
 * mail, and each read is recorded (法 23; 办法 22).
 */
export async function issueClarification(app: AppContext, opts: IssueClarificationOptions) {
  const first = opts.sectionId ? await findSection(app.db, opts.sectionId) : undefined;
  if (opts.sectionId && !first) throw new AppError("NOT_FOUND", { what: "section" });
  const projectId = opts.projectId ?? first?.project_id;
  const project = projectId ? await findProject(app.db, projectId) : undefined;
  if (!project || (first && first.project_id !== project.id)) throw new AppError("NOT_FOUND", { what: "project" });
  requireProjectManager(opts.actor, project);
  const now = app.clock.now();

  return app.db.transaction().execute(async (trx) => {
    await findProject(trx, project.id, { forUpdate: true }); // serialises the numbering and the deadlines
    const all = await sectionsOf(trx, project.id);
    const wanted =
      opts.sectionIds ??
      (opts.sectionId ? [opts.sectionId] : all.filter((s) => sectionPhase(factsOf(s), now) === "published").map((s) => s.id));
    const affected = wanted.map((id) => all.find((s) => s.id === id));
    if (affected.length === 0 || affected.some((s) => !s)) throw new AppError("NOT_FOUND", { what: "section" });
    const { rules } = await currentRuleSet(trx, project.procurement_type);
    const changes = [];
    for (const section of affected as NonNullable<(typeof affected)[number]>[]) {
      guardPhase(factsOf(section), ["published"], now);
      const oldDeadline = section.deadline_at;
      const newDeadline = opts.newDeadlines?.[section.id] ?? opts.newDeadlineAt ?? null;
      if (newDeadline && newDeadline <= oldDeadline)
        throw new AppError("DEADLINE_MOVE_INVALID", { newDeadline: shanghai(newDeadline), oldDeadline: shanghai(oldDeadline) });
      const violation = checkClarification(rules, {
        affectsPreparation: opts.affectsPreparation,
        issuedAt: now,
        deadlineAt: newDeadline ?? oldDeadline,
      });
      if (violation) throw violationError(violation, section.code);
      changes.push({ section, oldDeadline, newDeadline });
    }

    if (opts.documentId) {
      const doc = await trx
        .selectFrom("tender_documents")
        .select(["id", "sha256", "issued_at"])
        .where("id", "=", opts.documentId)
        .where("project_id", "=", project.id)
        .executeTakeFirst();
      if (!doc) throw new AppError("NOT_FOUND", { what: "document" });
      if (!doc.issued_at) {
        await trx.updateTable("tender_documents").set({ issued_at: now }).where("id", "=", doc.id).execute();
        await queueForAnchoring(trx, { sha256: doc.sha256, source: `tender-document:${doc.id}` }, now);
      }
    }
    for (const c of changes)
      if (c.newDeadline) await trx.updateTable("sections").set({ deadline_at: c.newDeadline }).where("id", "=", c.section.id).execute();

    const last = await trx
      .selectFrom("clarifications")
      .select((eb) => eb.fn.max("sequence").as("n"))
      .where("project_id", "=", project.id)
      .executeTakeFirst();
    const sequence = Number(last?.n ?? 0) + 1;
    const head = changes[0]!;
    const { id } = await trx
      .insertInto("clarifications")
      .values({
        project_id: project.id,
        section_id: head.section.id,
        sequence,
        title: opts.title,
        body: opts.body,
        affects_preparation: opts.affectsPreparation,
        document_id: opts.documentId ?? null,
        old_deadline_at: head.oldDeadline,
        new_deadline_at: head.newDeadline,
        issued_by: opts.actor.personId,
        issued_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("clarification_sections")
      .values(
        changes.map((c) => ({
          clarification_id: id,
          section_id: c.section.id,
          old_deadline_at: c.oldDeadline,
          new_deadline_at: c.newDeadline,
        })),
      )
      .execute();

    const lines = changes.map(
      (c) =>
        `${c.section.code} ${c.section.name}：投标截止时间 ${shanghai(c.newDeadline ?? c.oldDeadline)}` +
        (c.newDeadline ? `（原 ${shanghai(c.oldDeadline)}，已顺延）` : ""),
    );
    const notified = await notifyOrganisations(
      app,
      trx,
      {
        kind: "clarification",
        projectId: project.id,
        subjectId: id,
        title: `${project.name}（${project.code}）第 ${sequence} 号澄清或修改：${opts.title}`,
        body: `${opts.body}\n\n涉及标段：\n${lines.join("\n")}\n\n依据：${NOTICE_SOURCE[project.procurement_type]}。`,
        organisationIds: await documentHolders(
          trx,
          project.id,
          all.map((s) => s.id),
        ),
      },
      now,
    );
    await appendAudit(trx, {
      event: {
        type: "clarification.issued",
        data: {
          projectId: project.id,
          sectionId: head.section.id,
          clarificationId: id,
          sequence,
          affectsPreparation: opts.affectsPreparation,
          oldDeadline: head.oldDeadline.toISOString(),
          newDeadline: head.newDeadline?.toISOString() ?? null,
          sectionIds: changes.map((c) => c.section.id),
          notified,
        },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { clarificationId: id, sequence, sectionIds: changes.map((c) => c.section.id), notified };
  });
}
