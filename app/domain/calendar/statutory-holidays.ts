import { isWeekend, plusDays, type LocalDay } from "#app/domain/calendar/local-day.ts";

/**
 * The statutory holidays (法定节假日) of a year, known in advance by law, and the provisional
 * calendar built from them for a year whose arrangement the State Council has not published yet
 * (docs/decisions/0031).
 *
 * 全国年节及纪念日放假办法 (2024 revision, 国务院令第 798 号, in force 2025-01-01) Art 2 gives
 * everyone 13 days: 元旦 1 (1 January), 春节 4 (除夕 — the last day of the 12th lunar month — and
 * the 1st–3rd of the 1st lunar month), 清明节 1 (the 清明 solar term day), 劳动节 2 (1–2 May),
 * 端午节 1 (5th of the 5th lunar month), 中秋节 1 (15th of the 8th lunar month), 国庆节 3 (1–3
 * October). Art 6: a holiday for everyone that falls on a Saturday or Sunday is made up on a
 * working day (补假); holidays for part of the people (妇女节, 青年节…) are not, and are not days
 * off for everyone, so the calendar ignores them.
 *
 * The lunar dates and the 清明 day come from {@link LUNAR_AND_SOLAR_TERM_DAYS}, a table computed
 * once with the `chinese-days` package in Asia/Shanghai. Its functions are not called at run time:
 * they read the process's local time zone, and west of Greenwich they shift these days by one in
 * either direction (2027 春节 as 02-07, 端午 as 06-08); statutory-holidays.test.ts recomputes the
 * table in Shanghai time and shows the shift in Los Angeles.
 */

/** Where the 13 days and the make-up rule come from. */
export const STATUTORY_HOLIDAYS_SOURCE = "全国年节及纪念日放假办法（国务院令第798号修订）第二条、第六条";

/** The first year under the 2024 revision (13 days, 除夕 included). */
export const FIRST_STATUTORY_YEAR = 2025;
/** The last year of the table below. */
export const LAST_STATUTORY_YEAR = 2099;

/**
 * Per Gregorian year: 正月初一 (the 1st day of the 1st lunar month), the 清明 solar term day,
 * 端午 (5th of the 5th lunar month, never the leap month), 中秋 (15th of the 8th lunar month), as
 * "MM-DD". 除夕 is the day before 正月初一 (the 12th month has 29 or 30 days). Generated with
 * chinese-days 1.5.7 under TZ=Asia/Shanghai; checked against the official calendars of 2008–2026
 * and against the known 2027 dates (春节 02-06, 清明 04-05, 端午 06-09, 中秋 09-15).
 */
export const LUNAR_AND_SOLAR_TERM_DAYS: Readonly<Record<number, readonly [string, string, string, string]>> = {
  2025: ["01-29", "04-04", "05-31", "10-06"],
  2026: ["02-17", "04-05", "06-19", "09-25"],
  2027: ["02-06", "04-05", "06-09", "09-15"],
  2028: ["01-26", "04-04", "05-28", "10-03"],
  2029: ["02-13", "04-04", "06-16", "09-22"],
  2030: ["02-03", "04-05", "06-05", "09-12"],
  2031: ["01-23", "04-05", "06-24", "10-01"],
  2032: ["02-11", "04-04", "06-12", "09-19"],
  2033: ["01-31", "04-04", "06-01", "09-08"],
  2034: ["02-19", "04-05", "06-20", "09-27"],
  2035: ["02-08", "04-05", "06-10", "09-16"],
  2036: ["01-28", "04-04", "05-30", "10-04"],
  2037: ["02-15", "04-04", "06-18", "09-24"],
  2038: ["02-04", "04-05", "06-07", "09-13"],
  2039: ["01-24", "04-05", "05-27", "10-02"],
  2040: ["02-12", "04-04", "06-14", "09-20"],
  2041: ["02-01", "04-04", "06-03", "09-10"],
  2042: ["01-22", "04-04", "06-22", "09-28"],
  2043: ["02-10", "04-05", "06-11", "09-17"],
  2044: ["01-30", "04-04", "05-31", "10-05"],
  2045: ["02-17", "04-04", "06-19", "09-25"],
  2046: ["02-06", "04-04", "06-08", "09-15"],
  2047: ["01-26", "04-05", "05-29", "10-04"],
  2048: ["02-14", "04-04", "06-15", "09-22"],
  2049: ["02-02", "04-04", "06-04", "09-11"],
  2050: ["01-23", "04-04", "06-23", "09-30"],
  2051: ["02-11", "04-05", "06-13", "09-19"],
  2052: ["02-01", "04-04", "06-01", "09-07"],
  2053: ["02-19", "04-04", "06-20", "09-26"],
  2054: ["02-08", "04-04", "06-10", "09-16"],
  2055: ["01-28", "04-05", "05-30", "10-05"],
  2056: ["02-15", "04-04", "06-17", "09-24"],
  2057: ["02-04", "04-04", "06-06", "09-13"],
  2058: ["01-24", "04-04", "06-25", "10-02"],
  2059: ["02-12", "04-05", "06-14", "09-21"],
  2060: ["02-02", "04-04", "06-03", "09-09"],
  2061: ["01-21", "04-04", "06-22", "09-28"],
  2062: ["02-09", "04-04", "06-11", "09-17"],
  2063: ["01-29", "04-05", "06-01", "10-06"],
  2064: ["02-17", "04-04", "06-19", "09-25"],
  2065: ["02-05", "04-04", "06-08", "09-15"],
  2066: ["01-26", "04-04", "05-28", "10-03"],
  2067: ["02-14", "04-05", "06-16", "09-23"],
  2068: ["02-03", "04-04", "06-04", "09-11"],
  2069: ["01-23", "04-04", "06-23", "09-29"],
  2070: ["02-11", "04-04", "06-13", "09-19"],
  2071: ["01-31", "04-05", "06-02", "09-08"],
  2072: ["02-19", "04-04", "06-20", "09-26"],
  2073: ["02-07", "04-04", "06-10", "09-16"],
  2074: ["01-27", "04-04", "05-30", "10-05"],
  2075: ["02-15", "04-04", "06-17", "09-24"],
  2076: ["02-05", "04-04", "06-06", "09-12"],
  2077: ["01-24", "04-04", "06-24", "10-01"],
  2078: ["02-12", "04-04", "06-14", "09-20"],
  2079: ["02-02", "04-04", "06-04", "09-10"],
  2080: ["01-22", "04-04", "06-22", "09-28"],
  2081: ["02-09", "04-04", "06-11", "09-17"],
  2082: ["01-29", "04-04", "06-01", "10-06"],
  2083: ["02-17", "04-04", "06-19", "09-26"],
  2084: ["02-06", "04-04", "06-07", "09-14"],
  2085: ["01-26", "04-04", "05-27", "10-03"],
  2086: ["02-14", "04-04", "06-15", "09-22"],
  2087: ["02-03", "04-04", "06-05", "09-11"],
  2088: ["01-24", "04-04", "06-23", "09-29"],
  2089: ["02-10", "04-04", "06-13", "09-18"],
  2090: ["01-30", "04-04", "06-02", "09-08"],
  2091: ["02-18", "04-04", "06-21", "09-27"],
  2092: ["02-07", "04-04", "06-09", "09-16"],
  2093: ["01-27", "04-04", "05-29", "10-05"],
  2094: ["02-15", "04-04", "06-17", "09-24"],
  2095: ["02-05", "04-04", "06-06", "09-13"],
  2096: ["01-25", "04-04", "06-24", "09-30"],
  2097: ["02-12", "04-04", "06-14", "09-20"],
  2098: ["02-01", "04-04", "06-04", "09-09"],
  2099: ["01-21", "04-04", "06-23", "09-29"],
};

export interface StatutoryHoliday {
  day: LocalDay;
  /** The holiday's official name ("春节"). */
  name: string;
  /** Which of its days, in Chinese ("除夕") and English ("New Year's Eve"). */
  zh: string;
  en: string;
}

/** The 13 statutory days of a year, in date order (中秋 and 国庆 may fall on the same day). */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  const row = LUNAR_AND_SOLAR_TERM_DAYS[year];
  if (!Number.isSafeInteger(year) || !row) {
    throw new RangeError(
      `statutoryHolidays: ${year} is outside ${FIRST_STATUTORY_YEAR}–${LAST_STATUTORY_YEAR} (the 2024 rules and the lunar table)`,
    );
  }
  const y = String(year);
  const [springFestival, qingming, duanwu, midAutumn] = row.map((md) => `${y}-${md}`) as [string, string, string, string];
  const days: StatutoryHoliday[] = [
    { day: `${y}-01-01`, name: "元旦", zh: "元旦（1月1日）", en: "New Year's Day (1 January)" },
    { day: plusDays(springFestival, -1), name: "春节", zh: "春节（除夕）", en: "Spring Festival (New Year's Eve)" },
    { day: springFestival, name: "春节", zh: "春节（正月初一）", en: "Spring Festival (1st day of the 1st lunar month)" },
    { day: plusDays(springFestival, 1), name: "春节", zh: "春节（正月初二）", en: "Spring Festival (2nd day)" },
    { day: plusDays(springFestival, 2), name: "春节", zh: "春节（正月初三）", en: "Spring Festival (3rd day)" },
    { day: qingming, name: "清明节", zh: "清明节（清明节气）", en: "Qingming (the Qingming solar term)" },
    { day: `${y}-05-01`, name: "劳动节", zh: "劳动节（5月1日）", en: "Labour Day (1 May)" },
    { day: `${y}-05-02`, name: "劳动节", zh: "劳动节（5月2日）", en: "Labour Day (2 May)" },
    { day: duanwu, name: "端午节", zh: "端午节（农历五月初五）", en: "Dragon Boat Festival (5th day of the 5th lunar month)" },
    { day: midAutumn, name: "中秋节", zh: "中秋节（农历八月十五）", en: "Mid-Autumn Festival (15th day of the 8th lunar month)" },
    { day: `${y}-10-01`, name: "国庆节", zh: "国庆节（10月1日）", en: "National Day (1 October)" },
    { day: `${y}-10-02`, name: "国庆节", zh: "国庆节（10月2日）", en: "National Day (2 October)" },
    { day: `${y}-10-03`, name: "国庆节", zh: "国庆节（10月3日）", en: "National Day (3 October)" },
  ];
  return days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** The statutory days of `year` that `holidays` (an official arrangement's days off) does not list. */
export function missingStatutoryHolidays(year: number, holidays: Iterable<LocalDay>): StatutoryHoliday[] {
  const listed = new Set(holidays);
  return statutoryHolidays(year).filter((h) => !listed.has(h.day));
}

export interface ProvisionalDay {
  day: LocalDay;
  /** "春节", or "春节（补假）" for a make-up day. */
  name: string;
}

/**
 * The days off of a year the State Council has not published: the 13 statutory days, plus one
 * make-up day (补假, Art 6) for each statutory day that falls on a Saturday or Sunday or on
 * another statutory day (中秋 on 国庆): the first Monday–Friday after it that is not already off.
 * No 调休: every Saturday and Sunday stays a rest day and none is worked. In date order.
 *
 * E.g. 2027: 01-01; 02-05…02-08 with make-up days 02-09 and 02-10 (初一, 初二 on the weekend);
 * 04-05; 05-01, 05-02 (a weekend) made up on 05-03 and 05-04; 06-09; 09-15; 10-01…10-03 with
 * 10-04 and 10-05.
 */
export function provisionalDaysOff(year: number): ProvisionalDay[] {
  const statutory = statutoryHolidays(year);
  const off = new Map<LocalDay, string>();
  const makeUp: StatutoryHoliday[] = [];
  for (const h of statutory) {
    const already = off.get(h.day);
    if (isWeekend(h.day) || already !== undefined) makeUp.push(h);
    if (already === undefined) off.set(h.day, h.name);
    else if (!already.split("、").includes(h.name)) off.set(h.day, `${already}、${h.name}`);
  }
  for (const h of makeUp) {
    let d = plusDays(h.day, 1);
    while (isWeekend(d) || off.has(d)) d = plusDays(d, 1);
    off.set(d, `${h.name}（补假）`);
  }
  return [...off.entries()].map(([day, name]) => ({ day, name })).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
