import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import type { Database, SectionsTable } from "#db/schema.ts";
import { makeHolidayCalendar, type HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import type { Ban, CreditRecord } from "#app/domain/credit/credit.ts";
import type { ProcurementType, RuleSet } from "#app/domain/tendering/rule-set.ts";
import type { SectionFacts } from "#app/domain/tendering/section-phase.ts";
import { OpeningForm } from "#app/domain/tendering/opening-form.ts";
import { toBigInt } from "../db.server.ts";

/**
 * Repository functions of the tendering context: they take the executor first (a Kysely or a
 * Transaction) and return domain values, converting what the two drivers return differently.
 */
type Executor = Kysely<Database> | Transaction<Database>;

/** The rule set in force: the latest version of the type. Every legal check reads this one. */
export async function currentRuleSet(db: Executor, type: ProcurementType): Promise<{ version: number; rules: RuleSet }> {
  const row = await db
    .selectFrom("rule_sets")
    .select(["version", "rules"])
    .where("procurement_type", "=", type)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();
  return { version: row.version, rules: row.rules as RuleSet };
}

/**
 * The holiday calendar as loaded by the operator (its years must be contiguous), answering the
 * years after the last official one provisionally (decision 0031): whatever is computed on them
 * says so. A transaction that stores periods computed on it takes {@link lockCalendarForPeriods}
 * first, so that loading an official year cannot slip between the computation and its row.
 */
export async function loadHolidayCalendar(db: Executor): Promise<HolidayCalendar> {
  const years = await db.selectFrom("calendar_years").select("year").orderBy("year").execute();
  if (years.length === 0) throw new Error("the holiday calendar is empty (migration 0005 seeds it)");
  const days = await db
    .selectFrom("holidays")
    .select([sql<string>`day::text`.as("day"), "kind"])
    .execute();
  return makeHolidayCalendar({
    firstYear: years[0]!.year,
    lastYear: years.at(-1)!.year,
    holidays: days.filter((d) => d.kind === "holiday").map((d) => d.day),
    workdays: days.filter((d) => d.kind === "workday").map((d) => d.day),
    provisional: true,
  });
}

/** Holds off loading a calendar year (which locks the table exclusively) until the transaction ends. */
export async function lockCalendarForPeriods(trx: Transaction<Database>): Promise<void> {
  await sql`lock table calendar_years in share mode`.execute(trx);
}

/** Credit records and bans of an organisation, by USCC. */
export async function creditStanding(db: Executor, uscc: string): Promise<{ records: CreditRecord[]; bans: (Ban & { source: string })[] }> {
  const [records, bans] = await Promise.all([
    db.selectFrom("credit_records").selectAll().where("uscc", "=", uscc).orderBy("effective_from").execute(),
    db.selectFrom("credit_bans").selectAll().where("uscc", "=", uscc).orderBy("from_at").execute(),
  ]);
  return {
    records: records.map((r) => ({
      grade: r.grade,
      effectiveFrom: r.effective_from,
      effectiveTo: r.effective_to,
      source: r.source,
      reason: r.reason,
    })),
    bans: bans.map((b) => ({ scope: b.scope, basis: b.basis, from: b.from_at, until: b.until_at, source: b.source })),
  };
}

export type SectionRow = NonNullable<Awaited<ReturnType<typeof findSection>>>;

export async function findSection(db: Executor, sectionId: string, options: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom("sections").selectAll().where("id", "=", sectionId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toSection(row) : undefined;
}

export async function sectionsOf(db: Executor, projectId: string) {
  const rows = await db.selectFrom("sections").selectAll().where("project_id", "=", projectId).orderBy("sequence").execute();
  return rows.map(toSection);
}

type RawSection = Selectable<SectionsTable>;

function toSection(row: RawSection) {
  return {
    ...row,
    estimate_fen: toBigInt(row.estimate_fen),
    bid_security_fen: toBigInt(row.bid_security_fen),
    opening_form: OpeningForm.parse(row.opening_form),
  };
}

export function factsOf(s: {
  published_at: Date | null;
  deadline_at: Date;
  cancelled_at: Date | null;
  failed_at: Date | null;
  suspended_at: Date | null;
}): SectionFacts {
  return {
    publishedAt: s.published_at,
    deadlineAt: s.deadline_at,
    cancelledAt: s.cancelled_at,
    failedAt: s.failed_at,
    suspendedAt: s.suspended_at,
  };
}

export async function findProject(db: Executor, projectId: string, options: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom("projects").selectAll().where("id", "=", projectId);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}
