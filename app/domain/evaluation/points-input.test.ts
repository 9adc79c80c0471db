import { describe, expect, it } from "vitest";
import { parsePoints, resultRows } from "./points-input.ts";

describe("points typed by a person", () => {
  it("reads whole points and one or two decimals as hundredths", () => {
    expect(parsePoints("25")).toBe(2500);
    expect(parsePoints(" 25.5 ")).toBe(2550);
    expect(parsePoints("0.05")).toBe(5);
    expect(parsePoints("")).toBeNull();
  });
  it("refuses a third decimal, a sign, a comma or letters", () => {
    for (const s of ["25.555", "-1", "2,5", "abc", "1e2", "1000"]) expect(parsePoints(s)).toBe("invalid");
  });
});

describe("the committee's rows", () => {
  const row = (id: string, rank: string, valid = true) => ({
    organisationId: id,
    valid,
    reason: valid ? "" : " 低于成本 ",
    technical: "20",
    commercial: "8.5",
    rank,
  });
  it("orders the candidates by the rank chosen and keeps points only for valid scored bids", () => {
    const r = resultRows([row("b", "2"), row("a", "1"), row("c", "", false)], true);
    expect("problem" in r).toBe(false);
    if ("problem" in r) return;
    expect(r.candidates).toEqual(["a", "b"]);
    expect(r.bids[0]).toMatchObject({ technicalHundredths: 2000, commercialHundredths: 850 });
    expect(r.bids[2]).toMatchObject({ valid: false, rejectionReason: "低于成本", technicalHundredths: null });
  });
  it("names unreadable points and a rank given twice", () => {
    expect(resultRows([{ ...row("a", "1"), technical: "x" }], true)).toEqual({
      problem: { kind: "points", organisationId: "a", part: "technical" },
    });
    expect(resultRows([row("a", "1"), row("b", "1")], true)).toEqual({ problem: { kind: "rankTwice", rank: 1 } });
  });
  it("takes no points under a lowest-price method", () => {
    const r = resultRows([row("a", "1")], false);
    expect("problem" in r ? null : r.bids[0]).toMatchObject({ technicalHundredths: null, commercialHundredths: null });
  });
});
