import { checkRegistrationInSalePeriod } from "#app/domain/tendering/legal-checks.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { periodsOfSections } from "#app/server/repo/periods.server.ts";
import { currentRuleSet } from "#app/server/repo/tendering.server.ts";
import { violationError } from "./tendering-rules.server.ts";

/**
 * 条例 16 / 87号令 18: registration (报名, obtaining the documents) only within the sale period: from
 * its start until its announced end, or the end of the statutory period's last day as stored at
 * publication and recomputed on the official calendar, whichever is later (decision 0032).
 * Throws REGISTRATION_OUTSIDE_SALE_PERIOD naming the rule, its source and the period.
 */
export async function assertWithinSalePeriod(
  app: Pick<AppContext, "db">,
  section: { id: string; code: string; sale_from: Date; sale_until: Date },
  procurementType: ProcurementType,
  now: Date,
): Promise<void> {
  const [{ rules }, periods] = await Promise.all([currentRuleSet(app.db, procurementType), periodsOfSections(app.db, [section.id])]);
  const statutory = periods.find((p) => p.rule === "documentsOnSale") ?? null;
  const violation = checkRegistrationInSalePeriod(rules, {
    at: now,
    saleFrom: section.sale_from,
    saleUntil: section.sale_until,
    statutory,
  });
  if (violation) throw violationError(violation, section.code);
}
