import { describe, expect, it } from "vitest";
import { chineseDaysSeed } from "#app/domain/calendar/chinese-days-seed.ts";
import { CalendarOutOfRangeError, isWorkingDay, makeHolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { plusDays } from "#app/domain/calendar/local-day.ts";
import {
  addCalendarDays,
  addWorkingDays,
  coversPeriod,
  isWithinPeriod,
  lastDayBefore,
  periodFrom,
  workingDaysBetween,
} from "#app/domain/calendar/periods.ts";

// The real calendar, 2004–2026, as the database seed loads it; and the platform's, which answers
// 2027 on provisionally (decision 0031).
const cal = makeHolidayCalendar(chineseDaysSeed());
const platform = makeHolidayCalendar({ ...chineseDaysSeed(), provisional: true });
const at = (iso: string) => new Date(iso);

describe("addCalendarDays (日)", () => {
  it.each([
    // an ordinary period ending on a working day
    ["2025-09-01", 10, "2025-09-11"],
    // ends on an ordinary Sunday: moves to Monday
    ["2025-09-01", 20, "2025-09-22"],
    // ends on the Sunday worked before National Day (调休): stays
    ["2025-09-18", 10, "2025-09-28"],
    // ends on 2025-10-04, inside National Day (10-01..08): moves to 10-09
    ["2025-09-24", 10, "2025-10-09"],
    // the start day is not counted, even when it is a holiday
    ["2025-10-01", 3, "2025-10-09"],
    ["2025-10-01", 10, "2025-10-11"], // a worked Saturday
    // 20 days from issuing the documents (法 24) across Spring Festival 2026 (02-15..23)
    ["2026-01-28", 20, "2026-02-24"],
    // 0 days: the start day itself, moved if it is a day off
    ["2025-10-10", 0, "2025-10-10"],
    ["2025-10-05", 0, "2025-10-09"],
    // across New Year 2026 (01-01..03, 01-04 worked)
    ["2025-12-22", 10, "2026-01-04"],
  ])("%s + %i days → %s", (start, n, deadline) => {
    expect(addCalendarDays(cal, start, n)).toBe(deadline);
  });

  it("refuses 2027, naming it, rather than guessing", () => {
    expect(() => addCalendarDays(cal, "2026-12-20", 20)).toThrow(CalendarOutOfRangeError);
    expect(() => addCalendarDays(cal, "2026-12-20", 20)).toThrow(/2027/);
    expect(addCalendarDays(cal, "2026-12-20", 11)).toBe("2026-12-31");
  });

  it("refuses a start day before the first loaded year", () => {
    expect(() => addCalendarDays(cal, "2003-12-31", 5)).toThrow(/for 2003/);
  });

  it.each([-1, 1.5, Number.NaN])("refuses %s days", (n) => {
    expect(() => addCalendarDays(cal, "2025-09-01", n)).toThrow(RangeError);
  });
});

describe("addWorkingDays (工作日)", () => {
  it.each([
    // Friday + 1: Saturday off, Sunday 09-28 worked
    ["2025-09-26", 1, "2025-09-28"],
    // the day before National Day + 1: 10-01..08 off
    ["2025-09-30", 1, "2025-10-09"],
    // + 3 reaches the worked Saturday 10-11
    ["2025-09-30", 3, "2025-10-11"],
    ["2025-09-30", 4, "2025-10-13"],
    // start on a holiday: not counted, counting starts after it
    ["2025-10-03", 1, "2025-10-09"],
    // GP challenge window, 7 working days (GP法 52), across Spring Festival 2026:
    // 02-13 Fri, 02-14 Sat worked, 02-15..23 off, 02-24..27, 02-28 Sat worked
    ["2026-02-12", 7, "2026-02-28"],
    ["2026-02-13", 1, "2026-02-14"],
    ["2026-02-14", 1, "2026-02-24"],
    // across New Year 2026: 01-01..03 off, Sunday 01-04 worked
    ["2025-12-31", 1, "2026-01-04"],
    // 0: the start day if working, else the next working day
    ["2025-10-10", 0, "2025-10-10"],
    ["2025-10-01", 0, "2025-10-09"],
    // 30 working days (complaint decision, 条例 61) from Monday 2025-09-15:
    // 4 + 5 in September, 09-28 worked, 09-29, 09-30, 10-09..11, then four full weeks
    ["2025-09-15", 30, "2025-10-31"],
  ])("%s + %i working days → %s", (start, n, deadline) => {
    expect(addWorkingDays(cal, start, n)).toBe(deadline);
  });

  it("always lands on a working day", () => {
    for (let i = 0; i < 120; i++) {
      const start = plusDays("2025-09-01", i);
      for (const n of [1, 2, 5, 7]) {
        expect(isWorkingDay(cal, addWorkingDays(cal, start, n))).toBe(true);
      }
    }
  });

  it("refuses 2027, naming it", () => {
    // 2026-12-30 Wed: 12-31 is the 1st working day, the 2nd would be in 2027
    expect(addWorkingDays(cal, "2026-12-30", 1)).toBe("2026-12-31");
    expect(() => addWorkingDays(cal, "2026-12-30", 2)).toThrow(expect.objectContaining({ name: "CalendarOutOfRangeError", year: 2027 }));
    expect(() => addWorkingDays(cal, "2026-12-30", 2)).toThrow(/No holiday calendar for 2027/);
  });

  it.each([-1, 0.5, Number.POSITIVE_INFINITY])("refuses %s days", (n) => {
    expect(() => addWorkingDays(cal, "2025-09-01", n)).toThrow(RangeError);
  });
});

describe("workingDaysBetween", () => {
  it("counts across 调休: start excluded, end included", () => {
    // 09-28 Sun worked, 09-29, 09-30, 10-09, 10-10, 10-11 Sat worked
    expect(workingDaysBetween(cal, "2025-09-26", "2025-10-12")).toBe(6);
    expect(workingDaysBetween(cal, "2025-10-12", "2025-09-26")).toBe(-6);
    expect(workingDaysBetween(cal, "2025-10-01", "2025-10-08")).toBe(0);
    expect(workingDaysBetween(cal, "2025-10-08", "2025-10-08")).toBe(0);
    expect(workingDaysBetween(cal, "2025-10-08", "2025-10-09")).toBe(1);
  });

  it("counts the working days of a whole year", () => {
    // 2025: 261 weekdays − 18 weekday holidays (元旦 1, 春节 6, 清明 1, 劳动节 3, 端午 1,
    // 国庆中秋 6) + 5 worked weekend days = 248
    expect(workingDaysBetween(cal, "2024-12-31", "2025-12-31")).toBe(248);
    // 2026: 261 − 19 (元旦 2, 春节 6, 清明 1, 劳动节 3, 端午 1, 中秋 1, 国庆 5) + 6 = 248
    expect(workingDaysBetween(cal, "2025-12-31", "2026-12-31")).toBe(248);
  });

  it("is the inverse of addWorkingDays", () => {
    for (let i = 0; i < 200; i += 5) {
      const start = plusDays("2025-09-01", i);
      for (const n of [1, 2, 7, 15, 30]) {
        expect(workingDaysBetween(cal, start, addWorkingDays(cal, start, n))).toBe(n);
      }
    }
  });

  it("refuses an end in 2027", () => {
    expect(() => workingDaysBetween(cal, "2026-12-01", "2027-01-05")).toThrow(/2027/);
  });
});

describe("on the provisional 2027", () => {
  it("counts into 2027 instead of refusing, and the result says it is provisional", () => {
    // 20 days from 2026-12-20 is 2027-01-09, a Saturday: the next working day is Monday 01-11.
    expect(addCalendarDays(platform, "2026-12-20", 20)).toBe("2027-01-11");
    // 2027-01-01 (元旦, Friday) off; Monday 01-04 is the 2nd working day after 12-30.
    expect(addWorkingDays(platform, "2026-12-30", 2)).toBe("2027-01-04");
    // 春节: 02-05..02-08 and make-up days 02-09, 02-10; 7 working days from Thursday 02-04.
    expect(addWorkingDays(platform, "2027-02-04", 7)).toBe("2027-02-19");
  });

  it("uses 2027 only when a period reaches it: a period inside 2026 is never provisional", () => {
    const p = periodFrom(platform, { rule: "r", source: "s", from: at("2026-12-24T10:00:00+08:00"), count: 5, unit: "workingDays" });
    expect(p).toMatchObject({ startDay: "2026-12-24", lastDay: "2026-12-31", provisional: false });
    // And the calendar without provisional years gives the same: it never looked at 2027.
    expect(addWorkingDays(cal, "2026-12-24", 5)).toBe("2026-12-31");
    const q = periodFrom(platform, { rule: "r", source: "s", from: at("2026-12-24T10:00:00+08:00"), count: 6, unit: "workingDays" });
    expect(q).toMatchObject({ lastDay: "2027-01-04", provisional: true });
  });
});

describe("periodFrom and isWithinPeriod: N days or working days from an event", () => {
  // GP 质疑 within 7 working days of knowing (GP法 52), knowing on Friday 2025-09-26:
  // 09-28 (调休 Sunday), 09-29, 09-30, 10-09, 10-10, 10-11 (调休 Saturday), 10-13.
  const challenge = periodFrom(cal, {
    rule: "gpChallenge",
    source: "政府采购法第五十二条",
    from: at("2025-09-26T15:00:00+08:00"),
    count: 7,
    unit: "workingDays",
  });

  it("ends at the end of the last day, the event's own day not counted", () => {
    expect(challenge).toMatchObject({
      rule: "gpChallenge",
      source: "政府采购法第五十二条",
      startDay: "2025-09-26",
      lastDay: "2025-10-13",
      provisional: false,
    });
    expect(challenge.endsAt.toISOString()).toBe("2025-10-13T16:00:00.000Z"); // 10-14 00:00 Shanghai
  });

  it.each([
    ["2025-09-26T14:59:59.999+08:00", false], // before the event
    ["2025-09-26T15:00:00+08:00", true],
    ["2025-10-12T23:59:59+08:00", true], // the day before the last day
    ["2025-10-13T23:59:59.999+08:00", true], // the last day
    ["2025-10-14T00:00:00+08:00", false], // 00:00 the next day: that day is not part of it
    ["2025-10-14T09:00:00+08:00", false], // the day after
  ])("a challenge at %s is within it: %s", (iso, within) => {
    expect(isWithinPeriod(challenge, at(iso))).toBe(within);
  });

  it("moves a calendar-day period's last day off a holiday: 10 days from 09-24 end 10-09, not 10-04", () => {
    const p = periodFrom(cal, { rule: "r", source: "s", from: at("2025-09-24T09:00:00+08:00"), count: 10, unit: "calendarDays" });
    expect(p.lastDay).toBe("2025-10-09");
    expect(isWithinPeriod(p, at("2025-10-09T20:00:00+08:00"))).toBe(true);
  });

  it("is covered by an end on its last day, or at 00:00 after it, but not at 00:00 of the last day", () => {
    const p = periodFrom(cal, { rule: "r", source: "s", from: at("2025-09-01T09:00:00+08:00"), count: 10, unit: "calendarDays" });
    expect(p.lastDay).toBe("2025-09-11");
    expect(coversPeriod(p, at("2025-09-10T23:59:59+08:00"))).toBe(false);
    expect(coversPeriod(p, at("2025-09-11T00:00:00+08:00"))).toBe(false); // ends with 09-10
    expect(coversPeriod(p, at("2025-09-11T00:00:01+08:00"))).toBe(true);
    expect(coversPeriod(p, at("2025-09-11T17:00:00+08:00"))).toBe(true);
    expect(coversPeriod(p, at("2025-09-12T00:00:00+08:00"))).toBe(true); // the whole of 09-11
  });
});

describe("lastDayBefore: at least N days before a deadline, counted backward", () => {
  it.each([
    // 15 days before a deadline on 2026-07-20 at 09:30: on or before 07-05
    ["2026-07-20T09:30:00+08:00", 15, "2026-07-05"],
    // a deadline at 00:00 of 07-20 is the end of 07-19: on or before 07-04
    ["2026-07-20T00:00:00+08:00", 15, "2026-07-04"],
    // a holiday moves nothing: 15 days before 2025-10-16 is 10-01 (National Day), and it stays
    ["2025-10-16T09:00:00+08:00", 15, "2025-10-01"],
    // a Sunday stays too
    ["2026-12-30T09:00:00+08:00", 10, "2026-12-20"],
  ])("deadline %s, %i days: %s", (iso, n, day) => {
    expect(lastDayBefore(at(iso), n)).toBe(day);
  });

  it("needs no calendar, so a deadline in any year works", () => {
    expect(lastDayBefore(at("2031-03-01T09:00:00+08:00"), 15)).toBe("2031-02-14");
    expect(() => lastDayBefore(at("2026-07-20T09:30:00+08:00"), -1)).toThrow(RangeError);
  });
});
