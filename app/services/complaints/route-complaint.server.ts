import type { Kysely, Transaction } from "kysely";
import { INDUSTRY_NAMES, PROCUREMENT_TYPE_NAMES, routeByJurisdiction, type RoutedRegulator } from "#app/domain/complaint/jurisdiction.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { Database, Industry } from "#db/schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * The approved regulators whose declared jurisdiction covers the project (decision 0062), the
 * one named on chain first. None: refused, since the complaint would reach nobody.
 */
export async function routeComplaint(
  db: Executor,
  project: { region_code: string; procurement_type: "engineering" | "government"; industry: Industry },
): Promise<RoutedRegulator[]> {
  const rows = await db
    .selectFrom("regulator_jurisdictions as j")
    .innerJoin("organisations as o", "o.id", "j.organisation_id")
    .select(["o.id", "o.name", "o.kinds", "j.region_code", "j.procurement_type", "j.industry"])
    .where("o.status", "=", "approved")
    .where("j.procurement_type", "=", project.procurement_type)
    .execute();
  const list = routeByJurisdiction(
    { regionCode: project.region_code, procurementType: project.procurement_type, industry: project.industry },
    rows
      .filter((r) => r.kinds.includes("regulator"))
      .map((r) => ({
        organisationId: r.id,
        organisationName: r.name,
        regionCode: r.region_code,
        procurementType: r.procurement_type,
        industry: r.industry,
      })),
  );
  if (list.length === 0)
    throw new AppError("COMPLAINT_NO_REGULATOR", {
      regionCode: project.region_code,
      typeZh: PROCUREMENT_TYPE_NAMES[project.procurement_type].zh,
      typeEn: PROCUREMENT_TYPE_NAMES[project.procurement_type].en,
      industryZh: INDUSTRY_NAMES[project.industry].zh,
      industryEn: INDUSTRY_NAMES[project.industry].en,
    });
  return list;
}
