import {
  assertCovered,
  isProvisionalDay,
  isWorkingDay,
  nextWorkingDayFrom,
  type HolidayCalendar,
} from "#app/domain/calendar/holiday-calendar.ts";
import {
  calendarDaysBetween,
  dayEndingAt,
  plusDays,
  shanghaiDay,
  startOfShanghaiDay,
  toEpochDay,
  type LocalDay,
} from "#app/domain/calendar/local-day.ts";

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
 *
 * These are periods counted FORWARD from an event ("N days from …"). A period counted BACKWARD
 * from a deadline ("at least N days before the deadline", 条例 21, 22) is {@link lastDayBefore}:
 * it needs no calendar and a holiday moves nothing (docs/decisions/0030). A period's end given as
 * an instant ends on `dayEndingAt(instant)`: at 00:00 it ends on the day before.
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

export type DayUnit = "calendarDays" | "workingDays";

/** {@link addCalendarDays} or {@link addWorkingDays}. */
export function addDays(cal: HolidayCalendar, start: LocalDay, n: number, unit: DayUnit): LocalDay {
  return unit === "workingDays" ? addWorkingDays(cal, start, n) : addCalendarDays(cal, start, n);
}

/** Days or working days from `from` (excluded) to `to` (included); calendar days need no calendar. */
export function daysBetween(cal: HolidayCalendar, from: LocalDay, to: LocalDay, unit: DayUnit): number {
  return unit === "workingDays" ? workingDaysBetween(cal, from, to) : calendarDaysBetween(from, to);
}

/**
 * A legal period of `count` days or working days from an event, e.g. "a challenge within 7
 * working days of knowing" (GP法 52) or "documents on sale at least 5 days" (条例 16), with the
 * rule and its source so that whoever shows it can name them.
 */
export interface LegalPeriod {
  /** The rule, as code ("gpChallenge"), and its source ("政府采购法第五十二条"). */
  rule: string;
  source: string;
  /** The event; its day is not counted. */
  from: Date;
  startDay: LocalDay;
  count: number;
  unit: DayUnit;
  /** The last day, moved to the next working day if it is not one. */
  lastDay: LocalDay;
  /** The first instant after the period: 00:00 Shanghai the day after `lastDay`. */
  endsAt: Date;
  /** Whether `lastDay` was found on a provisional calendar year (decision 0031): say so wherever it is shown. */
  provisional: boolean;
}

/** The period of `count` days or working days from `event` (its day not counted). */
export function periodFrom(
  cal: HolidayCalendar,
  p: { rule: string; source: string; from: Date; count: number; unit: DayUnit },
): LegalPeriod {
  const startDay = shanghaiDay(p.from);
  const lastDay = addDays(cal, startDay, p.count, p.unit);
  return {
    rule: p.rule,
    source: p.source,
    from: p.from,
    startDay,
    count: p.count,
    unit: p.unit,
    lastDay,
    endsAt: startOfShanghaiDay(plusDays(lastDay, 1)),
    // The days are looked at in order up to lastDay and provisional years come last.
    provisional: isProvisionalDay(cal, lastDay),
  };
}

/**
 * Whether an act at `at` falls within the period: from the event to the end of its last day (at
 * 00:00 the next day it is too late). The same instant comparison whatever the server's zone.
 */
export function isWithinPeriod(period: Pick<LegalPeriod, "from" | "endsAt">, at: Date): boolean {
  return at.getTime() >= period.from.getTime() && at.getTime() < period.endsAt.getTime();
}

/**
 * Whether a period ending at the instant `end` (a sale period's end, a bid deadline) lasts until
 * the end of the period's last day: `end`'s day (`dayEndingAt`, so 00:00 belongs to the day
 * before) is `lastDay` or later.
 */
export function coversPeriod(period: Pick<LegalPeriod, "lastDay">, end: Date): boolean {
  return dayEndingAt(end) >= period.lastDay;
}

/**
 * The last day on which something due "at least `n` days before" the instant `deadline` may be
 * done (条例 21: clarifications 15 days before; 条例 22: objections 10 days before). Counted
 * backward from the deadline's day (`dayEndingAt`: a 00:00 deadline belongs to the day before),
 * that day not counted; calendar days, and never moved by a holiday: moving it later would
 * shorten the period the rule protects, and nothing in the law moves it earlier (decision 0030).
 */
export function lastDayBefore(deadline: Date, n: number): LocalDay {
  assertCount(n, "lastDayBefore");
  return plusDays(dayEndingAt(deadline), -n);
}
