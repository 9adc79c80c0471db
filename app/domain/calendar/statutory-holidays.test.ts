import { describe, expect, it, vi } from "vitest";
import { chineseDaysSeed } from "#app/domain/calendar/chinese-days-seed.ts";
import { isWorkingDay, makeHolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { dayOfWeek } from "#app/domain/calendar/local-day.ts";
import {
  FIRST_STATUTORY_YEAR,
  LAST_STATUTORY_YEAR,
  LUNAR_AND_SOLAR_TERM_DAYS,
  missingStatutoryHolidays,
  provisionalDaysOff,
  statutoryHolidays,
} from "#app/domain/calendar/statutory-holidays.ts";

const seed = chineseDaysSeed();
const official = makeHolidayCalendar(seed);
const days = (year: number) => statutoryHolidays(year).map((h) => h.day);

/** The package's lunar and solar-term functions, imported fresh with the process in `tz`. */
async function packageIn(tz: string) {
  process.env.TZ = tz;
  vi.resetModules();
  const { default: chineseDays } = await import("chinese-days");
  return chineseDays;
}

async function withTimeZone<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.TZ;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
    vi.resetModules();
  }
}

describe("statutoryHolidays (全国年节及纪念日放假办法, 2024 revision)", () => {
  it("gives the 13 days of 2027: 春节 02-05 (除夕)…02-08, 清明 04-05, 端午 06-09, 中秋 09-15", () => {
    expect(statutoryHolidays(2027).map((h) => `${h.day} ${h.zh}`)).toEqual([
      "2027-01-01 元旦（1月1日）",
      "2027-02-05 春节（除夕）",
      "2027-02-06 春节（正月初一）",
      "2027-02-07 春节（正月初二）",
      "2027-02-08 春节（正月初三）",
      "2027-04-05 清明节（清明节气）",
      "2027-05-01 劳动节（5月1日）",
      "2027-05-02 劳动节（5月2日）",
      "2027-06-09 端午节（农历五月初五）",
      "2027-09-15 中秋节（农历八月十五）",
      "2027-10-01 国庆节（10月1日）",
      "2027-10-02 国庆节（10月2日）",
      "2027-10-03 国庆节（10月3日）",
    ]);
  });

  it("puts 除夕 on the 12th month's last day whether it has 29 or 30 days", () => {
    // Lunar 2026's 12th month has 29 days (除夕 = 廿九, 2027-02-05); lunar 2024's had 29 too
    // (2025-01-28), lunar 2029's has 30 (除夕 = 三十, 2030-02-02).
    expect(days(2025)[1]).toBe("2025-01-28");
    expect(days(2030).slice(1, 3)).toEqual(["2030-02-02", "2030-02-03"]);
  });

  it("is within every official arrangement under the 2024 rules (2025, 2026)", () => {
    for (const year of [2025, 2026]) {
      expect(
        missingStatutoryHolidays(
          year,
          seed.holidays.map((h) => h.day),
        ),
      ).toEqual([]);
    }
  });

  it("covers 2025–2099 and refuses any other year", () => {
    expect(FIRST_STATUTORY_YEAR).toBe(2025);
    expect(LAST_STATUTORY_YEAR).toBe(2099);
    expect(Object.keys(LUNAR_AND_SOLAR_TERM_DAYS).map(Number)).toEqual(Array.from({ length: 75 }, (_, i) => 2025 + i));
    expect(() => statutoryHolidays(2100)).toThrow(RangeError);
    expect(() => statutoryHolidays(2024)).toThrow(/2025–2099/);
    expect(() => statutoryHolidays(2027.5)).toThrow(RangeError);
  });

  it("names what an arrangement lacks", () => {
    expect(missingStatutoryHolidays(2027, ["2027-01-01", "2027-02-06"]).map((h) => h.zh)).toEqual([
      "春节（除夕）",
      "春节（正月初二）",
      "春节（正月初三）",
      "清明节（清明节气）",
      "劳动节（5月1日）",
      "劳动节（5月2日）",
      "端午节（农历五月初五）",
      "中秋节（农历八月十五）",
      "国庆节（10月1日）",
      "国庆节（10月2日）",
      "国庆节（10月3日）",
    ]);
  });
});

describe("the table against chinese-days' own functions", () => {
  it("is what the package computes in Shanghai time (and in UTC), which the official years confirm", async () => {
    await withTimeZone(async () => {
      for (const tz of ["Asia/Shanghai", "UTC"]) {
        const { getSolarDateFromLunar, getSolarTermDate } = await packageIn(tz);
        const md = (s: string) => s.slice(5);
        for (let year = 2004; year <= LAST_STATUTORY_YEAR; year++) {
          const row = [
            md(getSolarDateFromLunar(`${year}-01-01`).date),
            md(getSolarTermDate(year, 4, "pure_brightness")),
            md(getSolarDateFromLunar(`${year}-05-05`).date),
            md(getSolarDateFromLunar(`${year}-08-15`).date),
          ] as const;
          if (year >= FIRST_STATUTORY_YEAR) expect({ year, row }).toEqual({ year, row: LUNAR_AND_SOLAR_TERM_DAYS[year] });
          // The same functions agree with every official arrangement since these became holidays
          // (2008). Before 2025 除夕 and 2 May were not statutory, and the package's 2012 data
          // omits the Saturday inside 端午 (06-23): so the check is that each day was not worked.
          if (year >= 2008 && year <= 2026)
            for (const md of row)
              expect({ day: `${year}-${md}`, working: isWorkingDay(official, `${year}-${md}`) }).toEqual({
                day: `${year}-${md}`,
                working: false,
              });
        }
      }
    });
  });

  it("does not depend on the process's time zone, which the package's functions do", async () => {
    const shanghai = await withTimeZone(async () => {
      await packageIn("Asia/Shanghai");
      return provisionalDaysOff(2027);
    });
    const losAngeles = await withTimeZone(async () => {
      const { getSolarDateFromLunar, getSolarTermDate } = await packageIn("America/Los_Angeles");
      // The reason for the table: run west of Greenwich the package moves 2027's days.
      expect(getSolarDateFromLunar("2027-01-01").date).not.toBe("2027-02-06");
      expect(getSolarDateFromLunar("2027-05-05").date).not.toBe("2027-06-09");
      expect(getSolarTermDate(2027, 4, "pure_brightness")).not.toBe("2027-04-05");
      return provisionalDaysOff(2027);
    });
    expect(losAngeles).toEqual(shanghai);
  });
});

describe("provisionalDaysOff: the statutory days and their make-up days, no 调休", () => {
  it("2027: a make-up weekday for each statutory day on a weekend", () => {
    expect(provisionalDaysOff(2027)).toEqual([
      { day: "2027-01-01", name: "元旦" }, // Friday
      { day: "2027-02-05", name: "春节" }, // Friday, 除夕
      { day: "2027-02-06", name: "春节" }, // Saturday, 初一
      { day: "2027-02-07", name: "春节" }, // Sunday, 初二
      { day: "2027-02-08", name: "春节" }, // Monday, 初三
      { day: "2027-02-09", name: "春节（补假）" },
      { day: "2027-02-10", name: "春节（补假）" },
      { day: "2027-04-05", name: "清明节" },
      { day: "2027-05-01", name: "劳动节" }, // Saturday
      { day: "2027-05-02", name: "劳动节" }, // Sunday
      { day: "2027-05-03", name: "劳动节（补假）" },
      { day: "2027-05-04", name: "劳动节（补假）" },
      { day: "2027-06-09", name: "端午节" },
      { day: "2027-09-15", name: "中秋节" },
      { day: "2027-10-01", name: "国庆节" }, // Friday
      { day: "2027-10-02", name: "国庆节" },
      { day: "2027-10-03", name: "国庆节" },
      { day: "2027-10-04", name: "国庆节（补假）" },
      { day: "2027-10-05", name: "国庆节（补假）" },
    ]);
  });

  it("makes up a holiday that falls on another (中秋 on 国庆 2028-10-03)", () => {
    expect(provisionalDaysOff(2028).filter((d) => d.day >= "2028-09-30" && d.day <= "2028-10-09")).toEqual([
      { day: "2028-10-01", name: "国庆节" }, // Sunday
      { day: "2028-10-02", name: "国庆节" },
      { day: "2028-10-03", name: "中秋节、国庆节" },
      { day: "2028-10-04", name: "国庆节（补假）" },
      { day: "2028-10-05", name: "国庆节（补假）" },
    ]);
  });

  it("gives every year 13 days off on weekdays, counting make-up days, and never a weekend", () => {
    for (let year = FIRST_STATUTORY_YEAR; year <= LAST_STATUTORY_YEAR; year++) {
      const off = provisionalDaysOff(year);
      const weekdays = off.filter((d) => dayOfWeek(d.day) >= 1 && dayOfWeek(d.day) <= 5);
      expect({ year, weekdays: weekdays.length }).toEqual({ year, weekdays: 13 });
      expect(off.every((d) => d.day.startsWith(`${year}-`))).toBe(true);
      expect(off.filter((d) => d.name.endsWith("（补假）")).every((d) => dayOfWeek(d.day) >= 1 && dayOfWeek(d.day) <= 5)).toBe(true);
    }
  });
});
