import { describe, expect, it } from "vitest";
import {
  CalendarOutOfRangeError,
  calendarExpiryWarning,
  isProvisionalDay,
  isWorkingDay,
  makeHolidayCalendar,
  nextWorkingDayFrom,
  type HolidayCalendar,
} from "#app/domain/calendar/holiday-calendar.ts";

// A small hand-made calendar: the 2025 National Day arrangement only.
const cal2025: HolidayCalendar = makeHolidayCalendar({
  firstYear: 2025,
  lastYear: 2025,
  holidays: ["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05", { day: "2025-10-06" }, "2025-10-07", "2025-10-08"],
  workdays: ["2025-09-28", { day: "2025-10-11" }],
});

describe("makeHolidayCalendar", () => {
  it("keeps the rows as sets", () => {
    expect(cal2025.holidays.size).toBe(8);
    expect(cal2025.workdays.has("2025-10-11")).toBe(true);
  });

  it("refuses a day listed as both holiday and workday", () => {
    expect(() =>
      makeHolidayCalendar({
        firstYear: 2025,
        lastYear: 2025,
        holidays: ["2025-10-11"],
        workdays: ["2025-10-11"],
      }),
    ).toThrow(/2025-10-11 is listed both/);
  });

  it("refuses rows outside its years, malformed days and an empty year range", () => {
    const base = { firstYear: 2025, lastYear: 2025, holidays: [], workdays: [] };
    expect(() => makeHolidayCalendar({ ...base, holidays: ["2026-01-01"] })).toThrow(CalendarOutOfRangeError);
    expect(() => makeHolidayCalendar({ ...base, workdays: ["2025-9-28"] })).toThrow(/not a date/);
    expect(() => makeHolidayCalendar({ ...base, firstYear: 2026 })).toThrow(/year range/);
  });
});

describe("isWorkingDay", () => {
  it.each([
    ["2025-09-26", true], // Friday
    ["2025-09-27", false], // Saturday
    ["2025-09-28", true], // Sunday worked (调休)
    ["2025-09-30", true],
    ["2025-10-01", false], // National Day
    ["2025-10-06", false], // Monday in the holiday
    ["2025-10-08", false], // last holiday day, a Wednesday
    ["2025-10-09", true],
    ["2025-10-11", true], // Saturday worked (调休)
    ["2025-10-12", false], // ordinary Sunday
  ])("%s: %s", (day, working) => {
    expect(isWorkingDay(cal2025, day)).toBe(working);
  });

  it("lets a workday win over a holiday in hand-built data", () => {
    const odd: HolidayCalendar = {
      firstYear: 2025,
      lastYear: 2025,
      holidays: new Set(["2025-10-11"]),
      workdays: new Set(["2025-10-11"]),
    };
    expect(isWorkingDay(odd, "2025-10-11")).toBe(true);
  });

  it("refuses a day outside the loaded years, naming the year, at both ends", () => {
    expect(() => isWorkingDay(cal2025, "2024-12-31")).toThrow(/No holiday calendar for 2024/);
    expect(() => isWorkingDay(cal2025, "2026-01-01")).toThrow(/No holiday calendar for 2026/);
    expect(isWorkingDay(cal2025, "2025-01-01")).toBe(true); // not loaded as a holiday here
    expect(isWorkingDay(cal2025, "2025-12-31")).toBe(true);
    try {
      isWorkingDay(cal2025, "2026-01-05");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CalendarOutOfRangeError);
      expect(e).toMatchObject({ year: 2026, firstYear: 2025, lastYear: 2025, day: "2026-01-05" });
      expect((e as Error).message).toBe(
        "No holiday calendar for 2026 (needed for 2026-01-05): the calendar covers 2025–2025. " +
          "Add the official holiday arrangement for 2026 first.",
      );
    }
  });

  it("refuses a malformed day", () => {
    expect(() => isWorkingDay(cal2025, "2025-10-32")).toThrow(RangeError);
  });
});

describe("nextWorkingDayFrom", () => {
  it("returns a working day itself, else skips to the next", () => {
    expect(nextWorkingDayFrom(cal2025, "2025-09-30")).toBe("2025-09-30");
    expect(nextWorkingDayFrom(cal2025, "2025-09-27")).toBe("2025-09-28");
    expect(nextWorkingDayFrom(cal2025, "2025-10-01")).toBe("2025-10-09");
    expect(nextWorkingDayFrom(cal2025, "2025-10-12")).toBe("2025-10-13");
  });

  it("fails rather than guess when the next working day is beyond the data", () => {
    const ends = makeHolidayCalendar({
      firstYear: 2025,
      lastYear: 2025,
      holidays: ["2025-12-31"],
      workdays: [],
    });
    expect(() => nextWorkingDayFrom(ends, "2025-12-31")).toThrow(/for 2026/);
  });
});

describe("calendarExpiryWarning", () => {
  const cal = { ...cal2025, lastYear: 2026 };

  it.each([
    // 2026-10-31 23:59:59.999 in Shanghai: 61 days to 31 December
    ["2026-10-31T15:59:59.999Z", null],
    // 2026-11-01 00:00 in Shanghai (still 31 October in UTC): 60 days, the first warning
    ["2026-10-31T16:00:00.000Z", 60],
    ["2026-12-30T16:00:00.000Z", 0],
    ["2026-12-31T16:00:00.000Z", -1], // already run out: keep warning
    ["2025-06-01T00:00:00.000Z", null],
  ])("at %s: %s days left", (iso, daysLeft) => {
    expect(calendarExpiryWarning(cal, new Date(iso))).toEqual(daysLeft === null ? null : { lastYear: 2026, daysLeft, provisional: false });
  });

  it("takes another warning period", () => {
    const now = new Date("2026-12-01T04:00:00Z");
    expect(calendarExpiryWarning(cal, now, 30)).toEqual({ lastYear: 2026, daysLeft: 30, provisional: false });
    expect(calendarExpiryWarning(cal, now, 29)).toBeNull();
    expect(() => calendarExpiryWarning(cal, now, -1)).toThrow(RangeError);
  });
});

describe("provisional years (decision 0031)", () => {
  const official2026 = makeHolidayCalendar({
    firstYear: 2026,
    lastYear: 2026,
    holidays: ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"],
    workdays: ["2026-10-10"],
    provisional: true,
  });

  it("answers the years after the last official one from the statutory holidays, and says so", () => {
    expect(official2026.provisionalThrough).toBe(2099);
    expect(isProvisionalDay(official2026, "2026-12-31")).toBe(false);
    expect(isProvisionalDay(official2026, "2027-01-01")).toBe(true);
    expect(isWorkingDay(official2026, "2026-10-10")).toBe(true); // official 调休 Saturday
    expect(isWorkingDay(official2026, "2027-01-01")).toBe(false); // 元旦, Friday
    expect(isWorkingDay(official2026, "2027-01-04")).toBe(true); // Monday
    expect(isWorkingDay(official2026, "2027-02-10")).toBe(false); // make-up day for 春节 on the weekend
    expect(isWorkingDay(official2026, "2027-02-11")).toBe(true);
    expect(isWorkingDay(official2026, "2027-02-20")).toBe(false); // a Saturday: no 调休 is guessed
    expect(isWorkingDay(official2026, "2099-12-31")).toBe(true);
  });

  it("still refuses a year beyond the statutory table, or before the first", () => {
    expect(() => isWorkingDay(official2026, "2100-01-04")).toThrow(/No holiday calendar for 2100/);
    expect(() => isWorkingDay(official2026, "2025-12-31")).toThrow(/No holiday calendar for 2025/);
  });

  it("is off unless asked for, and never fills years the 2024 rules do not reach", () => {
    expect(() => isWorkingDay(cal2025, "2026-01-05")).toThrow(CalendarOutOfRangeError);
    const old = makeHolidayCalendar({ firstYear: 2020, lastYear: 2020, holidays: [], workdays: [], provisional: true });
    expect(() => isWorkingDay(old, "2021-01-04")).toThrow(/No holiday calendar for 2021/);
  });

  it("tells the operator's warning that the next year is provisional", () => {
    expect(calendarExpiryWarning(official2026, new Date("2026-12-07T01:00:00Z"))).toEqual({
      lastYear: 2026,
      daysLeft: 24,
      provisional: true,
    });
  });
});
