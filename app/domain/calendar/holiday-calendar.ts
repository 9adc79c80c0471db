import {
  calendarDaysBetween,
  isLocalDay,
  isWeekend,
  plusDays,
  shanghaiDay,
  yearOf,
  type LocalDay,
} from "#app/domain/calendar/local-day.ts";

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
  readonly lastYear: number;
  readonly holidays: ReadonlySet<LocalDay>;
  /** Weekend days worked in exchange for a holiday (调休上班). */
  readonly workdays: ReadonlySet<LocalDay>;
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

/** Builds a calendar from rows (e.g. database rows or the chinese-days seed), checking them. */
export function makeHolidayCalendar(data: {
  firstYear: number;
  lastYear: number;
  holidays: Iterable<LocalDay | { day: LocalDay }>;
  workdays: Iterable<LocalDay | { day: LocalDay }>;
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
  return cal;
}

/** Throws {@link CalendarOutOfRangeError} unless the day's year is loaded. */
export function assertCovered(cal: HolidayCalendar, day: LocalDay): void {
  const year = yearOf(day);
  if (year < cal.firstYear || year > cal.lastYear) {
    throw new CalendarOutOfRangeError(year, cal.firstYear, cal.lastYear, day);
  }
}

/** Whether people work on this day (工作日), 调休 included. */
export function isWorkingDay(cal: HolidayCalendar, day: LocalDay): boolean {
  assertCovered(cal, day);
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
};

/**
 * For the operator's dashboard (DOMAIN.md §3): from `warnDays` days before the last loaded day
 * (31 December of `lastYear`, Shanghai time) on, and after it, a warning; otherwise null. With
 * the default 60, the warning for a calendar ending 2026 starts on 2026-11-01 (Shanghai).
 */
export function calendarExpiryWarning(cal: HolidayCalendar, now: Date, warnDays = 60): CalendarExpiryWarning | null {
  if (!Number.isSafeInteger(warnDays) || warnDays < 0) {
    throw new RangeError(`calendarExpiryWarning: warnDays must be a whole number ≥ 0, got ${warnDays}`);
  }
  const daysLeft = calendarDaysBetween(shanghaiDay(now), lastDayOf(cal.lastYear));
  return daysLeft <= warnDays ? { lastYear: cal.lastYear, daysLeft } : null;
}

function lastDayOf(year: number): LocalDay {
  return `${String(year).padStart(4, "0")}-12-31`;
}
