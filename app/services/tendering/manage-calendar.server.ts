import { sql } from "kysely";
import { calendarExpiryWarning, makeHolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { isLocalDay, yearOf } from "#app/domain/calendar/local-day.ts";
import {
  FIRST_STATUTORY_YEAR,
  LAST_STATUTORY_YEAR,
  missingStatutoryHolidays,
  provisionalDaysOff,
  STATUTORY_HOLIDAYS_SOURCE,
  statutoryHolidays,
} from "#app/domain/calendar/statutory-holidays.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";
import { recomputePeriods } from "./recompute-periods.server.ts";

export interface CalendarDayInput {
  day: string;
  name: string;
}

/**
 * The loaded years, one year's days, and the expiry warning (DOMAIN.md §3: from 60 days before the
 * end). A year after the last official one shows its provisional days (decision 0031), marked so,
 * with the statutory days an official arrangement for it must list.
 */
export async function readCalendar(app: AppContext, actor: Actor, year?: number) {
  requirePermission(actor, "manage:ruleset:any");
  if (year !== undefined && !Number.isSafeInteger(year)) throw new AppError("VALIDATION_FAILED", { field: "year" });
  const years = await app.db
    .selectFrom("calendar_years as y")
    .leftJoin("people as p", "p.id", "y.loaded_by")
    .select(["y.year", "y.source", "y.loaded_at", "p.name as loadedBy"])
    .orderBy("y.year", "desc")
    .execute();
  const lastYear = years[0]?.year ?? 0;
  const next = lastYear + 1;
  const provisionalYear = next >= FIRST_STATUTORY_YEAR && next <= LAST_STATUTORY_YEAR ? next : null;
  const shown = year ?? lastYear;
  const provisional = shown > lastYear && provisionalYear !== null && shown <= LAST_STATUTORY_YEAR;
  const days = provisional
    ? provisionalDaysOff(shown).map((d) => ({ day: d.day, kind: "holiday" as const, name: d.name }))
    : await app.db
        .selectFrom("holidays")
        .select([sql<string>`day::text`.as("day"), "kind", "name"])
        .where(sql<boolean>`extract(year from day) = ${shown}`)
        .orderBy("day")
        .execute();
  const statutory =
    shown >= FIRST_STATUTORY_YEAR && shown <= LAST_STATUTORY_YEAR
      ? statutoryHolidays(shown).map((h) => ({ day: h.day, name: h.name, zh: h.zh, en: h.en }))
      : [];
  return {
    years,
    year: shown,
    provisional,
    provisionalYear,
    days,
    statutory,
    statutorySource: STATUTORY_HOLIDAYS_SOURCE,
    warning: await calendarWarning(app),
  };
}

/** A name or source: not blank, at most 300 characters, no control characters. */
function cleanText(text: string): boolean {
  return text.trim().length > 0 && text.length <= 300 && !/[\u0000-\u001f\u007f]/.test(text);
}

/** For the operator's dashboard and calendar page. */
export async function calendarWarning(app: AppContext) {
  return calendarExpiryWarning(await loadHolidayCalendar(app.db), app.clock.now());
}

/**
 * Loads (or replaces) one year of the official arrangement: its holidays and its adjusted working
 * weekend days (调休). The years stay contiguous: a new year is the one after the last. A year
 * under the 2024 rules must list every statutory holiday as a day off, else it is refused naming
 * what is missing (decision 0031). In the same transaction every stored period that was counted
 * on the provisional calendar, or reaches into the year, is counted again and each change
 * recorded (recompute-periods.server.ts).
 */
export async function loadCalendarYear(
  app: AppContext,
  opts: { actor: Actor; year: number; holidays: CalendarDayInput[]; workdays: CalendarDayInput[]; source: string; meta: RequestMeta },
) {
  requirePermission(opts.actor, "manage:ruleset:any");
  const { year } = opts;
  const all = [...opts.holidays, ...opts.workdays];
  // Control characters (a NUL would not even reach PostgreSQL) and a day given twice are refused as input, not a 500.
  const seen = new Set<string>();
  const bad = all.find((d) => !isLocalDay(d.day) || yearOf(d.day) !== year || !cleanText(d.name) || seen.size === seen.add(d.day).size);
  if (bad || !cleanText(opts.source)) throw new AppError("VALIDATION_FAILED", { field: bad ? `day ${bad.day}` : "source" });
  try {
    makeHolidayCalendar({ firstYear: year, lastYear: year, holidays: opts.holidays, workdays: opts.workdays });
  } catch (e) {
    throw new AppError("VALIDATION_FAILED", { field: e instanceof Error ? e.message : "days" });
  }
  if (year >= FIRST_STATUTORY_YEAR && year <= LAST_STATUTORY_YEAR) {
    const missing = missingStatutoryHolidays(
      year,
      opts.holidays.map((d) => d.day),
    );
    if (missing.length)
      throw new AppError("CALENDAR_YEAR_INCOMPLETE", {
        year,
        missingZh: missing.map((m) => `${m.zh} ${m.day}`).join("、"),
        missingEn: missing.map((m) => `${m.en} ${m.day}`).join(", "),
        missing: missing.map((m) => m.day),
        source: STATUTORY_HOLIDAYS_SOURCE,
      });
  }
  const now = app.clock.now();
  const actor = auditActorOf(opts.actor, opts.meta);
  return app.db.transaction().execute(async (trx) => {
    await sql`lock table calendar_years in share row exclusive mode`.execute(trx);
    const years = (await trx.selectFrom("calendar_years").select("year").execute()).map((y) => y.year);
    const replaced = years.includes(year);
    if (!replaced && year !== Math.max(...years) + 1) throw new AppError("VALIDATION_FAILED", { field: "year" });
    await trx
      .deleteFrom("holidays")
      .where(sql<boolean>`extract(year from day) = ${year}`)
      .execute();
    const rows = [
      ...opts.holidays.map((d) => ({ day: d.day, kind: "holiday" as const, name: d.name.trim() })),
      ...opts.workdays.map((d) => ({ day: d.day, kind: "workday" as const, name: d.name.trim() })),
    ];
    if (rows.length) await trx.insertInto("holidays").values(rows).execute();
    await trx
      .insertInto("calendar_years")
      .values({ year, source: opts.source.trim(), loaded_by: opts.actor.personId, loaded_at: now })
      .onConflict((oc) => oc.column("year").doUpdateSet({ source: opts.source.trim(), loaded_by: opts.actor.personId, loaded_at: now }))
      .execute();
    await appendAudit(trx, {
      event: { type: "calendar.year_loaded", data: { year, holidays: opts.holidays.length, workdays: opts.workdays.length, replaced } },
      actor,
      at: now,
    });
    const periods = await recomputePeriods(trx, { year, now, actor });
    return { replaced, ...periods };
  });
}
