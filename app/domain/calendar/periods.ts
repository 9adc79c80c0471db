import { assertCovered, isWorkingDay, nextWorkingDayFrom, type HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { plusDays, toEpochDay, type LocalDay } from "#app/domain/calendar/local-day.ts";

/**
 * Legal periods, counted the way DOMAIN.md §3 says (政府采购质疑和投诉办法 Art 42; 87号令
 * Arts 85–86; the same rule as the Civil Code's Arts 201–203):
 * - the day on which the period starts is not counted: counting begins the next day;
 * - the last day is the deadline; if it is not a working day (a weekend not worked, or a
 *   public holiday) the deadline moves to the next working day, for calendar-day periods too.
 *
 * 日 and 工作日 are separate functions so that a rule cannot mix them up. Both take the
 * calendar and fail with `CalendarOutOfRangeError` (naming the year) as soon as any day they
 * look at lies outside the loaded years, the start day included.
 *
 * The result is a day; the moment the period ends is `endOfShanghaiDay(result)`.
 */

/**
 * The deadline of a period of `n` calendar days (日) started on `start`: `start + n`, moved
 * to the next working day if that is not one. E.g. 10 days from 2025-09-24 is 2025-10-04, in
 * the National Day holiday, so the deadline is 2025-10-09. `n = 0` gives `start` itself, moved
 * likewise.
 */
export function addCalendarDays(cal: HolidayCalendar, start: LocalDay, n: number): LocalDay {
  assertCount(n, "addCalendarDays");
  assertCovered(cal, start);
  return nextWorkingDayFrom(cal, plusDays(start, n));
}

/**
 * The deadline of a period of `n` working days (工作日) started on `start`: the n-th working
 * day after `start`, 调休 Saturdays and Sundays included. E.g. 3 working days from 2025-09-30
 * are 10-09, 10-10 and the adjusted working Saturday 10-11. `n = 0` gives `start` itself, or
 * the next working day if it is not one.
 */
export function addWorkingDays(cal: HolidayCalendar, start: LocalDay, n: number): LocalDay {
  assertCount(n, "addWorkingDays");
  assertCovered(cal, start);
  if (n === 0) return nextWorkingDayFrom(cal, start);
  let day = start;
  for (let counted = 0; counted < n;) {
    day = plusDays(day, 1);
    if (isWorkingDay(cal, day)) counted++;
  }
  return day;
}

/**
 * Working days from `from` to `to`, counted like {@link addWorkingDays}: `from` excluded, `to`
 * included, so `workingDaysBetween(cal, a, addWorkingDays(cal, a, n)) === n` for n ≥ 1. Used to
 * ask "how many working days have passed since the bidder learnt of it?". Negative when `to`
 * is before `from` (the same count, with the roles swapped).
 */
export function workingDaysBetween(cal: HolidayCalendar, from: LocalDay, to: LocalDay): number {
  const a = toEpochDay(from);
  const b = toEpochDay(to);
  if (b < a) return -workingDaysBetween(cal, to, from);
  assertCovered(cal, from);
  let count = 0;
  for (let i = 1; i <= b - a; i++) {
    if (isWorkingDay(cal, plusDays(from, i))) count++;
  }
  return count;
}

function assertCount(n: number, where: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${where}: the number of days must be a whole number ≥ 0, got ${n}`);
  }
}
