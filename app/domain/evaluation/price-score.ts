import { formatYuan, type Fen } from "#app/domain/shared/money.ts";
import { isComprehensive, type EvaluationTerms } from "./evaluation-terms.ts";
import { cmp, div, formatScaled, max, mul, rational, sub, toFixed, toScaled, ZERO, type Rational } from "./rational.ts";

/**
 * Machine price scoring (机器管招投标; decision 65): every valid bid's price points from the prices
 * read out at the opening, with the section's published formula, in exact arithmetic (fen as
 * bigint, every ratio a {@link Rational}); the points are shown rounded half up to hundredths and
 * stored as hundredths, the ranking compares the exact values. Prices below the abnormal-low
 * threshold are flagged for the committee (条例 Art 51: the committee asks the bidder to explain;
 * the machine never rejects). Pure: the caller passes the valid bids (decrypted, with a price,
 * not rejected by the committee).
 */
export interface PricedBid {
  id: string;
  priceFen: Fen;
}

export interface PriceScoreRow {
  id: string;
  priceFen: Fen;
  /** Exact price points; null under a lowest-price method. */
  score: Rational | null;
  /** `score` rounded half up to hundredths of a point. */
  scoreHundredths: bigint | null;
  /** 1 = best (highest points; lowest price under a lowest-price method); equal prices share a rank. */
  rank: number;
  abnormalLow: boolean;
  /** The formula with this bid's numbers put in. */
  working: { zh: string; en: string };
}

export interface PriceScoring {
  count: number;
  average: Rational;
  lowestFen: Fen;
  /** The base price of a deviation formula, the benchmark of the ratio formula; null under lowest price. */
  base: Rational | null;
  abnormalThreshold: Rational;
  /** How the base and the threshold were found, with the numbers put in. */
  working: { zh: string; en: string };
  rows: PriceScoreRow[];
}

export class PriceScoreInputError extends Error {
  override name = "PriceScoreInputError";
}

const HUNDRED = rational(100);
/** Yuan with fen, for a rational amount of fen: exact amounts as they are, others to 4 decimals of a yuan. */
function yuan(r: Rational): string {
  if (r.d === 1n) return formatYuan(r.n);
  const tenThousandths = toScaled(div(r, HUNDRED), 4);
  const [int = "0", frac = ""] = formatScaled(tenThousandths, 4).split(".");
  return `≈${formatYuan(BigInt(int) * 100n).replace(/\.00$/, "")}.${frac}`;
}
const num = (r: Rational, places = 4) => (r.d === 1n ? r.n.toString() : `${toFixed(r, places)}${isShort(r, places) ? "" : "…"}`);
const isShort = (r: Rational, places: number) => (r.n * 10n ** BigInt(places)) % r.d === 0n;
const bp = (x: number) => rational(x, 10000);
const pctText = (x: number) => `${toFixed(rational(x, 100), 2)}%`;

export function scorePrices(method: string, terms: EvaluationTerms, bids: readonly PricedBid[]): PriceScoring {
  if (bids.length === 0) throw new PriceScoreInputError("no valid bid to score");
  const ids = new Set<string>();
  for (const b of bids) {
    if (ids.has(b.id)) throw new PriceScoreInputError(`bid ${b.id} is listed twice`);
    ids.add(b.id);
    if (b.priceFen <= 0n) throw new PriceScoreInputError(`bid ${b.id} has no positive price`);
  }
  const total = bids.reduce((s, b) => s + b.priceFen, 0n);
  const average = rational(total, bids.length);
  const lowestFen = bids.reduce((m, b) => (b.priceFen < m ? b.priceFen : m), bids[0]!.priceFen);
  const abnormalThreshold = mul(average, bp(terms.abnormalLowBasisPoints));
  const avgText = {
    zh: `有效投标 ${bids.length} 家，平均价 = ${formatYuan(total)} ÷ ${bids.length} = ${yuan(average)} 元`,
    en: `${bids.length} valid bids, average = ${formatYuan(total)} ÷ ${bids.length} = ${yuan(average)} yuan`,
  };
  const thresholdText = {
    zh: `异常低价线 = ${yuan(average)} × ${pctText(terms.abnormalLowBasisPoints)} = ${yuan(abnormalThreshold)} 元（低于此价提请评标委员会审查）`,
    en: `abnormal-low line = ${yuan(average)} × ${pctText(terms.abnormalLowBasisPoints)} = ${yuan(abnormalThreshold)} yuan (prices below it are flagged)`,
  };
  const abnormal = (p: Fen) => cmp(rational(p), abnormalThreshold) < 0;

  const comprehensive = isComprehensive(method) && terms.weights && terms.priceFormula;
  if (!comprehensive) {
    const rows = bids.map((b) => ({
      id: b.id,
      priceFen: b.priceFen,
      score: null,
      scoreHundredths: null,
      rank: 1 + bids.filter((o) => o.priceFen < b.priceFen).length,
      abnormalLow: abnormal(b.priceFen),
      working: { zh: `投标报价 ${formatYuan(b.priceFen)} 元`, en: `price ${formatYuan(b.priceFen)} yuan` },
    }));
    return { count: bids.length, average, lowestFen, base: null, abnormalThreshold, working: join(avgText, thresholdText), rows };
  }

  const weight = rational(terms.weights!.price);
  const f = terms.priceFormula!;
  let base: Rational;
  let baseText: { zh: string; en: string };
  if (f.kind === "ratio" || f.base === "lowest") {
    base = rational(lowestFen);
    baseText = {
      zh: `评标基准价 = 最低有效报价 ${formatYuan(lowestFen)} 元`,
      en: `base = the lowest valid price ${formatYuan(lowestFen)} yuan`,
    };
  } else {
    base = mul(average, bp(f.coefficientBasisPoints));
    baseText = {
      zh: `评标基准价 = ${yuan(average)} × ${pctText(f.coefficientBasisPoints)} = ${yuan(base)} 元`,
      en: `base = ${yuan(average)} × ${pctText(f.coefficientBasisPoints)} = ${yuan(base)} yuan`,
    };
  }

  const scored = bids.map((b) => {
    const price = rational(b.priceFen);
    let score: Rational;
    let working: { zh: string; en: string };
    if (f.kind === "ratio") {
      score = mul(div(base, price), weight);
      working = {
        zh: `${yuan(base)} ÷ ${formatYuan(b.priceFen)} × ${weight.n} = ${num(score)}`,
        en: `${yuan(base)} ÷ ${formatYuan(b.priceFen)} × ${weight.n} = ${num(score)}`,
      };
    } else {
      // deviation in percent: (price − base) ÷ base × 100
      const deviation = mul(div(sub(price, base), base), HUNDRED);
      const above = cmp(deviation, ZERO) > 0;
      const perPercent = rational(above ? f.deductAboveHundredths : f.deductBelowHundredths, 100);
      const magnitude = above ? deviation : sub(ZERO, deviation);
      const deduction = mul(magnitude, perPercent);
      score = max(sub(weight, deduction), ZERO);
      const dev = `(${formatYuan(b.priceFen)} − ${yuan(base)}) ÷ ${yuan(base)} × 100 = ${num(deviation)}%`;
      working =
        cmp(deviation, ZERO) === 0
          ? { zh: `报价等于基准价，得 ${weight.n} 分`, en: `at the base: ${weight.n} points` }
          : {
              zh: `偏差 ${dev}；得分 = ${weight.n} − ${num(magnitude)} × ${num(perPercent, 2)} = ${num(score)}${cmp(score, ZERO) === 0 ? "（不低于 0）" : ""}`,
              en: `deviation ${dev}; points = ${weight.n} − ${num(magnitude)} × ${num(perPercent, 2)} = ${num(score)}${cmp(score, ZERO) === 0 ? " (never below 0)" : ""}`,
            };
    }
    return { b, score, working };
  });
  const rows = scored.map(({ b, score, working }) => ({
    id: b.id,
    priceFen: b.priceFen,
    score,
    scoreHundredths: toScaled(score, 2),
    rank: 1 + scored.filter((o) => cmp(o.score, score) > 0).length,
    abnormalLow: abnormal(b.priceFen),
    working,
  }));
  return { count: bids.length, average, lowestFen, base, abnormalThreshold, working: join(avgText, baseText, thresholdText), rows };
}

function join(...parts: { zh: string; en: string }[]) {
  return { zh: parts.map((p) => p.zh).join("；"), en: parts.map((p) => p.en).join("; ") };
}

/** Sum of points in hundredths (price rounded + technical + commercial as entered). */
export const totalHundredths = (...parts: (bigint | number | null)[]) => parts.reduce<bigint>((s, p) => s + BigInt(p ?? 0), 0n);
