import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import type { DayUnit, LegalPeriod } from "#app/domain/calendar/periods.ts";

/**
 * The statutory periods stored per section (migration 0015; decisions 0030–0032) and the
 * changes found when an official calendar year replaced a provisional one.
 */
type Executor = Kysely<Database> | Transaction<Database>;
export type PeriodRule = "documentsOnSale" | "documentsToDeadline";

export interface StoredPeriod {
  sectionId: string;
  rule: PeriodRule;
  source: string;
  startDay: string;
  count: number;
  unit: DayUnit;
  lastDay: string;
  provisional: boolean;
}

export interface PeriodChange {
  id: string;
  sectionId: string;
  rule: string;
  source: string;
  oldLastDay: string;
  newLastDay: string;
  satisfied: boolean;
  stillProvisional: boolean;
  calendarYear: number;
  detectedAt: Date;
}

/** Records (or replaces) the periods computed for a section at publication. */
export async function saveSectionPeriods(trx: Transaction<Database>, sectionId: string, periods: LegalPeriod[], now: Date): Promise<void> {
  for (const p of periods) {
    const row = {
      section_id: sectionId,
      rule: p.rule as PeriodRule,
      source: p.source,
      start_day: p.startDay,
      count: p.count,
      unit: p.unit,
      last_day: p.lastDay,
      provisional: p.provisional,
      computed_at: now,
    };
    await trx
      .insertInto("section_periods")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["section_id", "rule"]).doUpdateSet({
          source: row.source,
          start_day: row.start_day,
          count: row.count,
          unit: row.unit,
          last_day: row.last_day,
          provisional: row.provisional,
          computed_at: now,
        }),
      )
      .execute();
  }
}

const periodColumns = [
  "p.section_id",
  "p.rule",
  "p.source",
  sql<string>`p.start_day::text`.as("start_day"),
  "p.count",
  "p.unit",
  sql<string>`p.last_day::text`.as("last_day"),
  "p.provisional",
] as const;

function toPeriod(r: {
  section_id: string;
  rule: PeriodRule;
  source: string;
  start_day: string;
  count: number;
  unit: DayUnit;
  last_day: string;
  provisional: boolean;
}): StoredPeriod {
  return {
    sectionId: r.section_id,
    rule: r.rule,
    source: r.source,
    startDay: r.start_day,
    count: r.count,
    unit: r.unit,
    lastDay: r.last_day,
    provisional: r.provisional,
  };
}

/** The stored periods of these sections. */
export async function periodsOfSections(db: Executor, sectionIds: string[]): Promise<StoredPeriod[]> {
  if (sectionIds.length === 0) return [];
  const rows = await db
    .selectFrom("section_periods as p")
    .select(periodColumns)
    .where("p.section_id", "in", sectionIds)
    .orderBy("p.section_id")
    .orderBy("p.rule")
    .execute();
  return rows.map(toPeriod);
}

/**
 * The periods that loading calendar `year` may move, with what their section must cover: every
 * provisional one, and every one whose days reach into that year (a replaced official year).
 */
export async function periodsTouchingYear(trx: Transaction<Database>, year: number) {
  const rows = await trx
    .selectFrom("section_periods as p")
    .innerJoin("sections as s", "s.id", "p.section_id")
    .select([...periodColumns, "s.code", "s.project_id", "s.sale_until", "s.deadline_at"])
    .where((eb) =>
      eb.or([eb("p.provisional", "=", true), eb.and([eb("p.start_day", "<=", `${year}-12-31`), eb("p.last_day", ">=", `${year}-01-01`)])]),
    )
    .forUpdate("p")
    .execute();
  return rows.map((r) => ({
    ...toPeriod(r),
    sectionCode: r.code,
    projectId: r.project_id,
    saleUntil: r.sale_until,
    deadlineAt: r.deadline_at,
  }));
}

export async function updatePeriodLastDay(
  trx: Transaction<Database>,
  p: { sectionId: string; rule: PeriodRule; lastDay: string; provisional: boolean },
  now: Date,
): Promise<void> {
  await trx
    .updateTable("section_periods")
    .set({ last_day: p.lastDay, provisional: p.provisional, computed_at: now })
    .where("section_id", "=", p.sectionId)
    .where("rule", "=", p.rule)
    .execute();
}

export async function recordPeriodChange(trx: Transaction<Database>, c: Omit<PeriodChange, "id">): Promise<string> {
  const { id } = await trx
    .insertInto("period_changes")
    .values({
      section_id: c.sectionId,
      rule: c.rule,
      source: c.source,
      old_last_day: c.oldLastDay,
      new_last_day: c.newLastDay,
      satisfied: c.satisfied,
      still_provisional: c.stillProvisional,
      calendar_year: c.calendarYear,
      detected_at: c.detectedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** The recorded changes of these sections, newest first. */
export async function periodChangesOfSections(db: Executor, sectionIds: string[]): Promise<PeriodChange[]> {
  if (sectionIds.length === 0) return [];
  const rows = await db
    .selectFrom("period_changes")
    .select([
      "id",
      "section_id",
      "rule",
      "source",
      sql<string>`old_last_day::text`.as("old_last_day"),
      sql<string>`new_last_day::text`.as("new_last_day"),
      "satisfied",
      "still_provisional",
      "calendar_year",
      "detected_at",
    ])
    .where("section_id", "in", sectionIds)
    .orderBy("detected_at", "desc")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    sectionId: r.section_id,
    rule: r.rule,
    source: r.source,
    oldLastDay: r.old_last_day,
    newLastDay: r.new_last_day,
    satisfied: r.satisfied,
    stillProvisional: r.still_provisional,
    calendarYear: r.calendar_year,
    detectedAt: r.detected_at,
  }));
}
