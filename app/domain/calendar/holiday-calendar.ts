import {
  calendarDaysBetween,
  isLocalDay,
  isWeekend,
  plusDays,
  shanghaiDay,
  yearOf,
  type LocalDay,
} from "#app/domain/calendar/local-day.ts";
import { FIRST_STATUTORY_YEAR, LAST_STATUTORY_YEAR, provisionalDaysOff } from "#app/domain/calendar/statutory-holidays.ts";

/**
 * The official holiday calendar as data (DOMAIN.md §3): the State Council publishes each year's
 * arrangement (国务院办公厅关于…部分节假日安排的通知) late in the year before, with holidays
 * and the weekend days worked in exchange (调休). The operator loads it year by year; the
 * platform never guesses a year it does not have.
 *
 * A day in [firstYear, lastYear] is a working day when it is listed in `workdays`, else when it
 * is Monday–Friday and not listed in `holidays`. `holidays` may list weekend days inside a
 * holiday block too (harmless, and it lets pages name them). A day in both sets is a data error
 * that {@link makeHolidayCalendar} refuses; should one slip through, `workdays` wins.
 */
export type HolidayCalendar = {
  readonly firstYear: number;
  /** The last year with an official arrangement. */
  readonly lastYear: number;
  readonly holidays: ReadonlySet<LocalDay>;
  /** Weekend days worked in exchange for a holiday (调休上班). */
  readonly workdays: ReadonlySet<LocalDay>;
  /**
   * The years after `lastYear`, up to this one, are answered by the provisional calendar (the
   * statutory holidays and their make-up days, no 调休: statutory-holidays.ts, decision 0031);
   * a day in them is {@link isProvisionalDay}. Absent or equal to `lastYear`: none.
   */
  readonly provisionalThrough?: number;
};

/**
 * A day outside the loaded years was needed. Never caught to fall back on weekdays: the
 * operator has to add the year (see {@link calendarExpiryWarning}).
 */
export class CalendarOutOfRangeError extends Error {
  override name = "CalendarOutOfRangeError";
  constructor(
    /** The year with no holiday data. */
    readonly year: number,
    readonly firstYear: number,
    readonly lastYear: number,
    /** The day that was needed. */
    readonly day: LocalDay,
  ) {
    super(
      `No holiday calendar for ${year} (needed for ${day}): the calendar covers ` +
        `${firstYear}–${lastYear}. Add the official holiday arrangement for ${year} first.`,
    );
  }
}

/**
 * Builds a calendar from rows (e.g. database rows or the chinese-days seed), checking them. With
 * `provisional: true` the years after the last official one are answered provisionally, as far
 * as the statutory-holiday table reaches (the platform's calendar does this; see
 * app/server/repo/tendering.server.ts).
 */
export function makeHolidayCalendar(data: {
  firstYear: number;
  lastYear: number;
  holidays: Iterable<LocalDay | { day: LocalDay }>;
  workdays: Iterable<LocalDay | { day: LocalDay }>;
  provisional?: boolean;
}): HolidayCalendar {
  const { firstYear, lastYear } = data;
  if (!Number.isSafeInteger(firstYear) || !Number.isSafeInteger(lastYear) || firstYear > lastYear) {
    throw new RangeError(`Holiday calendar: bad year range ${firstYear}–${lastYear}`);
  }
  const cal = { firstYear, lastYear, holidays: new Set<LocalDay>(), workdays: new Set<LocalDay>() };
  const add = (set: Set<LocalDay>, rows: Iterable<LocalDay | { day: LocalDay }>) => {
    for (const row of rows) {
      const day = typeof row === "string" ? row : row.day;
      if (!isLocalDay(day)) throw new RangeError(`Holiday calendar: not a date: ${day}`);
      assertCovered(cal, day);
      set.add(day);
    }
  };
  add(cal.holidays, data.holidays);
  add(cal.workdays, data.workdays);
  for (const day of cal.workdays) {
    if (cal.holidays.has(day)) {
      throw new RangeError(`Holiday calendar: ${day} is listed both as holiday and as workday`);
    }
  }
  const provisionalThrough =
    data.provisional && lastYear + 1 >= FIRST_STATUTORY_YEAR && lastYear < LAST_STATUTORY_YEAR ? LAST_STATUTORY_YEAR : lastYear;
  return { ...cal, provisionalThrough };
}

/** Throws {@link CalendarOutOfRangeError} unless the day's year is loaded or provisional. */
export function assertCovered(cal: HolidayCalendar, day: LocalDay): void {
  const year = yearOf(day);
  const last = Math.max(cal.lastYear, cal.provisionalThrough ?? cal.lastYear);
  if (year < cal.firstYear || year > last) {
    throw new CalendarOutOfRangeError(year, cal.firstYear, last, day);
  }
}

/**
 * Whether the day lies in a year the calendar only knows provisionally: anything computed from
 * it must say so (decision 0031). Days are consulted in order, so a period is provisional exactly
 * when the last day it looked at is.
 */
export function isProvisionalDay(cal: HolidayCalendar, day: LocalDay): boolean {
  return yearOf(day) > cal.lastYear;
}

const provisionalCache = new Map<number, ReadonlySet<LocalDay>>();

/** The provisional days off of a year (statutory-holidays.ts), computed once per year. */
function provisionalOff(year: number): ReadonlySet<LocalDay> {
  let off = provisionalCache.get(year);
  if (!off) {
    off = new Set(provisionalDaysOff(year).map((d) => d.day));
    provisionalCache.set(year, off);
  }
  return off;
}

/** Whether people work on this day (工作日), 调休 included; provisional years have no 调休. */
export function isWorkingDay(cal: HolidayCalendar, day: LocalDay): boolean {
  assertCovered(cal, day);
  if (isProvisionalDay(cal, day)) return !isWeekend(day) && !provisionalOff(yearOf(day)).has(day);
  if (cal.workdays.has(day)) return true;
  if (cal.holidays.has(day)) return false;
  return !isWeekend(day);
}

/** The day itself when it is a working day, else the next working day. */
export function nextWorkingDayFrom(cal: HolidayCalendar, day: LocalDay): LocalDay {
  let d = day;
  while (!isWorkingDay(cal, d)) d = plusDays(d, 1); // ends: leaving the years throws
  return d;
}

export type CalendarExpiryWarning = {
  lastYear: number;
  /** Days from today (Shanghai) to 31 December of `lastYear`: 0 on that day, negative after. */
  daysLeft: number;
  /** Whether the year after `lastYear` is answered provisionally (else periods reaching it are refused). */
  provisional: boolean;
};

/**
 * For the operator's dashboard (DOMAIN.md §3): from `warnDays` days before the last official day
 * (31 December of `lastYear`, Shanghai time) on, and after it, a warning; otherwise null. With
 * the default 60, the warning for a calendar ending 2026 starts on 2026-11-01 (Shanghai). It says
 * whether the next year is provisional (dates computed on it are marked so until the operator
 * loads the official arrangement) or missing (periods reaching it are refused).
 */
export function calendarExpiryWarning(cal: HolidayCalendar, now: Date, warnDays = 60): CalendarExpiryWarning | null {
  if (!Number.isSafeInteger(warnDays) || warnDays < 0) {
    throw new RangeError(`calendarExpiryWarning: warnDays must be a whole number ≥ 0, got ${warnDays}`);
  }
  const daysLeft = calendarDaysBetween(shanghaiDay(now), lastDayOf(cal.lastYear));
  const provisional = (cal.provisionalThrough ?? cal.lastYear) > cal.lastYear;
  return daysLeft <= warnDays ? { lastYear: cal.lastYear, daysLeft, provisional } : null;
}

function lastDayOf(year: number): LocalDay {
  return `${String(year).padStart(4, "0")}-12-31`;
}
