import { describe, expect, it } from "vitest";
import { gradeAt, isFlagged, mayOfferCreditCommitment, participationRefusal, type Ban, type CreditRecord } from "./credit.ts";

const d = (s: string) => new Date(`${s}T00:00:00+08:00`);
const rec = (grade: CreditRecord["grade"], from: string, to: string | null = null): CreditRecord => ({
  grade,
  effectiveFrom: d(from),
  effectiveTo: to ? d(to) : null,
  source: "信用中国（福建）",
  reason: grade === "black" ? "列入失信被执行人名单" : "年度评价",
});

describe("credit", () => {
  const history = [rec("orange", "2024-01-01"), rec("red", "2025-01-01", "2026-01-01"), rec("black", "2026-03-01", "2026-09-01")];

  it("uses the latest record in force, and none outside every period", () => {
    expect(gradeAt(history, d("2025-06-01"))?.grade).toBe("red");
    expect(gradeAt(history, d("2026-01-01"))?.grade).toBe("orange"); // red ended the day before
    expect(gradeAt(history, d("2026-05-01"))?.grade).toBe("black");
    expect(gradeAt(history, d("2026-09-01"))?.grade).toBe("orange");
    expect(gradeAt([], d("2026-09-01"))).toBeNull();
  });

  it("refuses a black-rated bidder, naming the grade, source and date, only while it is in force", () => {
    expect(participationRefusal({ records: history, bans: [], type: "engineering", now: d("2026-05-01") })).toEqual({
      reason: "black",
      grade: "black",
      source: "信用中国（福建）",
      since: d("2026-03-01"),
      detail: "列入失信被执行人名单",
    });
    expect(participationRefusal({ records: history, bans: [], type: "engineering", now: d("2026-09-01") })).toBeNull();
  });

  it("refuses during an active ban in the project's scope, whatever the grade", () => {
    const ban: Ban = { scope: "government", basis: "政府采购法第七十七条", from: d("2026-01-01"), until: d("2027-01-01") };
    const records = [rec("red", "2025-01-01")];
    expect(participationRefusal({ records, bans: [ban], type: "government", now: d("2026-06-01") })).toMatchObject({
      reason: "banned",
      basis: "政府采购法第七十七条",
    });
    expect(participationRefusal({ records, bans: [ban], type: "engineering", now: d("2026-06-01") })).toBeNull();
    expect(participationRefusal({ records, bans: [{ ...ban, scope: "both" }], type: "engineering", now: d("2026-12-31") })).not.toBeNull();
    expect(participationRefusal({ records, bans: [ban], type: "government", now: d("2027-01-01") })).toBeNull();
  });

  it("lets only red offer a credit commitment, where the section allows it; flags blue", () => {
    expect(mayOfferCreditCommitment({ records: [rec("red", "2025-01-01")], sectionAllows: true, now: d("2026-01-01") })).toBe(true);
    expect(mayOfferCreditCommitment({ records: [rec("red", "2025-01-01")], sectionAllows: false, now: d("2026-01-01") })).toBe(false);
    expect(mayOfferCreditCommitment({ records: [rec("orange", "2025-01-01")], sectionAllows: true, now: d("2026-01-01") })).toBe(false);
    expect(isFlagged([rec("blue", "2025-01-01")], d("2026-01-01"))).toBe(true);
  });
});
