import { describe, expect, it } from "vitest";
import {
  activeBans,
  banReaches,
  creditFlags,
  gradeAt,
  isFlagged,
  mayOfferCreditCommitment,
  participationRefusal,
  type Ban,
  type CreditRecord,
  type TenderScope,
} from "./credit.ts";

const d = (s: string) => new Date(`${s}T00:00:00+08:00`);
const rec = (grade: CreditRecord["grade"], from: string, to: string | null = null, source = "信用中国（福建）"): CreditRecord => ({
  grade,
  effectiveFrom: d(from),
  effectiveTo: to ? d(to) : null,
  source,
  reason: grade === "black" ? "列入失信被执行人名单" : "年度评价",
});
const mandatoryWorks: TenderScope = { type: "engineering", mandatoryTendering: true };
const voluntaryWorks: TenderScope = { type: "engineering", mandatoryTendering: false };
const gp: TenderScope = { type: "government", mandatoryTendering: false };

describe("credit", () => {
  const history = [
    rec("orange", "2024-01-01", "2025-01-01"),
    rec("red", "2025-01-01", "2026-01-01"),
    rec("black", "2026-03-01", "2026-09-01"),
  ];

  it("uses the record in force, and none outside every period", () => {
    expect(gradeAt(history, d("2025-06-01"))?.grade).toBe("red");
    expect(gradeAt(history, d("2026-01-01"))).toBeNull(); // red ended the day before
    expect(gradeAt(history, d("2026-05-01"))?.grade).toBe("black");
    expect(gradeAt(history, d("2026-09-01"))).toBeNull();
    expect(gradeAt([], d("2026-09-01"))).toBeNull();
  });

  it("lets the most severe grade in force decide, never the latest: a later red or orange never masks a black", () => {
    const court = rec("black", "2026-03-01", null, "福州市中级人民法院");
    const later = [court, rec("orange", "2026-04-01"), rec("red", "2026-05-01", null, "福建省住房和城乡建设厅")];
    expect(gradeAt(later, d("2026-06-01"))).toMatchObject({ grade: "black", source: "福州市中级人民法院" });
    // black > blue > orange > red, whatever the order of the records
    expect(gradeAt([rec("blue", "2026-01-01"), rec("red", "2026-02-01")], d("2026-03-01"))?.grade).toBe("blue");
    expect(gradeAt([rec("red", "2026-02-01"), rec("orange", "2026-01-01")], d("2026-03-01"))?.grade).toBe("orange");
    expect(gradeAt([rec("blue", "2026-02-01"), rec("black", "2026-01-01")], d("2026-03-01"))?.grade).toBe("black");
    // among equally severe records, the one in force since last is named
    expect(gradeAt([rec("blue", "2026-01-01", null, "甲"), rec("blue", "2026-02-01", null, "乙")], d("2026-03-01"))?.source).toBe("乙");
  });

  it("ends an open-ended grade by the same record sent again with its end, and never lengthens one that way", () => {
    const open = rec("black", "2026-03-01", null, "福州市中级人民法院");
    const closing = rec("black", "2026-03-01", "2026-06-01", "福州市中级人民法院");
    expect(gradeAt([open, rec("red", "2026-05-01")], d("2026-06-02"))?.grade).toBe("black");
    expect(gradeAt([open, closing, rec("red", "2026-05-01")], d("2026-06-02"))?.grade).toBe("red");
    expect(gradeAt([closing, open], d("2026-05-31"))?.grade).toBe("black"); // in force until the end day (inclusive)
    expect(gradeAt([closing, { ...open, effectiveTo: d("2027-01-01") }], d("2026-07-01"))).toBeNull();
  });

  it("refuses a black-rated bidder, naming the grade, source and date, only while it is in force — a later red changes nothing", () => {
    const expected = {
      reason: "black",
      grade: "black",
      source: "信用中国（福建）",
      since: d("2026-03-01"),
      detail: "列入失信被执行人名单",
    };
    expect(participationRefusal({ records: history, bans: [], tender: mandatoryWorks, now: d("2026-05-01") })).toEqual(expected);
    const masked = [...history, rec("red", "2026-04-01", null, "福建省住房和城乡建设厅")];
    expect(participationRefusal({ records: masked, bans: [], tender: gp, now: d("2026-05-01") })).toEqual(expected);
    expect(participationRefusal({ records: history, bans: [], tender: mandatoryWorks, now: d("2026-09-01") })).toBeNull();
  });

  it("refuses during an active ban that reaches the tender, whatever the grade", () => {
    const ban: Ban = { scope: "government", basis: "政府采购法第七十七条", from: d("2026-01-01"), until: d("2027-01-01") };
    const records = [rec("red", "2025-01-01")];
    expect(participationRefusal({ records, bans: [ban], tender: gp, now: d("2026-06-01") })).toMatchObject({
      reason: "banned",
      basis: "政府采购法第七十七条",
    });
    expect(participationRefusal({ records, bans: [ban], tender: mandatoryWorks, now: d("2026-06-01") })).toBeNull();
    const both = { ...ban, scope: "both" } as const;
    expect(participationRefusal({ records, bans: [both], tender: mandatoryWorks, now: d("2026-12-31") })).not.toBeNull();
    expect(participationRefusal({ records, bans: [ban], tender: gp, now: d("2027-01-01") })).toBeNull(); // ends at the start of until
  });

  it("maps a ban's scope onto tenders: 法 53/54 bans reach only tenders that must be tendered by law; GP bans every GP tender", () => {
    expect(banReaches("engineering", mandatoryWorks)).toBe(true);
    expect(banReaches("engineering", voluntaryWorks)).toBe(false);
    expect(banReaches("engineering", gp)).toBe(false);
    expect(banReaches("engineering", { type: "government", mandatoryTendering: true })).toBe(false);
    expect(banReaches("government", gp)).toBe(true);
    expect(banReaches("government", { type: "government", mandatoryTendering: true })).toBe(true);
    expect(banReaches("government", mandatoryWorks)).toBe(false);
    expect(banReaches("both", mandatoryWorks)).toBe(true);
    expect(banReaches("both", gp)).toBe(true);
    expect(banReaches("both", voluntaryWorks)).toBe(false);
    const collusion: Ban = { scope: "engineering", basis: "招标投标法第五十三条", from: d("2026-01-01"), until: d("2027-01-01") };
    expect(activeBans([collusion], voluntaryWorks, d("2026-06-01"))).toEqual([]);
    expect(activeBans([collusion], mandatoryWorks, d("2026-06-01"))).toEqual([collusion]);
  });

  it("lets only red offer a credit commitment, where the section allows it; a red beside an orange is not red", () => {
    expect(mayOfferCreditCommitment({ records: [rec("red", "2025-01-01")], sectionAllows: true, now: d("2026-01-01") })).toBe(true);
    expect(mayOfferCreditCommitment({ records: [rec("red", "2025-01-01")], sectionAllows: false, now: d("2026-01-01") })).toBe(false);
    expect(mayOfferCreditCommitment({ records: [rec("orange", "2025-01-01")], sectionAllows: true, now: d("2026-01-01") })).toBe(false);
    expect(mayOfferCreditCommitment({ records: [], sectionAllows: true, now: d("2026-01-01") })).toBe(false);
    const both = [rec("orange", "2024-01-01", null, "甲"), rec("red", "2025-01-01", null, "乙")];
    expect(mayOfferCreditCommitment({ records: both, sectionAllows: true, now: d("2026-01-01") })).toBe(false);
    expect(isFlagged([rec("blue", "2025-01-01")], d("2026-01-01"))).toBe(true);
    expect(isFlagged([rec("blue", "2025-01-01"), rec("red", "2025-06-01")], d("2026-01-01"))).toBe(true);
  });

  it("flags blue and black grades and every ban in force to the officials, saying whether the ban reaches the tender", () => {
    const ban: Ban = { scope: "engineering", basis: "招标投标法第五十四条", from: d("2026-01-01"), until: d("2027-01-01") };
    expect(creditFlags({ records: [rec("blue", "2025-01-01")], bans: [], tender: gp, now: d("2026-01-01") })).toEqual([
      { kind: "grade", grade: "blue", source: "信用中国（福建）", since: d("2025-01-01"), reason: "年度评价" },
    ]);
    expect(creditFlags({ records: [rec("red", "2025-01-01")], bans: [ban], tender: voluntaryWorks, now: d("2026-06-01") })).toEqual([
      { kind: "ban", scope: "engineering", basis: "招标投标法第五十四条", until: d("2027-01-01"), reaches: false },
    ]);
    expect(creditFlags({ records: [rec("orange", "2025-01-01")], bans: [ban], tender: gp, now: d("2027-01-01") })).toEqual([]);
  });
});
