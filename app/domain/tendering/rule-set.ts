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

/** Where each number comes from, shown next to it in the operator's editor and in errors. */
export const RULE_SOURCES: Record<
  ProcurementType,
  Record<Exclude<keyof RuleSet, "procurementType" | "documentsToDeadlineAppliesTo">, string>
> = {
  engineering: {
    documentsToDeadlineDays: "招标投标法第二十四条",
    documentsOnSale: "招标投标法实施条例第十六条",
    clarificationLeadDays: "招标投标法实施条例第二十一条",
    documentObjectionLeadDays: "招标投标法实施条例第二十二条",
    bidSecurityMaxBasisPoints: "招标投标法实施条例第二十六条",
    performanceSecurityMaxBasisPoints: "招标投标法实施条例第五十八条",
    minimumBids: "招标投标法第二十八条、实施条例第四十四条",
  },
  government: {
    documentsToDeadlineDays: "政府采购法第三十五条",
    documentsOnSale: "政府采购货物和服务招标投标管理办法（87号令）第十八条",
    clarificationLeadDays: "87号令第二十七条",
    documentObjectionLeadDays: "招标投标法实施条例第二十二条（参照）",
    bidSecurityMaxBasisPoints: "政府采购法实施条例第三十三条",
    performanceSecurityMaxBasisPoints: "政府采购法实施条例第四十八条",
    minimumBids: "87号令第四十一条",
  },
};
