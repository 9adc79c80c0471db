import { describe, expect, it } from "vitest";
import { routeByJurisdiction, type Declaration } from "./jurisdiction.ts";

const d = (
  organisationId: string,
  regionCode: string,
  procurementType: Declaration["procurementType"],
  industry: Declaration["industry"],
): Declaration => ({
  organisationId,
  organisationName: `监管${organisationId}`,
  regionCode,
  procurementType,
  industry,
});

describe("routeByJurisdiction", () => {
  const declarations = [
    d("province", "350000", "engineering", "any"),
    d("city-housing", "350100", "engineering", "housing"),
    d("city-water", "350100", "engineering", "water"),
    d("xiamen", "350200", "engineering", "any"),
    d("finance", "350100", "government", "any"),
  ];

  it("sends a complaint to every matching regulator, the most specific region first", () => {
    const routed = routeByJurisdiction({ regionCode: "350102", procurementType: "engineering", industry: "housing" }, declarations);
    expect(routed.map((r) => r.id)).toEqual(["city-housing", "province"]);
  });

  it("matches the procurement type and the industry", () => {
    expect(
      routeByJurisdiction({ regionCode: "350100", procurementType: "government", industry: "other" }, declarations).map((r) => r.id),
    ).toEqual(["finance"]);
    expect(
      routeByJurisdiction({ regionCode: "350100", procurementType: "engineering", industry: "energy" }, declarations).map((r) => r.id),
    ).toEqual(["province"]);
  });

  it("lists a regulator once, by its most specific matching declaration", () => {
    const routed = routeByJurisdiction({ regionCode: "350100", procurementType: "engineering", industry: "water" }, [
      ...declarations,
      d("province", "350100", "engineering", "water"),
    ]);
    expect(routed.map((r) => [r.id, r.regionCode])).toEqual([
      ["city-water", "350100"],
      ["province", "350100"],
    ]);
  });

  it("finds nobody outside every declared region", () => {
    expect(routeByJurisdiction({ regionCode: "440300", procurementType: "engineering", industry: "housing" }, declarations)).toEqual([]);
  });
});
