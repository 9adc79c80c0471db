import { describe, expect, it } from "vitest";
import { ClockSpecError, createClock } from "./clock.server.ts";

describe("the platform clock", () => {
  const system = () => Date.parse("2026-11-23T00:00:00Z");

  it("follows the system clock by default and with an offset", () => {
    expect(createClock(undefined, system).now().toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(createClock("offset:-3600", system).now().toISOString()).toBe("2026-11-22T23:00:00.000Z");
  });

  it("stands still at a fixed instant until advanced, and tells listeners", async () => {
    const clock = createClock("fixed:2026-12-01T09:30:00+08:00", system);
    expect(clock.now().toISOString()).toBe("2026-12-01T01:30:00.000Z");
    const seen: string[] = [];
    clock.onAdvance((now) => void seen.push(now.toISOString()));
    await clock.advance(90);
    expect(clock.now().toISOString()).toBe("2026-12-01T01:31:30.000Z");
    expect(seen).toEqual(["2026-12-01T01:31:30.000Z"]);
  });

  it("never moves back", async () => {
    const clock = createClock("offset:0", system);
    await expect(clock.advance(-1)).rejects.toThrow(ClockSpecError);
    await expect(clock.advance(0)).rejects.toThrow(/only moves forward/);
  });

  it("explains a malformed setting", () => {
    expect(() => createClock("fixed:tomorrow")).toThrow(/ISO-8601/);
    expect(() => createClock("offset:1h")).toThrow(/whole seconds/);
    expect(() => createClock("warp:9")).toThrow(/BIDHALL_CLOCK/);
  });
});
