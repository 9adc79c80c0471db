import { describe, expect, it } from "vitest";
import { defaultTerms, type EvaluationTerms } from "./evaluation-terms.ts";
import { scorePrices, PriceScoreInputError } from "./price-score.ts";
import { rational, toFixed, toScaled } from "./rational.ts";

const yuan = (y: number) => BigInt(y) * 100n;
const deviation = (over: Partial<Extract<NonNullable<EvaluationTerms["priceFormula"]>, { kind: "deviation" }>> = {}): EvaluationTerms => ({
  weights: { price: 60, technical: 30, commercial: 10 },
  priceFormula: {
    kind: "deviation",
    base: "average",
    coefficientBasisPoints: 9700,
    deductAboveHundredths: 100,
    deductBelowHundredths: 50,
    ...over,
  },
  abnormalLowBasisPoints: 8500,
});
const byId = (s: ReturnType<typeof scorePrices>) => Object.fromEntries(s.rows.map((r) => [r.id, r]));

describe("exact rationals", () => {
  it("round half away from zero and keep exact values exact", () => {
    expect(toFixed(rational(2, 3), 4)).toBe("0.6667");
    expect(toFixed(rational(1, 8), 2)).toBe("0.13"); // 0.125 → 0.13
    expect(toFixed(rational(-1, 8), 2)).toBe("-0.13");
    expect(toScaled(rational(5520, 97), 2)).toBe(5691n);
    expect(rational(6, -4)).toEqual({ n: -3n, d: 2n });
  });
});

describe("price points by deviation from the average × coefficient (hand-computed)", () => {
  // avg = 1,000,000.00; base = 970,000.00
  // A 1,000,000: +300/97 % → 60 − 300/97 = 5520/97 = 56.907… → 56.91
  // B   950,000: −200/97 % → 60 − 0.5 × 200/97 = 5720/97 = 58.969… → 58.97
  // C 1,050,000: +800/97 % → 60 − 800/97 = 5020/97 = 51.752… → 51.75
  const s = scorePrices("comprehensiveEvaluation", deviation(), [
    { id: "A", priceFen: yuan(1_000_000) },
    { id: "B", priceFen: yuan(950_000) },
    { id: "C", priceFen: yuan(1_050_000) },
  ]);
  it("computes the base, the exact points and the ranks", () => {
    expect(s.average).toEqual(rational(yuan(1_000_000)));
    expect(s.base).toEqual(rational(yuan(970_000)));
    const r = byId(s);
    expect(r.A!.score).toEqual(rational(5520, 97));
    expect(r.A!.scoreHundredths).toBe(5691n);
    expect(r.B!.score).toEqual(rational(5720, 97));
    expect(r.B!.scoreHundredths).toBe(5897n);
    expect(r.C!.score).toEqual(rational(5020, 97));
    expect(r.C!.scoreHundredths).toBe(5175n);
    expect([r.B!.rank, r.A!.rank, r.C!.rank]).toEqual([1, 2, 3]);
    expect(s.rows.some((x) => x.abnormalLow)).toBe(false);
  });
  it("shows the formula with the numbers put in", () => {
    expect(s.working.zh).toContain("3,000,000.00 ÷ 3 = 1,000,000.00 元");
    expect(s.working.zh).toContain("评标基准价 = 1,000,000.00 × 97.00% = 970,000.00 元");
    expect(byId(s).C!.working.zh).toContain("(1,050,000.00 − 970,000.00) ÷ 970,000.00 × 100 = 8.2474…%");
    expect(byId(s).C!.working.zh).toContain("= 51.7526…");
  });
  it("never goes below 0 points", () => {
    const far = scorePrices("comprehensiveEvaluation", deviation({ base: "lowest" }), [
      { id: "low", priceFen: yuan(100) },
      { id: "high", priceFen: yuan(200) }, // +100% → 60 − 100 → 0
    ]);
    expect(byId(far).low!.scoreHundredths).toBe(6000n);
    expect(byId(far).high!.score).toEqual(rational(0));
    expect(byId(far).high!.working.zh).toContain("不低于 0");
  });
});

describe("ties, one valid bid, the abnormal-low threshold", () => {
  it("gives equal prices equal points and the same rank", () => {
    const s = scorePrices("comprehensiveEvaluation", deviation(), [
      { id: "A", priceFen: yuan(900_000) },
      { id: "B", priceFen: yuan(900_000) },
      { id: "C", priceFen: yuan(1_200_000) },
    ]);
    // avg 1,000,000; base 970,000; A, B: −70,000 ÷ 970,000 × 100 = −700/97 % → 60 − 0.5 × 700/97 = 5470/97 = 56.391… → 56.39
    const r = byId(s);
    expect(r.A!.score).toEqual(r.B!.score);
    expect(r.A!.score).toEqual(rational(5470, 97));
    expect(r.A!.scoreHundredths).toBe(5639n);
    expect([r.A!.rank, r.B!.rank, r.C!.rank]).toEqual([1, 1, 3]);
  });
  it("scores a single valid bid against itself", () => {
    const one = [{ id: "only", priceFen: 123_456_789n }];
    const avg = scorePrices("comprehensiveEvaluation", deviation(), one);
    expect(avg.rows[0]!.score).toEqual(rational(5520, 97)); // +3/97 of itself = 300/97 %
    expect(avg.rows[0]!.rank).toBe(1);
    const lowest = scorePrices("comprehensiveEvaluation", deviation({ base: "lowest" }), one);
    expect(lowest.rows[0]!.score).toEqual(rational(60));
    expect(lowest.rows[0]!.working.zh).toBe("报价等于基准价，得 60 分");
    expect(scorePrices("comprehensiveScoring", defaultTerms("government", "comprehensiveScoring"), one).rows[0]!.score).toEqual(
      rational(30),
    );
  });
  it("does not flag a price exactly at the threshold, and flags one fen below", () => {
    // 23,000,000 and 17,000,000 fen: average 20,000,000, 85% = 17,000,000 exactly
    const at = scorePrices("comprehensiveEvaluation", deviation(), [
      { id: "a", priceFen: 23_000_000n },
      { id: "z", priceFen: 17_000_000n },
    ]);
    expect(at.abnormalThreshold).toEqual(rational(17_000_000));
    expect(byId(at).z!.abnormalLow).toBe(false);
    // 16,999,999: average 19,999,999.5, threshold 16,999,999.575 → below
    const below = scorePrices("lowestEvaluatedPrice", defaultTerms("engineering", "lowestEvaluatedPrice"), [
      { id: "a", priceFen: 23_000_000n },
      { id: "z", priceFen: 16_999_999n },
    ]);
    expect(below.abnormalThreshold).toEqual(rational(16_999_999_575n, 1000n));
    expect(byId(below).z!.abnormalLow).toBe(true);
    expect(byId(below).a!.abnormalLow).toBe(false);
  });
});

describe("GP benchmark ratio (87号令 Art 55) and lowest price", () => {
  it("gives lowest ÷ price × weight", () => {
    const s = scorePrices("comprehensiveScoring", defaultTerms("government", "comprehensiveScoring"), [
      { id: "a", priceFen: yuan(80) },
      { id: "b", priceFen: yuan(100) },
      { id: "c", priceFen: yuan(120) },
    ]);
    const r = byId(s);
    expect([r.a!.scoreHundredths, r.b!.scoreHundredths, r.c!.scoreHundredths]).toEqual([3000n, 2400n, 2000n]);
    expect(r.b!.working.zh).toBe("80.00 ÷ 100.00 × 30 = 24");
  });
  it("ranks by price under a lowest-price method, with no points", () => {
    const s = scorePrices("lowestPrice", defaultTerms("government", "lowestPrice"), [
      { id: "a", priceFen: yuan(100) },
      { id: "b", priceFen: yuan(90) },
      { id: "c", priceFen: yuan(100) },
    ]);
    const r = byId(s);
    expect([r.a!.rank, r.b!.rank, r.c!.rank]).toEqual([2, 1, 2]);
    expect(r.a!.score).toBeNull();
  });
  it("refuses no bids, a bid twice or a non-positive price", () => {
    const t = deviation();
    expect(() => scorePrices("comprehensiveEvaluation", t, [])).toThrow(PriceScoreInputError);
    expect(() =>
      scorePrices("comprehensiveEvaluation", t, [
        { id: "a", priceFen: 1n },
        { id: "a", priceFen: 2n },
      ]),
    ).toThrow(PriceScoreInputError);
    expect(() => scorePrices("comprehensiveEvaluation", t, [{ id: "a", priceFen: 0n }])).toThrow(PriceScoreInputError);
  });
});
