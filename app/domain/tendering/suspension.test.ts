import { describe, expect, it } from "vitest";
import { isAppError } from "#app/domain/shared/app-error.ts";
import { PROCUREMENT_TYPES } from "./rule-set.ts";
import { assertBidsMayChange, deadlineAfterSuspension } from "./suspension.ts";

/** Decision 38: a suspension that covers the bid deadline moves it by the time suspended; none other does. */
const deadline = new Date("2026-12-21T02:00:00.000Z"); // 10:00 in Shanghai
const ms = (n: number) => new Date(deadline.getTime() + n);
const HOUR = 3_600_000;

describe("the deadline after a suspension", () => {
  it("moves by the whole time suspended when the suspension began before the deadline and ended after it", () => {
    // Suspended 2 h before, lifted 3 h after: 5 h suspended, the bidders get their 2 h back after resuming.
    const moved = deadlineAfterSuspension(deadline, { suspendedAt: ms(-2 * HOUR), resumedAt: ms(3 * HOUR) });
    expect(moved).toEqual(ms(5 * HOUR));
    expect(moved!.getTime() - ms(3 * HOUR).getTime()).toBe(2 * HOUR);
  });

  it("at the resumption's boundary: lifted 1 ms before the deadline moves nothing, at the deadline or 1 ms after it moves", () => {
    const suspendedAt = ms(-HOUR);
    expect(deadlineAfterSuspension(deadline, { suspendedAt, resumedAt: ms(-1) })).toBeNull();
    expect(deadlineAfterSuspension(deadline, { suspendedAt, resumedAt: deadline })).toEqual(ms(HOUR));
    expect(deadlineAfterSuspension(deadline, { suspendedAt, resumedAt: ms(1) })).toEqual(ms(HOUR + 1));
  });

  it("at the suspension's boundary: begun 1 ms before the deadline it moves; at the deadline or after, bidding was already over", () => {
    expect(deadlineAfterSuspension(deadline, { suspendedAt: ms(-1), resumedAt: ms(HOUR) })).toEqual(ms(HOUR + 1));
    expect(deadlineAfterSuspension(deadline, { suspendedAt: deadline, resumedAt: ms(HOUR) })).toBeNull();
    expect(deadlineAfterSuspension(deadline, { suspendedAt: ms(1), resumedAt: ms(HOUR) })).toBeNull();
  });

  it("refuses a suspension that ends before it begins (a programming error)", () => {
    expect(() => deadlineAfterSuspension(deadline, { suspendedAt: ms(0), resumedAt: ms(-1) })).toThrow();
  });
});

describe.each(PROCUREMENT_TYPES)("no bid changes while suspended, %s", (type) => {
  const suspendedAt = ms(-HOUR);
  it("refuses from the instant of the suspension, naming the suspension's article for the type", () => {
    expect(() => assertBidsMayChange({ suspendedAt }, type, ms(-HOUR - 1))).not.toThrow();
    expect(() => assertBidsMayChange({ suspendedAt: null }, type, ms(-1))).not.toThrow();
    let error: unknown;
    try {
      assertBidsMayChange({ suspendedAt }, type, suspendedAt);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error) && error.code).toBe("SECTION_SUSPENDED");
    if (!isAppError(error)) return;
    const zh = error.messageIn("zh-CN");
    const en = error.messageIn("en");
    if (type === "engineering") {
      expect(zh).toContain("招标投标法实施条例第六十二条");
      expect(en).toContain("Regulations on the Bidding Law Art 62");
    } else {
      expect(zh).toContain("政府采购法第五十七条");
      expect(zh).not.toContain("招标投标法");
      expect(en).toContain("Government Procurement Law Art 57");
    }
    expect(zh).toContain("撤回");
  });
});
