import { z } from "zod";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import type { EvaluationMethod } from "#app/domain/tendering/section-terms.ts";

/**
 * How a section's bids are evaluated, fixed when the section is created and shown in the
 * announcement (decision 65). Two families of method (section-terms.ts):
 * - lowest price (经评审的最低投标价法 / 最低评标价法): the bids that pass the committee's
 *   review are ranked by price; no points;
 * - comprehensive scoring (综合评估法 / 综合评分法): price, technical and commercial points
 *   adding up to 100; the price points come from the published formula:
 *   - `deviation`: a base price (the valid bids' average × the section's downward coefficient,
 *     or the lowest valid price); a bid at the base gets the full price points, and for each
 *     percent above (below) the base the points published are deducted, never below 0;
 *   - `ratio` (GP, 87号令 Art 55): lowest valid price ÷ bid price × price points.
 * Every number is an integer: basis points (1/100 of a percent) for shares, hundredths for points.
 * A price below the abnormal-low threshold (a share of the valid bids' average) is flagged for the
 * committee (条例 Art 51), never rejected by the machine.
 */
export const PriceFormula = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("deviation"),
    base: z.enum(["average", "lowest"]),
    /** average × coefficient, in basis points: 9700 = × 97%; ignored for the lowest-price base (10000). */
    coefficientBasisPoints: z.number().int().min(8000).max(10000),
    /** Points deducted per percent above / below the base, in hundredths of a point. */
    deductAboveHundredths: z.number().int().min(0).max(10000),
    deductBelowHundredths: z.number().int().min(0).max(10000),
  }),
  z.object({ kind: z.literal("ratio") }),
]);
export type PriceFormula = z.infer<typeof PriceFormula>;

export const Weights = z.object({
  price: z.number().int().min(1).max(100),
  technical: z.number().int().min(0).max(99),
  commercial: z.number().int().min(0).max(99),
});
export type Weights = z.infer<typeof Weights>;

export const EvaluationTerms = z.object({
  /** null for the lowest-price methods. */
  weights: Weights.nullable(),
  priceFormula: PriceFormula.nullable(),
  /** Below this share of the valid bids' average a price is flagged (条例 51), in basis points. */
  abnormalLowBasisPoints: z.number().int().min(5000).max(10000),
});
export type EvaluationTerms = z.infer<typeof EvaluationTerms>;

export const isComprehensive = (method: string) => method === "comprehensiveEvaluation" || method === "comprehensiveScoring";

/** The GP floor on price points under comprehensive scoring (87号令 Art 55: goods ≥ 30, services ≥ 10); the platform takes the services floor. */
export const GP_MIN_PRICE_WEIGHT = 10;

export type TermsProblem = "weightsRequired" | "weightsNotAllowed" | "weightsSum" | "formulaRequired" | "gpRatioOnly" | "gpPriceWeight";

/** Why the terms do not fit the method and procurement type, or null. */
export function termsProblem(type: ProcurementType, method: EvaluationMethod, terms: EvaluationTerms): TermsProblem | null {
  if (!isComprehensive(method)) return terms.weights || terms.priceFormula ? "weightsNotAllowed" : null;
  if (!terms.weights) return "weightsRequired";
  if (!terms.priceFormula) return "formulaRequired";
  const { price, technical, commercial } = terms.weights;
  if (price + technical + commercial !== 100) return "weightsSum";
  // 87号令 Art 55: GP price points by the lowest-price benchmark ratio only.
  if (type === "government" && terms.priceFormula.kind !== "ratio") return "gpRatioOnly";
  if (type === "government" && price < GP_MIN_PRICE_WEIGHT) return "gpPriceWeight";
  return null;
}

/** The terms a section gets when its form gives none (and sections created before migration 0027). */
export function defaultTerms(type: ProcurementType, method: string): EvaluationTerms {
  if (!isComprehensive(method)) return { weights: null, priceFormula: null, abnormalLowBasisPoints: 8500 };
  if (type === "government")
    return { weights: { price: 30, technical: 50, commercial: 20 }, priceFormula: { kind: "ratio" }, abnormalLowBasisPoints: 8500 };
  return {
    weights: { price: 60, technical: 30, commercial: 10 },
    priceFormula: {
      kind: "deviation",
      base: "average",
      coefficientBasisPoints: 9700,
      deductAboveHundredths: 100,
      deductBelowHundredths: 50,
    },
    abnormalLowBasisPoints: 8500,
  };
}

const pct = (bp: number) => `${(bp / 100).toFixed(2).replace(/\.?0+$/, "")}%`;
const pts = (h: number) => (h / 100).toFixed(2).replace(/\.?0+$/, "");

/** The terms in words, for the announcement and the pages: `{ zh, en }`. */
export function describeTerms(method: string, terms: EvaluationTerms): { zh: string; en: string } {
  const low = {
    zh: `低于有效投标平均价 ${pct(terms.abnormalLowBasisPoints)} 的报价提请评标委员会审查是否低于成本（条例第五十一条）。`,
    en: `Prices below ${pct(terms.abnormalLowBasisPoints)} of the valid bids' average are flagged for the committee (Regulations Art 51).`,
  };
  if (!isComprehensive(method) || !terms.weights || !terms.priceFormula)
    return { zh: `经评审的投标价由低到高排序。${low.zh}`, en: `Bids that pass the review are ranked by price, lowest first. ${low.en}` };
  const w = terms.weights;
  const weights = {
    zh: `价格分 ${w.price} 分，技术分 ${w.technical} 分，商务分 ${w.commercial} 分，满分 100 分。`,
    en: `Price ${w.price}, technical ${w.technical}, commercial ${w.commercial} points, 100 in all.`,
  };
  const f = terms.priceFormula;
  if (f.kind === "ratio")
    return {
      zh: `${weights.zh}价格分 = 评标基准价（最低有效投标价）÷ 投标报价 × ${w.price}（87号令第五十五条）。${low.zh}`,
      en: `${weights.en} Price points = benchmark (lowest valid price) ÷ bid price × ${w.price} (MOF Order 87 Art 55). ${low.en}`,
    };
  const base =
    f.base === "average"
      ? {
          zh: `评标基准价 = 有效投标报价算术平均值 × ${pct(f.coefficientBasisPoints)}`,
          en: `base = the valid prices' average × ${pct(f.coefficientBasisPoints)}`,
        }
      : { zh: "评标基准价 = 最低有效投标报价", en: "base = the lowest valid price" };
  return {
    zh: `${weights.zh}${base.zh}；报价等于基准价得 ${w.price} 分，每高于基准价 1% 扣 ${pts(f.deductAboveHundredths)} 分，每低于基准价 1% 扣 ${pts(f.deductBelowHundredths)} 分（按比例插值），最低 0 分。${low.zh}`,
    en: `${weights.en} ${base.en}; a price at the base gets ${w.price} points, less ${pts(f.deductAboveHundredths)} per percent above and ${pts(f.deductBelowHundredths)} per percent below (pro rata), never below 0. ${low.en}`,
  };
}
