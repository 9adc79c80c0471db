import type { Kysely, Transaction } from "kysely";
import { ApplicationStepError, assertStep, STATUS_ZH, type ApplicationStep } from "#app/domain/guarantee/application.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { notifyOrganisations } from "#app/services/notices/notify-organisations.server.ts";
import type { Database } from "#db/schema.ts";

/**
 * What every step of a guarantee application shares (decision 0057): loading it (locked), the
 * guard naming the current and the allowed statuses, and the record of the step — the history
 * row both parties see, the audit row (sealed until the deadline) and, for the steps the
 * applicant must know of, a notice and a mail to its people.
 */

type Executor = Kysely<Database> | Transaction<Database>;

export type ApplicationRow = NonNullable<Awaited<ReturnType<typeof findApplication>>>;

export async function findApplication(db: Executor, applicationId: string, options: { forUpdate?: boolean } = {}) {
  let q = db
    .selectFrom("guarantee_applications as a")
    .innerJoin("sections as s", "s.id", "a.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .selectAll("a")
    .select(["s.code as section_code", "s.name as section_name", "p.id as project_id", "p.name as project_name"])
    .where("a.id", "=", applicationId);
  if (options.forUpdate) q = q.forUpdate("a");
  return q.executeTakeFirst();
}

const STEP_ZH: Record<ApplicationStep, string> = {
  approve: "同意承保",
  decline: "拒绝",
  requestDocuments: "要求补充材料",
  supplement: "补充材料",
  payFee: "缴费",
  startIssue: "出函",
  completeIssue: "完成出函",
  failIssue: "记录出函失败",
};

/** The guard of every step: AppError GUARANTEE_APPLICATION_UNEXPECTED_STATUS naming both. */
export function guardStep(step: ApplicationStep, application: { status: ApplicationRow["status"] }): void {
  try {
    assertStep(step, application.status);
  } catch (e) {
    if (!(e instanceof ApplicationStepError)) throw e;
    throw new AppError("GUARANTEE_APPLICATION_UNEXPECTED_STATUS", {
      current: e.current,
      currentZh: STATUS_ZH[e.current],
      step: e.step,
      stepZh: STEP_ZH[e.step],
      expected: e.expected.join(" / "),
      expectedZh: e.expected.map((s) => STATUS_ZH[s]).join("、"),
    });
  }
}

/** The guarantor's own application, or not found (another guarantor's does not exist for it). */
export async function loadGuarantorApplication(trx: Transaction<Database>, actor: Actor, applicationId: string) {
  const application = await findApplication(trx, applicationId, { forUpdate: true });
  if (!application || application.guarantor_organisation_id !== actor.membership.organisationId)
    throw new AppError("NOT_FOUND", { what: "guarantee application" });
  return application;
}

/** The applicant's own application, or not found. */
export async function loadApplicantApplication(trx: Transaction<Database>, actor: Actor, applicationId: string) {
  const application = await findApplication(trx, applicationId, { forUpdate: true });
  if (!application || application.applicant_organisation_id !== actor.membership.organisationId)
    throw new AppError("NOT_FOUND", { what: "guarantee application" });
  return application;
}

type StepAudit =
  | "guarantee_application.submitted"
  | "guarantee_application.approved"
  | "guarantee_application.declined"
  | "guarantee_application.documents_requested"
  | "guarantee_application.supplemented"
  | "guarantee_application.fee_paid";

export interface StepRecord {
  application: Pick<
    ApplicationRow,
    "id" | "section_id" | "applicant_organisation_id" | "guarantor_organisation_id" | "amount_fen" | "project_id" | "section_code"
  >;
  step: string;
  audit?: StepAudit;
  text?: string | null;
  /** The notice to the applicant: its title (the body adds the section and the text). */
  notice?: { title: string } | null;
}

/** Writes the step's history row, its audit row and its notice to the applicant, in `trx`. */
export async function recordStep(
  app: AppContext,
  trx: Transaction<Database>,
  actor: Actor | null,
  meta: RequestMeta,
  record: StepRecord,
  now: Date,
): Promise<void> {
  const { application: a } = record;
  const event = await trx
    .insertInto("guarantee_application_events")
    .values({ application_id: a.id, step: record.step, text: record.text ?? null, person_id: actor?.personId ?? null, at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (record.audit)
    await appendAudit(trx, {
      event: {
        type: record.audit,
        data: {
          applicationId: a.id,
          sectionId: a.section_id,
          applicantOrganisationId: a.applicant_organisation_id,
          guarantorOrganisationId: a.guarantor_organisation_id,
          amountFen: String(a.amount_fen),
          ...(record.text ? { text: record.text } : {}),
        },
      },
      actor: auditActorOf(actor, meta),
      at: now,
    });
  if (record.notice)
    await notifyOrganisations(
      app,
      trx,
      {
        kind: "guarantee",
        projectId: a.project_id,
        subjectId: event.id,
        title: record.notice.title,
        body: [
          `标段 ${a.section_code} 投标保函（金额 ${formatYuan(BigInt(a.amount_fen))} 元）：${record.notice.title}`,
          record.text ? `说明：${record.text}` : null,
          `详情见“我的保函”：${app.config.publicUrl}/guarantees`,
        ]
          .filter(Boolean)
          .join("\n"),
        organisationIds: [a.applicant_organisation_id],
      },
      now,
    );
}
