import {
  checkPrequalificationClarification,
  checkPrequalificationObjection,
  checkPrequalificationTerms,
  earliestDeadlineAfterClarification,
  type PrequalificationViolation,
} from "#app/domain/tendering/prequalification.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { findProject, loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { provisionalNote, relationTo, requireProjectManager, shanghai, withCalendar } from "./tendering-rules.server.ts";

/**
 * Prequalification (资格预审, decision 43): its own announcement with the sale period and the
 * application deadline, clarifications and objections at their statutory leads, and its result.
 * The review itself happens offline for now; the platform holds the dates and the rules.
 */
const RULE_WORDS = {
  sale: { zh: "文件发售期", en: "sale period of the prequalification documents" },
  submissionAfterSale: { zh: "申请文件提交时间", en: "time between the end of the sale and the application deadline" },
  clarificationLead: { zh: "澄清或者修改", en: "clarification" },
  objectionLead: { zh: "对资格预审文件的异议", en: "objection to the prequalification documents" },
} as const;

function periodError(v: PrequalificationViolation): AppError {
  return new AppError("PREQUALIFICATION_PERIOD_TOO_SHORT", {
    ruleZh: RULE_WORDS[v.rule].zh,
    ruleEn: RULE_WORDS[v.rule].en,
    fromOn: v.fromOn,
    toOn: v.toOn,
    count: v.count,
    required: v.required,
    unitZh: v.unit === "workingDays" ? "个工作日" : "日",
    unitEn: v.unit === "workingDays" ? "working days" : "days",
    limitOn: v.limitOn,
    source: v.source,
    sourceEn: v.sourceEn,
    ...provisionalNote(v.provisional ? v.limitOn : null),
  });
}

function lateError(v: PrequalificationViolation, remedy: string | null): AppError {
  return new AppError("PREQUALIFICATION_TOO_LATE", {
    whatZh: RULE_WORDS[v.rule].zh,
    whatEn: RULE_WORDS[v.rule].en,
    required: v.required,
    fromOn: v.fromOn,
    toOn: v.toOn,
    limitOn: v.limitOn,
    remedyZh: remedy ? `；否则应将申请截止时间顺延至 ${remedy} 或以后` : "",
    remedyEn: remedy ? `; otherwise move the application deadline to ${remedy} or later` : "",
    source: v.source,
    sourceEn: v.sourceEn,
  });
}

async function loadFor(app: AppContext, projectId: string) {
  const project = await findProject(app.db, projectId);
  if (!project) throw new AppError("NOT_FOUND", { what: "project" });
  const pq = await app.db.selectFrom("prequalifications").selectAll().where("project_id", "=", projectId).executeTakeFirst();
  return { project, pq };
}

export interface PublishPrequalificationOptions {
  actor: Actor;
  projectId: string;
  title: string;
  body: string;
  saleFrom: Date;
  saleUntil: Date;
  submissionDeadlineAt: Date;
  meta: RequestMeta;
}

/** Publishes the prequalification announcement; refused, naming the rule, when a period is shorter than the law's (条例 16, 17). */
export async function publishPrequalification(app: AppContext, opts: PublishPrequalificationOptions) {
  const { project, pq } = await loadFor(app, opts.projectId);
  requireProjectManager(opts.actor, project);
  if (pq) throw new AppError("PREQUALIFICATION_EXISTS");
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const calendar = await loadHolidayCalendar(trx);
    const violation = withCalendar(() =>
      checkPrequalificationTerms(calendar, {
        type: project.procurement_type,
        mandatoryTendering: project.mandatory_tendering,
        saleFrom: opts.saleFrom,
        saleUntil: opts.saleUntil,
        submissionDeadlineAt: opts.submissionDeadlineAt,
      }),
    );
    if (violation) throw periodError(violation);
    const { id } = await trx
      .insertInto("prequalifications")
      .values({
        project_id: project.id,
        title: opts.title,
        body: opts.body,
        sale_from: opts.saleFrom,
        sale_until: opts.saleUntil,
        submission_deadline_at: opts.submissionDeadlineAt,
        published_at: now,
        published_by: opts.actor.personId,
      })
      .onConflict((oc) => oc.column("project_id").doNothing())
      .returning("id")
      .executeTakeFirstOrThrow()
      .catch(() => {
        throw new AppError("PREQUALIFICATION_EXISTS");
      });
    await appendAudit(trx, {
      event: {
        type: "prequalification.published",
        data: {
          projectId: project.id,
          prequalificationId: id,
          saleFrom: opts.saleFrom.toISOString(),
          saleUntil: opts.saleUntil.toISOString(),
          submissionDeadline: opts.submissionDeadlineAt.toISOString(),
        },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { prequalificationId: id };
  });
}

/**
 * A clarification of the prequalification documents (by the agency) or an objection to them (by a
 * potential bidder): refused when too close to the application deadline (条例 21: 3 days, unless
 * the deadline moves; 条例 22: 2 days).
 */
export async function recordPrequalificationItem(
  app: AppContext,
  opts: {
    actor: Actor;
    projectId: string;
    kind: "clarification" | "objection";
    text: string;
    affectsApplications?: boolean;
    newDeadlineAt?: Date;
    meta: RequestMeta;
  },
) {
  const { project, pq } = await loadFor(app, opts.projectId);
  if (!pq) throw new AppError("NOT_FOUND", { what: "prequalification" });
  if (opts.kind === "clarification") requireProjectManager(opts.actor, project);
  else requirePermission(opts.actor, "register:section:own");
  const now = app.clock.now();
  if (now >= pq.submission_deadline_at)
    throw new AppError("PREQUALIFICATION_RESULT_NOT_DUE", { deadline: shanghai(pq.submission_deadline_at) });
  const newDeadline = opts.kind === "clarification" ? (opts.newDeadlineAt ?? null) : null;
  if (newDeadline && newDeadline <= pq.submission_deadline_at)
    throw new AppError("DEADLINE_MOVE_INVALID", { newDeadline: shanghai(newDeadline), oldDeadline: shanghai(pq.submission_deadline_at) });
  const deadline = newDeadline ?? pq.submission_deadline_at;
  const violation =
    opts.kind === "clarification"
      ? checkPrequalificationClarification(project.procurement_type, {
          affectsApplications: opts.affectsApplications ?? true,
          issuedAt: now,
          submissionDeadlineAt: deadline,
        })
      : checkPrequalificationObjection(project.procurement_type, { raisedAt: now, submissionDeadlineAt: deadline });
  if (violation)
    throw lateError(violation, opts.kind === "clarification" ? earliestDeadlineAfterClarification(project.procurement_type, now) : null);
  return app.db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto("prequalification_items")
      .values({
        prequalification_id: pq.id,
        kind: opts.kind,
        organisation_id: opts.actor.membership.organisationId,
        person_id: opts.actor.personId,
        text: opts.text,
        old_deadline_at: newDeadline ? pq.submission_deadline_at : null,
        new_deadline_at: newDeadline,
        at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (newDeadline)
      await trx.updateTable("prequalifications").set({ submission_deadline_at: newDeadline }).where("id", "=", pq.id).execute();
    await appendAudit(trx, {
      event: {
        type: "prequalification.item_recorded",
        data: { prequalificationId: pq.id, itemId: id, kind: opts.kind, newDeadline: newDeadline?.toISOString() ?? null },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
    return { itemId: id };
  });
}

/**
 * Publishes the result once the applications are in (条例 19): how many passed; fewer than 3 means
 * the tender must start again (`retender`).
 */
export async function publishPrequalificationResult(
  app: AppContext,
  opts: { actor: Actor; projectId: string; passedCount: number; body: string; meta: RequestMeta },
) {
  const { project, pq } = await loadFor(app, opts.projectId);
  if (!pq) throw new AppError("NOT_FOUND", { what: "prequalification" });
  requireProjectManager(opts.actor, project);
  if (!Number.isSafeInteger(opts.passedCount) || opts.passedCount < 0) throw new AppError("VALIDATION_FAILED", { issues: ["passedCount"] });
  const now = app.clock.now();
  if (now < pq.submission_deadline_at || pq.result_published_at)
    throw new AppError("PREQUALIFICATION_RESULT_NOT_DUE", { deadline: shanghai(pq.submission_deadline_at) });
  await app.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("prequalifications")
      .set({ result_body: opts.body, passed_count: opts.passedCount, result_published_at: now, result_published_by: opts.actor.personId })
      .where("id", "=", pq.id)
      .execute();
    await appendAudit(trx, {
      event: { type: "prequalification.result_published", data: { prequalificationId: pq.id, passed: opts.passedCount } },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
  });
  return { retender: opts.passedCount < 3 };
}

/** The prequalification as the actor may see it: public announcement, clarifications and result; objections only to the parties and the regulator. */
export async function readPrequalification(app: AppContext, actor: Actor | null, projectId: string) {
  const { project, pq } = await loadFor(app, projectId);
  if (!pq) return null;
  const items = await app.db
    .selectFrom("prequalification_items")
    .selectAll()
    .where("prequalification_id", "=", pq.id)
    .orderBy("at")
    .execute();
  const party = relationTo(actor, project) !== null;
  return {
    title: pq.title,
    body: pq.body,
    saleFrom: pq.sale_from,
    saleUntil: pq.sale_until,
    submissionDeadlineAt: pq.submission_deadline_at,
    publishedAt: pq.published_at,
    result: pq.result_published_at
      ? { body: pq.result_body!, passedCount: pq.passed_count!, publishedAt: pq.result_published_at, retender: pq.passed_count! < 3 }
      : null,
    clarifications: items
      .filter((i) => i.kind === "clarification")
      .map((i) => ({ text: i.text, at: i.at, oldDeadlineAt: i.old_deadline_at, newDeadlineAt: i.new_deadline_at })),
    objections: party
      ? items.filter((i) => i.kind === "objection").map((i) => ({ text: i.text, at: i.at, organisationId: i.organisation_id }))
      : null,
  };
}
