import type { Industry } from "#app/domain/complaint/jurisdiction.ts";
import { checkBidSecurity } from "#app/domain/tendering/legal-checks.ts";
import { sectionCode, validateProjectCode } from "#app/domain/tendering/codes.ts";
import { OpeningForm } from "#app/domain/tendering/opening-form.ts";
import { citation } from "#app/domain/tendering/legal-sources.ts";
import { minimumBidsBreach, type ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { isEvaluationMethodOf, type SecurityForm } from "#app/domain/tendering/section-terms.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { Fen } from "#app/domain/shared/money.ts";
import { findRegion } from "#app/domain/shared/regions.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { currentRuleSet } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { breachError, violationError } from "./tendering-rules.server.ts";

export interface SectionInput {
  name: string;
  estimateFen: Fen;
  deadlineAt: Date;
  signInLeadMinutes: number;
  decryptionWindowMinutes: number;
  confirmationPeriodMinutes: number;
  /** Defaults to the rule set's minimum; the law fixes it at 3 (decision 33), so any other number is refused. */
  minimumBids?: number;
  bidValidityDays: number;
  bidSecurityFen: Fen;
  securityForms: SecurityForm[];
  remedyAllowed: boolean;
  evaluationMethod: string;
  openingForm: OpeningForm;
  saleFrom: Date;
  saleUntil: Date;
}

export interface CreateProjectOptions {
  actor: Actor;
  project: {
    code: string;
    name: string;
    regionCode: string;
    procurementType: ProcurementType;
    mandatoryTendering: boolean;
    /** For routing complaints to the regulators with jurisdiction (decision 0062); "other" when omitted. */
    industry?: Industry;
    description: string;
    /** The tenderer an agency works for; omitted when a tenderer tenders by itself. */
    tendererOrganisationId?: string;
  };
  sections: SectionInput[];
  meta: RequestMeta;
}

/**
 * An agency (for a tenderer) or a tenderer (by itself) creates a project with its sections, in
 * draft. The terms that do not depend on the publication date are checked now against the rule
 * set in force (bid security cap, evaluation method, accepted security forms) and the law (the
 * minimum number of bids, decision 33);
 * the periods are checked when publishing.
 */
export async function createProject(app: AppContext, opts: CreateProjectOptions): Promise<{ projectId: string; sectionIds: string[] }> {
  const { actor, project } = opts;
  requirePermission(actor, "create:project:own");
  const now = app.clock.now();
  const own = actor.membership.organisationId;
  const viaAgency = project.tendererOrganisationId !== undefined && project.tendererOrganisationId !== own;
  if (viaAgency && !actor.membership.kinds.includes("agency")) throw new AppError("FORBIDDEN", { permission: "create:project:own" });
  if (!viaAgency && !actor.membership.kinds.includes("tenderer"))
    throw new AppError("VALIDATION_FAILED", { field: "tendererOrganisationId" });

  if (!findRegion(project.regionCode)) throw new AppError("VALIDATION_FAILED", { field: "regionCode" });
  const code = validateProjectCode(project.code, project.regionCode);
  if (!code.ok) throw new AppError("PROJECT_CODE_INVALID", { code: project.code, region: project.regionCode });
  if (opts.sections.length === 0 || opts.sections.length > 99) throw new AppError("VALIDATION_FAILED", { field: "sections" });

  return app.db.transaction().execute(async (trx) => {
    if (viaAgency) {
      const tenderer = await trx
        .selectFrom("organisations")
        .select(["id", "kinds", "status"])
        .where("id", "=", project.tendererOrganisationId!)
        .executeTakeFirst();
      if (!tenderer || tenderer.status !== "approved" || !tenderer.kinds.includes("tenderer"))
        throw new AppError("NOT_FOUND", { what: "tenderer" });
    }
    if (await trx.selectFrom("projects").select("id").where("code", "=", code.value).executeTakeFirst())
      throw new AppError("PROJECT_CODE_TAKEN", { code: code.value });
    const { rules } = await currentRuleSet(trx, project.procurementType);

    const sectionRows = opts.sections.map((s, i) => {
      const label = sectionCode(code.value, i + 1);
      const form = OpeningForm.safeParse(s.openingForm);
      if (!form.success) throw new AppError("VALIDATION_FAILED", { field: `sections.${i}.openingForm` });
      if (!isEvaluationMethodOf(project.procurementType, s.evaluationMethod))
        throw new AppError("EVALUATION_METHOD_INVALID", {
          method: s.evaluationMethod,
          typeZh: project.procurementType === "engineering" ? "工程建设" : "政府采购",
          typeEn: project.procurementType === "engineering" ? "engineering" : "government procurement",
        });
      if (!s.securityForms.includes("guarantee")) {
        const source = citation("securityForms", project.procurementType);
        throw new AppError("SECURITY_FORMS_INVALID", { section: label, source: source.zh, sourceEn: source.en });
      }
      const violation = checkBidSecurity(rules, { estimateFen: s.estimateFen, securityFen: s.bidSecurityFen });
      if (violation) throw violationError(violation, label);
      const minimumBids = s.minimumBids ?? rules.minimumBids;
      if (!Number.isInteger(minimumBids)) throw new AppError("VALIDATION_FAILED", { field: `sections.${i}.minimumBids` });
      // Decision 33: the law fixes the minimum at 3 (法 28, 条例 44 / 87号令 41) — neither lower nor higher.
      const fixed = minimumBidsBreach(project.procurementType, minimumBids);
      if (fixed) throw breachError(fixed, project.procurementType, label);
      if (!(s.saleFrom < s.saleUntil && s.saleUntil <= s.deadlineAt && s.deadlineAt > now))
        throw new AppError("VALIDATION_FAILED", { field: `sections.${i}.deadlineAt` });
      return {
        sequence: i + 1,
        code: label,
        name: s.name,
        estimate_fen: s.estimateFen.toString(),
        deadline_at: s.deadlineAt,
        sign_in_lead_minutes: s.signInLeadMinutes,
        decryption_window_minutes: s.decryptionWindowMinutes,
        confirmation_period_minutes: s.confirmationPeriodMinutes,
        minimum_bids: minimumBids,
        bid_validity_days: s.bidValidityDays,
        bid_security_fen: s.bidSecurityFen.toString(),
        security_forms: [...new Set(s.securityForms)],
        remedy_allowed: s.remedyAllowed,
        evaluation_method: s.evaluationMethod,
        opening_form: JSON.stringify(form.data),
        sale_from: s.saleFrom,
        sale_until: s.saleUntil,
        created_at: now,
      };
    });

    const { id: projectId } = await trx
      .insertInto("projects")
      .values({
        code: code.value,
        name: project.name,
        region_code: project.regionCode,
        procurement_type: project.procurementType,
        mandatory_tendering: project.mandatoryTendering,
        industry: project.industry ?? "other",
        description: project.description,
        tenderer_organisation_id: viaAgency ? project.tendererOrganisationId! : own,
        agency_organisation_id: viaAgency ? own : null,
        created_by: actor.personId,
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const sections = await trx
      .insertInto("sections")
      .values(sectionRows.map((r) => ({ ...r, project_id: projectId })))
      .returning("id")
      .execute();
    const sectionIds = sections.map((s) => s.id);
    await appendAudit(trx, {
      event: { type: "project.created", data: { projectId, code: code.value, name: project.name, sectionIds } },
      actor: auditActorOf(actor, opts.meta),
      at: now,
    });
    return { projectId, sectionIds };
  });
}
