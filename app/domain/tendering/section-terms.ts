import type { ProcurementType } from "./rule-set.ts";

/**
 * The closed lists a section's terms choose from, shared by the forms (browser) and the services.
 */

/** Evaluation methods by procurement type. */
export const EVALUATION_METHODS = {
  // 经评审的最低投标价法 / 综合评估法 (招标投标法实施条例; 七部委12号令)
  engineering: ["lowestEvaluatedPrice", "comprehensiveEvaluation"],
  // 最低评标价法 / 综合评分法 (87号令 Art 53)
  government: ["lowestPrice", "comprehensiveScoring"],
} as const satisfies Record<ProcurementType, readonly string[]>;
export type EvaluationMethod = (typeof EVALUATION_METHODS)[ProcurementType][number];

export function isEvaluationMethodOf(type: ProcurementType, method: string): method is EvaluationMethod {
  return (EVALUATION_METHODS[type] as readonly string[]).includes(method);
}

/** Accepted bid security forms; electronic guarantees are always among them (发改法规〔2023〕27号). */
export const SECURITY_FORMS = ["guarantee", "transfer", "creditCommitment"] as const;
export type SecurityForm = (typeof SECURITY_FORMS)[number];
