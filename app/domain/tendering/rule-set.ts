import { citation, type Citation, type LegalRule } from "./legal-sources.ts";

/**
 * The numbers of DOMAIN.md §4 as data, one rule set per procurement type. They are seeded from
 * these defaults into the `rule_sets` table and edited by the operator with history; every check
 * reads a RuleSet passed in, never these constants directly.
 */
export const PROCUREMENT_TYPES = ["engineering", "government"] as const;
export type ProcurementType = (typeof PROCUREMENT_TYPES)[number];

export interface RuleSet {
  procurementType: ProcurementType;
  /** Documents issued → bid deadline, in calendar days (法 24 / GP法 35). */
  documentsToDeadlineDays: number;
  /** Whom that minimum binds: engineering only projects that must be tendered by law; GP every tender. */
  documentsToDeadlineAppliesTo: "mandatory" | "all";
  /** Documents on sale at least this long (条例 16: 5 days; 87号令: 5 working days). */
  documentsOnSale: { count: number; unit: "calendarDays" | "workingDays" };
  /** A clarification or amendment affecting bid preparation comes at least this many days before the deadline (条例 21; 87号令 27). */
  clarificationLeadDays: number;
  /** An objection to the tender documents comes at least this many days before the deadline (条例 22). */
  documentObjectionLeadDays: number;
  /** Bid security at most this share of the estimate (GP: budget), in basis points (条例 26, GP条例 33). */
  bidSecurityMaxBasisPoints: number;
  /** Performance security at most this share of the contract price, in basis points (条例 58, GP条例 48). */
  performanceSecurityMaxBasisPoints: number;
  /** Fewer bids than this at the deadline: no opening, re-tender (法 28, 条例 44, 87号令 41). */
  minimumBids: number;
}

export const DEFAULT_RULE_SETS: Record<ProcurementType, RuleSet> = {
  engineering: {
    procurementType: "engineering",
    documentsToDeadlineDays: 20,
    documentsToDeadlineAppliesTo: "mandatory",
    documentsOnSale: { count: 5, unit: "calendarDays" },
    clarificationLeadDays: 15,
    documentObjectionLeadDays: 10,
    bidSecurityMaxBasisPoints: 200,
    performanceSecurityMaxBasisPoints: 1000,
    minimumBids: 3,
  },
  government: {
    procurementType: "government",
    documentsToDeadlineDays: 20,
    documentsToDeadlineAppliesTo: "all",
    documentsOnSale: { count: 5, unit: "workingDays" },
    clarificationLeadDays: 15,
    documentObjectionLeadDays: 10,
    bidSecurityMaxBasisPoints: 200,
    performanceSecurityMaxBasisPoints: 1000,
    minimumBids: 3,
  },
};

/** The numbers of a rule set, each with its statutory bound and source. */
export const RULE_KEYS = [
  "documentsToDeadlineDays",
  "documentsOnSale",
  "clarificationLeadDays",
  "documentObjectionLeadDays",
  "bidSecurityMaxBasisPoints",
  "performanceSecurityMaxBasisPoints",
  "minimumBids",
] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

/** Which rule of the source table (legal-sources.ts) each number implements. */
const LEGAL_RULE_OF: Record<RuleKey, LegalRule> = {
  documentsToDeadlineDays: "documentsToDeadline",
  documentsOnSale: "documentsOnSale",
  clarificationLeadDays: "clarificationLead",
  documentObjectionLeadDays: "documentObjectionLead",
  bidSecurityMaxBasisPoints: "bidSecurityCap",
  performanceSecurityMaxBasisPoints: "performanceSecurityCap",
  minimumBids: "minimumBids",
};

/** Where each number comes from, in both languages. */
export function ruleSource(type: ProcurementType, key: RuleKey): Citation {
  return citation(LEGAL_RULE_OF[key], type);
}

/** Where each number comes from (Chinese), shown next to it in the operator's editor and in errors. */
export const RULE_SOURCES: Record<ProcurementType, Record<RuleKey, string>> = Object.fromEntries(
  PROCUREMENT_TYPES.map((type) => [type, Object.fromEntries(RULE_KEYS.map((k) => [k, ruleSource(type, k).zh]))]),
) as Record<ProcurementType, Record<RuleKey, string>>;

export type RuleUnit = "calendarDays" | "workingDays" | "basisPoints" | "bids";

/**
 * What the law allows for one number (decision 33): `atLeast` a floor the operator may raise,
 * `atMost` a ceiling it may lower, `exactly` a number the law fixes.
 */
export interface StatutoryBound {
  kind: "atLeast" | "atMost" | "exactly";
  value: number;
  unit: RuleUnit;
}

const atLeast = (value: number, unit: RuleUnit): StatutoryBound => ({ kind: "atLeast", value, unit });
const atMost = (value: number, unit: RuleUnit): StatutoryBound => ({ kind: "atMost", value, unit });

/**
 * The statutory bounds, as data beside their sources (`ruleSource`):
 * - 20 days documents → deadline (法 24 / GP法 35), 5 days (GP: 5 working days) on sale (条例 16 /
 *   87号令 18), 15 days for a clarification (条例 21 / 87号令 27): floors, more protects bidders;
 * - an objection to the documents at the latest 10 days before the deadline (条例 22): a ceiling —
 *   demanding it earlier would refuse objections the law admits;
 * - bid security 2 % (条例 26 / GP条例 33) and performance security 10 % (条例 58 / GP条例 48): ceilings;
 * - 3 bids (法 28, 条例 44 / 87号令 41): fixed — fewer may not be opened, and a tender with 3 lawful
 *   bids must be; a minimum of 4 would fail tenders the law holds good.
 */
export const STATUTORY_BOUNDS: Record<ProcurementType, Record<RuleKey, StatutoryBound>> = {
  engineering: {
    documentsToDeadlineDays: atLeast(20, "calendarDays"),
    documentsOnSale: atLeast(5, "calendarDays"),
    clarificationLeadDays: atLeast(15, "calendarDays"),
    documentObjectionLeadDays: atMost(10, "calendarDays"),
    bidSecurityMaxBasisPoints: atMost(200, "basisPoints"),
    performanceSecurityMaxBasisPoints: atMost(1000, "basisPoints"),
    minimumBids: { kind: "exactly", value: 3, unit: "bids" },
  },
  government: {
    documentsToDeadlineDays: atLeast(20, "calendarDays"),
    documentsOnSale: atLeast(5, "workingDays"),
    clarificationLeadDays: atLeast(15, "calendarDays"),
    documentObjectionLeadDays: atMost(10, "calendarDays"),
    bidSecurityMaxBasisPoints: atMost(200, "basisPoints"),
    performanceSecurityMaxBasisPoints: atMost(1000, "basisPoints"),
    minimumBids: { kind: "exactly", value: 3, unit: "bids" },
  },
};

/** A number of a rule set that the law does not allow, with the bound and its source. */
export interface RuleSetBreach {
  rule: RuleKey;
  value: number;
  unit: RuleUnit;
  bound: StatutoryBound;
  source: Citation;
}

/** The value of `key` in `rules`, with its unit. */
function valueOf(rules: RuleSet, key: RuleKey): { value: number; unit: RuleUnit } {
  if (key === "documentsOnSale") return { value: rules.documentsOnSale.count, unit: rules.documentsOnSale.unit };
  const unit = STATUTORY_BOUNDS[rules.procurementType][key].unit;
  return { value: rules[key], unit };
}

/** Whether `value` in `unit` keeps within `bound`. Working days are never fewer than calendar days, so N working days meet a floor of N days; N days never meet a floor of N working days. */
export function withinBound(bound: StatutoryBound, value: number, unit: RuleUnit): boolean {
  if (bound.unit === "workingDays" && unit === "calendarDays") return false;
  if (bound.kind === "atLeast") return value >= bound.value;
  if (bound.kind === "atMost") return value <= bound.value;
  return value === bound.value;
}

/** Every number of `rules` that goes beyond the law, in the order of {@link RULE_KEYS}; empty when lawful. */
export function ruleSetBreaches(rules: RuleSet): RuleSetBreach[] {
  const type = rules.procurementType;
  return RULE_KEYS.flatMap((rule) => {
    const bound = STATUTORY_BOUNDS[type][rule];
    const { value, unit } = valueOf(rules, rule);
    return withinBound(bound, value, unit) ? [] : [{ rule, value, unit, bound, source: ruleSource(type, rule) }];
  });
}

/**
 * A section's minimum number of bids: the law fixes it (法 28, 条例 44 / 87号令 41), so a section may
 * neither lower nor raise it. Null when lawful.
 */
export function minimumBidsBreach(type: ProcurementType, minimumBids: number): RuleSetBreach | null {
  const bound = STATUTORY_BOUNDS[type].minimumBids;
  if (withinBound(bound, minimumBids, "bids")) return null;
  return { rule: "minimumBids", value: minimumBids, unit: "bids", bound, source: ruleSource(type, "minimumBids") };
}

/** Each number's name in both languages, for refusals. */
export const RULE_LABELS: Record<RuleKey, Citation> = {
  documentsToDeadlineDays: { zh: "招标文件发出至投标截止", en: "documents issued to bid deadline" },
  documentsOnSale: { zh: "招标文件发售期", en: "documents on sale" },
  clarificationLeadDays: { zh: "澄清或修改最迟于投标截止前", en: "clarification at the latest before the deadline" },
  documentObjectionLeadDays: {
    zh: "对招标文件提出异议最迟于投标截止前",
    en: "objection to the documents at the latest before the deadline",
  },
  bidSecurityMaxBasisPoints: { zh: "投标保证金上限", en: "bid security cap" },
  performanceSecurityMaxBasisPoints: { zh: "履约保证金上限", en: "performance security cap" },
  minimumBids: { zh: "最少投标人数", en: "minimum number of bids" },
};

/** A quantity in words: "20 日", "5 个工作日", "2%", "3 家" / "20 days", "5 working days", "2%", "3 bids". */
export function quantityText(value: number, unit: RuleUnit): Citation {
  switch (unit) {
    case "calendarDays":
      return { zh: `${value} 日`, en: `${value} ${value === 1 ? "day" : "days"}` };
    case "workingDays":
      return { zh: `${value} 个工作日`, en: `${value} working ${value === 1 ? "day" : "days"}` };
    case "basisPoints":
      return { zh: `${value / 100}%`, en: `${value / 100}%` };
    case "bids":
      return { zh: `${value} 家`, en: `${value} ${value === 1 ? "bid" : "bids"}` };
  }
}

/** The bound in words: "不少于 20 日" / "at least 20 days". */
export function boundText(bound: StatutoryBound): Citation {
  const q = quantityText(bound.value, bound.unit);
  if (bound.kind === "atLeast") return { zh: `不少于 ${q.zh}`, en: `at least ${q.en}` };
  if (bound.kind === "atMost") return { zh: `不超过 ${q.zh}`, en: `at most ${q.en}` };
  return { zh: `恰为 ${q.zh}`, en: `exactly ${q.en}` };
}
