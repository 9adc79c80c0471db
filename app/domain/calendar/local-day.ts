/**
 * Calendar days in China, and the explicit conversions between them and instants.
 *
 * A day is a plain `YYYY-MM-DD` string ({@link LocalDay}), always meaning that date in
 * Asia/Shanghai: the form the holiday data, the database `date` column, JSON and the legal
 * texts all use, and one that compares and sorts as a string. An instant is a `Date` (UTC). The
 * two meet only through {@link shanghaiDay}, {@link startOfShanghaiDay} and
 * {@link endOfShanghaiDay}, so no code depends on the server's time zone. China has kept UTC+8
 * without daylight saving since 1992, so the conversion is a fixed offset.
 *
 * Functions that take a day validate it and throw a RangeError on a malformed or impossible
 * date ("2025-02-30"): days come from our own data or from parsed input, so a bad one is a bug.
 */
export type LocalDay = string;

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1992). */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Whether `value` is a well-formed, real `YYYY-MM-DD` date. */
export function isLocalDay(value: string): boolean {
  return !Number.isNaN(epochDayOrNaN(value));
}

/** Days since 1970-01-01 (negative before); the basis of all day arithmetic here. */
export function toEpochDay(day: LocalDay): number {
  const n = epochDayOrNaN(day);
  if (Number.isNaN(n)) throw new RangeError(`Not a date (YYYY-MM-DD): ${JSON.stringify(day)}`);
  return n;
}

export function fromEpochDay(epochDay: number): LocalDay {
  if (!Number.isSafeInteger(epochDay)) throw new RangeError(`Not a day number: ${epochDay}`);
  const iso = new Date(epochDay * DAY_MS).toISOString();
  if (!/^\d{4}-/.test(iso)) throw new RangeError(`Day ${epochDay} is outside years 0000–9999`);
  return iso.slice(0, 10);
}

/** The year of a day, e.g. 2025 for "2025-10-01". */
export function yearOf(day: LocalDay): number {
  toEpochDay(day);
  return Number(day.slice(0, 4));
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(day: LocalDay): number {
  return (((toEpochDay(day) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function isWeekend(day: LocalDay): boolean {
  const d = dayOfWeek(day);
  return d === 0 || d === 6;
}

/** Plain date arithmetic, no calendar: `plusDays("2025-12-31", 1)` → "2026-01-01". */
export function plusDays(day: LocalDay, n: number): LocalDay {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Not a whole number of days: ${n}`);
  return fromEpochDay(toEpochDay(day) + n);
}

/**
 * Calendar days (日) from `from` to `to`: the start day is not counted and the end day is, so
 * `calendarDaysBetween("2025-10-01", "2025-10-11")` is 10 and a period of n days started on
 * `from` ends on the day where this equals n. Negative when `to` is before `from`. Needs no
 * holiday calendar: a calendar-day period counts holidays too (only its end moves, see
 * `addCalendarDays`).
 */
export function calendarDaysBetween(from: LocalDay, to: LocalDay): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** The Shanghai calendar day an instant falls on. */
export function shanghaiDay(instant: Date): LocalDay {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError("shanghaiDay: invalid Date");
  return fromEpochDay(Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS));
}

/** 00:00:00.000 of the day in Shanghai, as an instant (16:00 UTC the day before). */
export function startOfShanghaiDay(day: LocalDay): Date {
  return new Date(toEpochDay(day) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/**
 * 23:59:59.999 of the day in Shanghai, as an instant (15:59:59.999 UTC): the last moment of a
 * period that ends on that day ("within 3 days" is met by anything before this).
 */
export function endOfShanghaiDay(day: LocalDay): Date {
  return new Date((toEpochDay(day) + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1);
}

/**
 * The day on which a period ending at the instant `end` ends: the Shanghai day of the last
 * moment before `end`. So a period "until 2025-10-09 17:00" ends on 10-09, and one "until
 * 2025-10-10 00:00" ends on 10-09 too: ending at 00:00 it has none of 10-10, and that day is
 * not counted (民法典 Art 203: the last day ends at 24:00). `endOfShanghaiDay(d)` gives d.
 * Used for every deadline and every end of a period; a start is just `shanghaiDay(start)`.
 */
export function dayEndingAt(end: Date): LocalDay {
  const ms = end.getTime();
  if (Number.isNaN(ms)) throw new RangeError("dayEndingAt: invalid Date");
  return shanghaiDay(new Date(ms - 1));
}

function epochDayOrNaN(day: string): number {
  const match = typeof day === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(day) : null;
  if (!match) return NaN;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as is
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return NaN; // rolled over: "2025-02-30" became 2 March
  }
  return date.getTime() / DAY_MS;
}
