import { describe, expect, it } from "vitest";
import { decryptionBasis, DECRYPTION_RULES, type DecryptionRule } from "#app/domain/opening/decryption.ts";
import { tooFewBids } from "#app/domain/opening/opening-facts.ts";
import { tooFewBidsGuidance } from "#app/domain/opening/too-few-bids.ts";
import { citation, citationForBoth, englishOf, LEGAL_RULES, LEGAL_SOURCES } from "./legal-sources.ts";
import {
  DEFAULT_RULE_SETS,
  minimumBidsBreach,
  PROCUREMENT_TYPES,
  RULE_KEYS,
  RULE_SOURCES,
  ruleSetBreaches,
  STATUTORY_BOUNDS,
  type RuleSet,
} from "./rule-set.ts";

/**
 * Decision 33: the statutory floors and ceilings of the rule sets, each at its exact boundary for
 * both procurement types, and the source table every citation comes from.
 */
const withRules = (type: (typeof PROCUREMENT_TYPES)[number], change: Partial<RuleSet>): RuleSet => ({
  ...DEFAULT_RULE_SETS[type],
  ...change,
});
const breaches = (type: (typeof PROCUREMENT_TYPES)[number], change: Partial<RuleSet>) =>
  ruleSetBreaches(withRules(type, change)).map((b) => b.rule);

describe.each(PROCUREMENT_TYPES)("the rule set's statutory bounds, %s", (type) => {
  it("holds the default rule set lawful, at every bound exactly", () => {
    expect(ruleSetBreaches(DEFAULT_RULE_SETS[type])).toEqual([]);
  });

  it("documents → deadline: 20 days is the floor, 19 is refused naming 法 24 / GP法 35", () => {
    expect(breaches(type, { documentsToDeadlineDays: 20 })).toEqual([]);
    expect(breaches(type, { documentsToDeadlineDays: 30 })).toEqual([]);
    const [b] = ruleSetBreaches(withRules(type, { documentsToDeadlineDays: 19 }));
    expect(b).toMatchObject({ rule: "documentsToDeadlineDays", value: 19, bound: { kind: "atLeast", value: 20 } });
    expect(b!.source).toEqual(
      type === "engineering"
        ? { zh: "招标投标法第二十四条", en: "Bidding Law Art 24" }
        : { zh: "政府采购法第三十五条", en: "Government Procurement Law Art 35" },
    );
  });

  it("documents on sale: 5 (GP: 5 working days) is the floor; calendar days never meet a working-day floor", () => {
    const unit = type === "engineering" ? "calendarDays" : "workingDays";
    expect(breaches(type, { documentsOnSale: { count: 5, unit } })).toEqual([]);
    expect(breaches(type, { documentsOnSale: { count: 4, unit } })).toEqual(["documentsOnSale"]);
    expect(breaches(type, { documentsOnSale: { count: 5, unit: "workingDays" } })).toEqual([]);
    expect(breaches(type, { documentsOnSale: { count: 7, unit: "calendarDays" } })).toEqual(
      type === "engineering" ? [] : ["documentsOnSale"],
    );
  });

  it("clarification: 15 days before the deadline is the floor", () => {
    expect(breaches(type, { clarificationLeadDays: 15 })).toEqual([]);
    expect(breaches(type, { clarificationLeadDays: 14 })).toEqual(["clarificationLeadDays"]);
  });

  it("objection to the documents: 10 days before the deadline is a ceiling — demanding it earlier refuses objections the law admits", () => {
    expect(breaches(type, { documentObjectionLeadDays: 10 })).toEqual([]);
    expect(breaches(type, { documentObjectionLeadDays: 7 })).toEqual([]);
    expect(breaches(type, { documentObjectionLeadDays: 11 })).toEqual(["documentObjectionLeadDays"]);
  });

  it("bid security: 2% (200 basis points) is the ceiling; performance security 10%", () => {
    expect(breaches(type, { bidSecurityMaxBasisPoints: 200 })).toEqual([]);
    expect(breaches(type, { bidSecurityMaxBasisPoints: 150 })).toEqual([]);
    expect(breaches(type, { bidSecurityMaxBasisPoints: 201 })).toEqual(["bidSecurityMaxBasisPoints"]);
    expect(breaches(type, { performanceSecurityMaxBasisPoints: 1000 })).toEqual([]);
    expect(breaches(type, { performanceSecurityMaxBasisPoints: 1001 })).toEqual(["performanceSecurityMaxBasisPoints"]);
  });

  it("minimum bids: the law fixes 3 — 2 would open what may not be opened, 4 would fail lawful tenders", () => {
    expect(breaches(type, { minimumBids: 3 })).toEqual([]);
    expect(breaches(type, { minimumBids: 2 })).toEqual(["minimumBids"]);
    expect(breaches(type, { minimumBids: 4 })).toEqual(["minimumBids"]);
    expect(minimumBidsBreach(type, 3)).toBeNull();
    expect(minimumBidsBreach(type, 4)).toMatchObject({ bound: { kind: "exactly", value: 3 } });
    expect(minimumBidsBreach(type, 4)!.source.zh).toBe(
      type === "engineering" ? "招标投标法第二十八条、实施条例第四十四条" : "87号令第四十一条",
    );
  });

  it("lists every breach, in the order of the rule keys", () => {
    expect(breaches(type, { minimumBids: 5, documentsToDeadlineDays: 1, bidSecurityMaxBasisPoints: 500 })).toEqual([
      "documentsToDeadlineDays",
      "bidSecurityMaxBasisPoints",
      "minimumBids",
    ]);
  });

  it("fewer than 3 bids: no opening, 3 may be opened; the failure cites the section's law and says what comes next", () => {
    expect(tooFewBids(2, DEFAULT_RULE_SETS[type].minimumBids)).toBe(true);
    expect(tooFewBids(3, DEFAULT_RULE_SETS[type].minimumBids)).toBe(false);
    const guidance = tooFewBidsGuidance(type);
    if (type === "engineering") {
      expect(guidance.source.zh).toBe("招标投标法第二十八条、实施条例第四十四条");
      expect(guidance.nextSteps.map((s) => s.id)).toEqual(["retender"]);
    } else {
      expect(guidance.source).toEqual({ zh: "87号令第四十一条", en: "MOF Order 87 Art 41" });
      expect(guidance.nextStepSource.zh).toContain("87号令第四十三条");
      expect(guidance.nextSteps.map((s) => s.id)).toEqual(["correctAndRetender", "otherMethod"]);
      expect(guidance.nextSteps[1]!.zh).toContain("报财政部门批准");
      expect(guidance.nextSteps[1]!.zh).toContain("竞争性谈判");
      expect(JSON.stringify(guidance)).not.toContain("招标投标法");
    }
  });
});

/** Rules that only government procurement has: no engineering article (decisions 33, 39). */
const GP_ONLY: readonly string[] = ["absentBidderAccepts", "failureOverBudget", "failureCancelled"];

describe("the legal source table", () => {
  it("has an article, in Chinese and English, for every rule of both types, except GP's rules that have no engineering twin", () => {
    for (const rule of LEGAL_RULES)
      for (const type of PROCUREMENT_TYPES) {
        const cite = LEGAL_SOURCES[rule][type];
        if (GP_ONLY.includes(rule) && type === "engineering") {
          expect(cite).toBeNull();
          expect(() => citation(rule, type)).toThrow();
          continue;
        }
        expect(cite?.zh, `${rule}/${type}`).toMatch(/第|号/);
        expect(cite?.en, `${rule}/${type}`).toMatch(/Art|No\./);
      }
  });

  it("keeps the rule set's Chinese sources as the records print them, and every number has a bound", () => {
    expect(RULE_SOURCES.engineering.documentsToDeadlineDays).toBe("招标投标法第二十四条");
    expect(RULE_SOURCES.government.documentsOnSale).toBe("政府采购货物和服务招标投标管理办法（87号令）第十八条");
    for (const type of PROCUREMENT_TYPES) for (const key of RULE_KEYS) expect(STATUTORY_BOUNDS[type][key]).toBeDefined();
  });

  it("gives the English of a Chinese citation, and joins the two types where a page covers both", () => {
    expect(englishOf("招标投标法实施条例第二十六条")).toBe("Regulations on the Bidding Law Art 26");
    expect(englishOf("某地方规定")).toBe("某地方规定");
    expect(citationForBoth("suspension").zh).toBe("工程建设：招标投标法实施条例第六十二条；政府采购：政府采购法第五十七条");
  });

  it("cites 条例 35 for a revoked bid only in engineering; government procurement applies 办法 31 by analogy", () => {
    for (const rule of Object.keys(DECRYPTION_RULES) as DecryptionRule[]) {
      expect(decryptionBasis(rule, "engineering")).toEqual(DECRYPTION_RULES[rule].basis);
      expect(decryptionBasis(rule, "government").zh).not.toContain("招标投标法实施条例");
      expect(decryptionBasis(rule, "government").zh).toContain("参照");
    }
    expect(decryptionBasis("WRONG_KEY", "engineering").zh).toContain("第三十五条");
  });
});
