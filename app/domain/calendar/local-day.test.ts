import { describe, expect, it } from "vitest";
import {
  calendarDaysBetween,
  dayEndingAt,
  dayOfWeek,
  endOfShanghaiDay,
  fromEpochDay,
  isLocalDay,
  isWeekend,
  plusDays,
  shanghaiDay,
  startOfShanghaiDay,
  toEpochDay,
  yearOf,
} from "#app/domain/calendar/local-day.ts";

describe("days as YYYY-MM-DD", () => {
  it.each([
    ["2025-10-01", true],
    ["2024-02-29", true],
    ["2000-02-29", true],
    ["0099-01-01", true],
    ["2025-02-29", false],
    ["1900-02-29", false],
    ["2025-04-31", false],
    ["2025-13-01", false],
    ["2025-00-10", false],
    ["2025-01-00", false],
    ["2025-1-1", false],
    [" 2025-01-01", false],
    ["2025-01-01T00:00", false],
    ["20250101", false],
    ["", false],
  ])("%j is a day: %s", (value, ok) => {
    expect(isLocalDay(value)).toBe(ok);
    if (!ok) expect(() => toEpochDay(value)).toThrow(RangeError);
  });

  it("numbers days from 1970-01-01 and back", () => {
    expect(toEpochDay("1970-01-01")).toBe(0);
    expect(toEpochDay("1969-12-31")).toBe(-1);
    expect(toEpochDay("2025-10-01")).toBe(20362);
    for (const day of ["0099-03-01", "1900-02-28", "2024-02-29", "2026-12-31", "9999-12-31"]) {
      expect(fromEpochDay(toEpochDay(day))).toBe(day);
    }
    expect(() => fromEpochDay(1.5)).toThrow(RangeError);
  });

  it("knows the weekday (0 = Sunday)", () => {
    expect(dayOfWeek("1970-01-01")).toBe(4);
    expect(dayOfWeek("1969-12-31")).toBe(3);
    expect(dayOfWeek("2025-10-01")).toBe(3);
    expect(dayOfWeek("2026-02-15")).toBe(0);
    expect(isWeekend("2025-10-11")).toBe(true);
    expect(isWeekend("2025-10-10")).toBe(false);
    expect(yearOf("2027-01-01")).toBe(2027);
  });

  it("adds plain days across months, years and 29 February", () => {
    expect(plusDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(plusDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(plusDays("2025-02-28", 1)).toBe("2025-03-01");
    expect(plusDays("2025-03-01", -1)).toBe("2025-02-28");
    expect(plusDays("2025-01-28", 20)).toBe("2025-02-17");
    expect(() => plusDays("2025-01-01", 0.5)).toThrow(RangeError);
  });

  it("counts calendar days with the start excluded and the end included", () => {
    expect(calendarDaysBetween("2025-10-01", "2025-10-11")).toBe(10);
    expect(calendarDaysBetween("2025-10-01", "2025-10-01")).toBe(0);
    expect(calendarDaysBetween("2025-10-11", "2025-10-01")).toBe(-10);
    expect(calendarDaysBetween("2024-02-01", "2024-03-01")).toBe(29);
    expect(calendarDaysBetween("2025-01-01", "2026-01-01")).toBe(365);
  });
});

describe("instants and Shanghai days", () => {
  it.each([
    ["2025-09-30T15:59:59.999Z", "2025-09-30"],
    ["2025-09-30T16:00:00.000Z", "2025-10-01"],
    ["2025-12-31T16:00:00.000Z", "2026-01-01"],
    ["1970-01-01T00:00:00.000Z", "1970-01-01"],
    ["1969-12-31T15:59:59.999Z", "1969-12-31"],
    ["1969-12-31T16:00:00.000Z", "1970-01-01"],
  ])("%s falls on %s in Shanghai", (iso, day) => {
    expect(shanghaiDay(new Date(iso))).toBe(day);
  });

  it("gives the first and last moment of a Shanghai day as UTC instants", () => {
    expect(startOfShanghaiDay("2025-10-01").toISOString()).toBe("2025-09-30T16:00:00.000Z");
    expect(endOfShanghaiDay("2025-10-09").toISOString()).toBe("2025-10-09T15:59:59.999Z");
    const end = endOfShanghaiDay("2026-02-28");
    expect(shanghaiDay(end)).toBe("2026-02-28");
    expect(shanghaiDay(new Date(end.getTime() + 1))).toBe("2026-03-01");
    expect(shanghaiDay(startOfShanghaiDay("2026-03-01"))).toBe("2026-03-01");
  });

  it("refuses an invalid Date", () => {
    expect(() => shanghaiDay(new Date("nope"))).toThrow(RangeError);
  });
});

describe("dayEndingAt: the day a period ending at an instant ends on", () => {
  it.each([
    ["2025-10-09T17:00:00+08:00", "2025-10-09"], // ends during the day: that day counts
    ["2025-10-09T23:59:59.999+08:00", "2025-10-09"], // endOfShanghaiDay
    ["2025-10-10T00:00:00.000+08:00", "2025-10-09"], // ends at 00:00: none of 10-10, so 10-09
    ["2025-10-10T00:00:00.001+08:00", "2025-10-10"], // a moment into 10-10
    ["2026-01-01T00:00:00+08:00", "2025-12-31"], // midnight of New Year's Day ends the old year
  ])("%s ends on %s", (iso, day) => {
    expect(dayEndingAt(new Date(iso))).toBe(day);
  });

  it("is the inverse of endOfShanghaiDay and of the next day's start", () => {
    expect(dayEndingAt(endOfShanghaiDay("2026-02-28"))).toBe("2026-02-28");
    expect(dayEndingAt(startOfShanghaiDay("2026-03-01"))).toBe("2026-02-28");
    expect(() => dayEndingAt(new Date("nope"))).toThrow(RangeError);
  });
});
