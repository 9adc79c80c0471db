import { describe, expect, it } from "vitest";
import { describeSecurityDefect, securityDefects, type SecurityOffer } from "./bid-security.ts";
import type { CreditRecord } from "./credit.ts";

const d = (s: string) => new Date(`${s}T00:00:00+08:00`);
const rec = (grade: CreditRecord["grade"], from: string, to: string | null = null): CreditRecord => ({
  grade,
  effectiveFrom: d(from),
  effectiveTo: to ? d(to) : null,
  source: "福建省公共资源交易中心",
  reason: "年度评价",
});
const guarantee: SecurityOffer = { kind: "guarantee", reference: "BG-2026-0001" };
const commitment: SecurityOffer = { kind: "credit-commitment", reference: "XYCN-2026-0007" };
const forms = ["guarantee", "transfer", "creditCommitment"];
const deadline = d("2026-12-18");

describe("the bid security of a decrypted bid (decision 35)", () => {
  it("finds nothing when the declaration and bid.json agree and a red bidder commits", () => {
    expect(securityDefects({ declared: guarantee, inBid: guarantee, acceptedForms: forms, records: [], deadline })).toEqual([]);
    const red = [rec("red", "2026-01-01")];
    expect(securityDefects({ declared: commitment, inBid: commitment, acceptedForms: forms, records: red, deadline })).toEqual([]);
    // Nothing declared (an older offline tool): nothing to compare.
    expect(securityDefects({ declared: null, inBid: guarantee, acceptedForms: forms, records: [], deadline })).toEqual([]);
  });

  it("records a mismatch between the declaration beside the envelope and bid.json", () => {
    const other = { ...guarantee, reference: "BG-2026-0002" };
    expect(securityDefects({ declared: guarantee, inBid: other, acceptedForms: forms, records: [], deadline })).toEqual([
      { code: "DECLARATION_MISMATCH", declared: guarantee, inBid: other },
    ]);
  });

  it("checks a credit commitment against the grade at the deadline, whether declared or only inside bid.json", () => {
    const orange = [rec("orange", "2026-01-01")];
    expect(securityDefects({ declared: null, inBid: commitment, acceptedForms: forms, records: orange, deadline })).toEqual([
      { code: "CREDIT_COMMITMENT_NOT_RED", grade: "orange", source: "福建省公共资源交易中心", since: d("2026-01-01"), offeredIn: "bid" },
    ]);
    expect(
      securityDefects({ declared: commitment, inBid: guarantee, acceptedForms: forms, records: orange, deadline }).map((x) => x.code),
    ).toEqual(["DECLARATION_MISMATCH", "CREDIT_COMMITMENT_NOT_RED"]);
    // No record at all is "normal", not red.
    expect(securityDefects({ declared: commitment, inBid: commitment, acceptedForms: forms, records: [], deadline })).toMatchObject([
      { code: "CREDIT_COMMITMENT_NOT_RED", grade: null, offeredIn: "both" },
    ]);
    // Red until the day before the deadline, then orange: the deadline decides.
    const lapsed = [rec("red", "2026-01-01", "2026-12-18"), rec("orange", "2026-12-18")];
    expect(securityDefects({ declared: commitment, inBid: commitment, acceptedForms: forms, records: lapsed, deadline })).toHaveLength(1);
    expect(
      securityDefects({ declared: commitment, inBid: commitment, acceptedForms: forms, records: lapsed, deadline: d("2026-12-17") }),
    ).toEqual([]);
    // A red beside a later black is black.
    const masked = [rec("black", "2026-06-01"), rec("red", "2026-07-01")];
    expect(securityDefects({ declared: null, inBid: commitment, acceptedForms: forms, records: masked, deadline })).toMatchObject([
      { grade: "black" },
    ]);
  });

  it("records a security form the section does not accept", () => {
    const red = [rec("red", "2026-01-01")];
    expect(
      securityDefects({ declared: commitment, inBid: commitment, acceptedForms: ["guarantee", "transfer"], records: red, deadline }),
    ).toEqual([{ code: "FORM_NOT_ACCEPTED", kind: "credit-commitment" }]);
  });

  it("says in both languages that it is not a decryption failure, citing the evaluation rule of the procurement type", () => {
    const [defect] = securityDefects({
      declared: null,
      inBid: commitment,
      acceptedForms: forms,
      records: [rec("orange", "2026-01-01")],
      deadline,
    });
    const works = describeSecurityDefect(defect!, "engineering");
    expect(works.zh).toContain("不属于解密失败");
    expect(works.zh).toContain("招标投标法实施条例第五十一条");
    expect(works.zh).toContain("“橙”");
    expect(works.en).toContain("not a decryption failure");
    expect(works.en).toContain("Regulations on the Bidding Law Art 51");
    const goods = describeSecurityDefect(defect!, "government");
    expect(goods.zh).toContain("87号令第六十三条");
    expect(goods.en).toContain("MOF Order 87 Art 63");
  });
});
