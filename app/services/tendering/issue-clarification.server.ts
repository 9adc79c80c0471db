import { checkClarification } from "#app/domain/tendering/legal-checks.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { currentRuleSet, factsOf, findProject, findSection } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { guardPhase, requireProjectManager, shanghai, violationError } from "./tendering-rules.server.ts";

export interface IssueClarificationOptions {
  actor: Actor;
  sectionId: string;
  title: string;
  body: string;
  /** Whether it may affect the preparation of bids (条例 21): then the 15-day lead applies. */
  affectsPreparation: boolean;
  /** Moves the bid deadline (and so the opening) to this instant; it must be later than the current one. */
  newDeadlineAt?: Date;
  /** A new version of the tender documents issued with this clarification. */
  documentId?: string;
  meta: RequestMeta;
}

/**
 * A clarification or amendment of the tender documents (澄清/修改), numbered in order per project.
 * One that may affect the preparation of bids less than 15 days (the rule set's lead) before the
 * deadline is refused until the deadline moves far enough (条例 21; 87号令 27); the old and the
 * new deadline are recorded with it.
 */
export async function issueClarification(app: AppContext, opts: IssueClarificationOptions) {
  const section = await findSection(app.db, opts.sectionId);
  if (!section) throw new AppError("NOT_FOUND", { what: "section" });
  const project = (await findProject(app.db, section.project_id))!;
  requireProjectManager(opts.actor, project);
  const now = app.clock.now();

  return app.db.transaction().execute(async (trx) => {
    const locked = (await findSection(trx, section.id, { forUpdate: true }))!;
    guardPhase(factsOf(locked), ["published"], now);
    const oldDeadline = locked.deadline_at;
    if (opts.newDeadlineAt && opts.newDeadlineAt <= oldDeadline)
      throw new AppError("DEADLINE_MOVE_INVALID", { newDeadline: shanghai(opts.newDeadlineAt), oldDeadline: shanghai(oldDeadline) });
    const deadline = opts.newDeadlineAt ?? oldDeadline;
    const { rules } = await currentRuleSet(trx, project.procurement_type);
    const violation = checkClarification(rules, { affectsPreparation: opts.affectsPreparation, issuedAt: now, deadlineAt: deadline });
    if (violation) throw violationError(violation, locked.code);

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
    if (opts.newDeadlineAt)
      await trx.updateTable("sections").set({ deadline_at: opts.newDeadlineAt }).where("id", "=", locked.id).execute();

    await findProject(trx, project.id, { forUpdate: true }); // serialises the numbering
    const last = await trx
      .selectFrom("clarifications")
      .select((eb) => eb.fn.max("sequence").as("n"))
      .where("project_id", "=", project.id)
      .executeTakeFirst();
    const sequence = Number(last?.n ?? 0) + 1;
    const { id } = await trx
      .insertInto("clarifications")
      .values({
        project_id: project.id,
        section_id: locked.id,
        sequence,
        title: opts.title,
        body: opts.body,
        affects_preparation: opts.affectsPreparation,
        document_id: opts.documentId ?? null,
        old_deadline_at: oldDeadline,
        new_deadline_at: opts.newDeadlineAt ?? null,
        issued_by: opts.actor.personId,
        issued_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      event: {
        type: "clarification.issued",
        data: {
          projectId: project.id,
          sectionId: locked.id,
          clarificationId: id,
          sequence,
          affectsPreparation: opts.affectsPreparation,
          oldDeadline: oldDeadline.toISOString(),
          newDeadline: opts.newDeadlineAt?.toISOString() ?? null,
        },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { clarificationId: id, sequence };
  });
}
