import { describe, expect, it } from "vitest";
import { KIND_RULES, kindConflict, kindConflictParams, projectPartyConflict, PROJECT_PARTY_RULES } from "./organisation-kinds.ts";
import { ORGANISATION_KINDS, type OrganisationKind } from "./permissions.ts";

describe("organisation kinds that must not mix", () => {
  const pairs = ORGANISATION_KINDS.flatMap((a, i) =>
    ORGANISATION_KINDS.slice(i + 1).map((b) => [a, b] as [OrganisationKind, OrganisationKind]),
  );
  const forbidden: Record<string, string> = {
    "bidder+regulator": "regulator-not-a-market-party",
    "agency+regulator": "regulator-not-a-market-party",
    "guarantor+regulator": "regulator-not-a-market-party",
    "bidder+operator": "operator-not-a-market-party",
    "agency+operator": "operator-not-a-market-party",
    "guarantor+operator": "operator-not-a-market-party",
    "regulator+operator": "venue-not-under-regulator",
  };

  it.each(pairs)("%s with %s", (a, b) => {
    const rule = forbidden[`${a}+${b}`] ?? forbidden[`${b}+${a}`] ?? null;
    expect(kindConflict([a, b])?.rule.id ?? null).toBe(rule);
    expect(kindConflict([b, a])?.rule.id ?? null).toBe(rule);
  });

  it("lets a company tender its own purchases and bid in others', and a bank be a bidder and a guarantor", () => {
    expect(kindConflict(["bidder", "tenderer"])).toBeNull();
    expect(kindConflict(["bidder", "guarantor", "tenderer", "agency"])).toBeNull();
    expect(kindConflict(["bidder"])).toBeNull();
    expect(kindConflict([])).toBeNull();
  });

  it("finds the conflict among several kinds and names the rule with its source in both languages", () => {
    const conflict = kindConflict(["tenderer", "bidder", "finance", "regulator"])!;
    expect(conflict.kinds).toEqual(["bidder", "regulator"]);
    expect(kindConflictParams(conflict)).toMatchObject({
      kindAZh: "投标人",
      kindBZh: "行政监督部门",
      rule: "regulator-not-a-market-party",
      sourceZh: expect.stringContaining("《招标投标法》第十四条"),
      sourceEn: expect.stringContaining("Government Procurement Law Art 60"),
    });
    expect(KIND_RULES.operatorMarket.sourceZh).toContain("《电子招标投标办法》第二十三条");
  });
});

describe("who never bids in a project", () => {
  const project = { tendererOrganisationId: "tenderer", agencyOrganisationId: "agency" };

  it("refuses the project's agency (条例 Art 13) and its tenderer", () => {
    expect(projectPartyConflict({ organisationId: "agency", ...project })).toBe(PROJECT_PARTY_RULES.agency);
    expect(PROJECT_PARTY_RULES.agency.sourceZh).toBe("《招标投标法实施条例》第十三条");
    expect(projectPartyConflict({ organisationId: "tenderer", ...project })).toBe(PROJECT_PARTY_RULES.tenderer);
  });

  it("lets any other organisation bid, an agency of another project too", () => {
    expect(projectPartyConflict({ organisationId: "bidder", ...project })).toBeNull();
    expect(
      projectPartyConflict({ organisationId: "agency", tendererOrganisationId: "tenderer", agencyOrganisationId: "another agency" }),
    ).toBeNull();
  });

  it("handles a tenderer that tenders by itself (no agency)", () => {
    expect(projectPartyConflict({ organisationId: "bidder", tendererOrganisationId: "tenderer", agencyOrganisationId: null })).toBeNull();
    expect(
      projectPartyConflict({ organisationId: "tenderer", tendererOrganisationId: "tenderer", agencyOrganisationId: null })?.party,
    ).toBe("tenderer");
  });
});
