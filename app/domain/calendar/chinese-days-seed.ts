import data from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { isLocalDay, yearOf, type LocalDay } from "#app/domain/calendar/local-day.ts";

/**
 * The first holiday calendar, taken from the npm package `chinese-days` 1.5.7, which transcribes
 * the State Council's notices for 2004–2026. The database seed stores these rows; from then on
 * the operator edits them and adds each new year when its notice is published (DOMAIN.md §3).
 *
 * The package answers for any date, treating a year it has no notice for as plain weekdays and
 * weekends. That guess is exactly what the platform must not make, so the seed stops at 2026
 * and `lastYear` says so; a computation reaching 2027 fails until the operator adds it.
 *
 * NOTE: the rows come from the package's published JSON (`dist/chinese-days.json`, documented
 * in its README), not from its functions (`getDayDetail`…). The functions build their tables
 * when the module is first imported, parsing "YYYY-MM-DD" as UTC and formatting in the
 * process's local time zone: in a process west of Greenwich (TZ=America/Los_Angeles) every
 * holiday comes out one day early (2026 National Day as 09-30..10-06). The JSON is fixed data;
 * chinese-days-seed.test.ts checks that it agrees with the functions run at UTC.
 */
export const CHINESE_DAYS_FIRST_YEAR = 2004;
export const CHINESE_DAYS_LAST_YEAR = 2026;

export type CalendarDayRow = {
  day: LocalDay;
  /** The holiday, in Chinese ("国庆节"); for a workday, the holiday it makes up for. */
  name: string;
};

export type CalendarSeed = {
  firstYear: number;
  lastYear: number;
  /** Days off, weekend days inside a holiday block included. */
  holidays: CalendarDayRow[];
  /** Weekend days worked in exchange (调休上班). */
  workdays: CalendarDayRow[];
};

/** The package abbreviates three names; the notices say 清明节, 端午节, 中秋节. */
const OFFICIAL_NAMES: Readonly<Record<string, string>> = {
  清明: "清明节",
  端午: "端午节",
  中秋: "中秋节",
};

/** Every holiday and adjusted workday of 2004–2026, in date order. */
export function chineseDaysSeed(): CalendarSeed {
  return {
    firstYear: CHINESE_DAYS_FIRST_YEAR,
    lastYear: CHINESE_DAYS_LAST_YEAR,
    holidays: toRows(data.holidays),
    workdays: toRows(data.workdays),
  };
}

/** `{ "2025-10-01": "National Day,国庆节,3" }` → `[{ day: "2025-10-01", name: "国庆节" }]` */
function toRows(table: Readonly<Record<string, string>>): CalendarDayRow[] {
  const rows: CalendarDayRow[] = [];
  for (const [day, label] of Object.entries(table)) {
    const chinese = label.split(",")[1];
    if (!isLocalDay(day) || chinese === undefined) {
      throw new Error(`chinese-days: unexpected entry ${JSON.stringify({ [day]: label })}`);
    }
    const year = yearOf(day);
    if (year < CHINESE_DAYS_FIRST_YEAR || year > CHINESE_DAYS_LAST_YEAR) continue;
    rows.push({ day, name: OFFICIAL_NAMES[chinese] ?? chinese });
  }
  return rows.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
