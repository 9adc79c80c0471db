import { regionWithin } from "#app/domain/shared/regions.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * A regulator's jurisdiction (decision 0062): region (a code covers its children) × procurement
 * type × industry (`any` for all). A complaint goes to every regulator whose declaration covers
 * its project; the most specific region comes first, and the first is the one named on chain.
 */
export const INDUSTRIES = ["housing", "transport", "water", "energy", "other"] as const;
export type Industry = (typeof INDUSTRIES)[number];
export const JURISDICTION_INDUSTRIES = [...INDUSTRIES, "any"] as const;
export type JurisdictionIndustry = (typeof JURISDICTION_INDUSTRIES)[number];

export const INDUSTRY_NAMES: Record<JurisdictionIndustry, { zh: string; en: string }> = {
  housing: { zh: "房屋建筑和市政基础设施", en: "housing and municipal works" },
  transport: { zh: "交通运输", en: "transport" },
  water: { zh: "水利", en: "water conservancy" },
  energy: { zh: "能源电力", en: "energy and power" },
  other: { zh: "其他", en: "other" },
  any: { zh: "全部行业", en: "every industry" },
};

export const PROCUREMENT_TYPE_NAMES: Record<ProcurementType, { zh: string; en: string }> = {
  engineering: { zh: "工程建设", en: "engineering" },
  government: { zh: "政府采购", en: "government procurement" },
};

export interface Declaration {
  organisationId: string;
  organisationName: string;
  regionCode: string;
  procurementType: ProcurementType;
  industry: JurisdictionIndustry;
}

export interface RoutedRegulator {
  id: string;
  name: string;
  /** The most specific declared region that matched. */
  regionCode: string;
}

const depth = (code: string) => code.replace(/(00)+$/, "").length;

export function covers(d: Pick<Declaration, "regionCode" | "procurementType" | "industry">, project: ProjectScope): boolean {
  return (
    d.procurementType === project.procurementType &&
    (d.industry === "any" || d.industry === project.industry) &&
    regionWithin(project.regionCode, d.regionCode)
  );
}

export interface ProjectScope {
  regionCode: string;
  procurementType: ProcurementType;
  industry: Industry;
}

/** Every regulator with a declaration covering the project, once each, most specific region first, then by name. */
export function routeByJurisdiction(project: ProjectScope, declarations: readonly Declaration[]): RoutedRegulator[] {
  const best = new Map<string, RoutedRegulator>();
  for (const d of declarations) {
    if (!covers(d, project)) continue;
    const seen = best.get(d.organisationId);
    if (!seen || depth(d.regionCode) > depth(seen.regionCode))
      best.set(d.organisationId, { id: d.organisationId, name: d.organisationName, regionCode: d.regionCode });
  }
  return [...best.values()].sort((a, b) => depth(b.regionCode) - depth(a.regionCode) || a.name.localeCompare(b.name, "zh-CN"));
}
