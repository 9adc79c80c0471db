import { describe, expect, it } from "vitest";
import { applicationRefusal, assertStep, guaranteeFee, productServes, requiredValidity } from "./application.ts";

describe("guarantee applications (decision 0057)", () => {
  it("charges the rate rounded up to the fen, never below the minimum", () => {
    expect(guaranteeFee(20_000_000n, 15, 50_000n)).toBe(50_000n);
    expect(guaranteeFee(100_000_000n, 100, 0n)).toBe(1_000_000n);
    expect(guaranteeFee(1n, 1, 0n)).toBe(1n);
    expect(() => guaranteeFee(1n, 10_001, 0n)).toThrow(RangeError);
  });

  it("serves a section of its type in its region or a region inside it", () => {
    const p = { kind: "bid" as const, active: true, procurementTypes: ["engineering"], regionCodes: ["35"] };
    expect(productServes(p, { procurementType: "engineering", regionCode: "350100" })).toBe(true);
    expect(productServes(p, { procurementType: "government", regionCode: "350100" })).toBe(false);
    expect(productServes(p, { procurementType: "engineering", regionCode: "110000" })).toBe(false);
    expect(productServes({ ...p, active: false }, { procurementType: "engineering", regionCode: "350100" })).toBe(false);
  });

  it("refuses an amount below the security and a validity short of the bid validity, at the boundary", () => {
    const section = { securityFen: 100n, deadlineAt: new Date("2026-12-18T01:30:00Z"), bidValidityDays: 90 };
    const need = requiredValidity(section);
    const ok = { amountFen: 100n, validFrom: need.from, validUntil: need.until };
    expect(applicationRefusal(ok, section)).toBeNull();
    expect(applicationRefusal({ ...ok, amountFen: 99n }, section)?.code).toBe("GUARANTEE_AMOUNT_TOO_LOW");
    expect(applicationRefusal({ ...ok, validUntil: new Date(need.until.getTime() - 1) }, section)?.code).toBe(
      "GUARANTEE_VALIDITY_TOO_SHORT",
    );
    expect(applicationRefusal({ ...ok, validFrom: new Date(need.from.getTime() + 1) }, section)?.code).toBe("GUARANTEE_VALIDITY_TOO_SHORT");
  });

  it("lets each step start only from its statuses", () => {
    expect(() => assertStep("payFee", "approved")).not.toThrow();
    expect(() => assertStep("payFee", "submitted")).toThrow(/payFee needs approved/);
    expect(() => assertStep("startIssue", "issue_failed")).not.toThrow();
  });
});
