import { describe, expect, it } from "vitest";
import { suspensionCap, suspensionCapReached } from "./suspension-cap.ts";

describe("the 30-day cap on a GP suspension for a complaint (政府采购法 57)", () => {
  const at = new Date("2026-09-14T15:30:00+08:00");

  it("ends when the 30th day after the day of suspension ends, in Beijing time", () => {
    expect(suspensionCap("government", at)!.endsAt.toISOString()).toBe(new Date("2026-10-15T00:00:00+08:00").toISOString());
    expect(suspensionCap("government", at)!.source.zh).toContain("政府采购法第五十七条");
  });

  it("is not moved past the National Day holiday: a maximum, not a time to act", () => {
    const before = new Date("2026-09-01T10:00:00+08:00"); // day 30 is 1 October, a holiday
    expect(suspensionCap("government", before)!.endsAt.toISOString()).toBe(new Date("2026-10-02T00:00:00+08:00").toISOString());
  });

  it("is reached at its end and not a moment before; a suspension late in the evening counts from the next day", () => {
    const late = new Date("2026-09-14T23:59:00+08:00");
    const end = suspensionCap("government", late)!.endsAt;
    expect(suspensionCapReached("government", late, new Date(end.getTime() - 1))).toBe(false);
    expect(suspensionCapReached("government", late, end)).toBe(true);
  });

  it("does not apply to engineering (条例 62 sets no cap)", () => {
    expect(suspensionCap("engineering", at)).toBeNull();
    expect(suspensionCapReached("engineering", at, new Date("2027-01-01T00:00:00+08:00"))).toBe(false);
  });
});
