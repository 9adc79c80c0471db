import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import { isProvisionalDay } from "#app/domain/calendar/holiday-calendar.ts";
import { addDays, coversPeriod } from "#app/domain/calendar/periods.ts";
import { appendAudit, type AuditActor } from "#app/server/audit.server.ts";
import { periodsTouchingYear, recordPeriodChange, updatePeriodLastDay } from "#app/server/repo/periods.server.ts";
import { loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";

/**
 * After calendar `year` was loaded in `trx` (decision 0031): every stored period that was
 * provisional or reaches into that year is counted again on the calendar now in force. A period
 * whose last day moved is recorded as a change, with whether the section's own dates (the sale's
 * end, the bid deadline) still cover it, and audited; the agency, the tenderer and the regulator
 * see it on the project and in their lists. Returns how many were recomputed and changed.
 */
export async function recomputePeriods(
  trx: Transaction<Database>,
  opts: { year: number; now: Date; actor: AuditActor },
): Promise<{ recomputed: number; changed: number; unsatisfied: number }> {
  const calendar = await loadHolidayCalendar(trx);
  const periods = await periodsTouchingYear(trx, opts.year);
  let changed = 0;
  let unsatisfied = 0;
  for (const p of periods) {
    const lastDay = addDays(calendar, p.startDay, p.count, p.unit);
    const provisional = isProvisionalDay(calendar, lastDay);
    if (lastDay === p.lastDay && provisional === p.provisional) continue;
    await updatePeriodLastDay(trx, { sectionId: p.sectionId, rule: p.rule, lastDay, provisional }, opts.now);
    if (lastDay === p.lastDay) continue; // confirmed: only the provisional mark goes
    const satisfied = coversPeriod({ lastDay }, p.rule === "documentsOnSale" ? p.saleUntil : p.deadlineAt);
    const changeId = await recordPeriodChange(trx, {
      sectionId: p.sectionId,
      rule: p.rule,
      source: p.source,
      oldLastDay: p.lastDay,
      newLastDay: lastDay,
      satisfied,
      stillProvisional: provisional,
      calendarYear: opts.year,
      detectedAt: opts.now,
    });
    await appendAudit(trx, {
      event: {
        type: "section.period_changed",
        data: {
          sectionId: p.sectionId,
          projectId: p.projectId,
          changeId,
          rule: p.rule,
          oldLastDay: p.lastDay,
          newLastDay: lastDay,
          satisfied,
          calendarYear: opts.year,
        },
      },
      actor: opts.actor,
      at: opts.now,
    });
    changed++;
    if (!satisfied) unsatisfied++;
  }
  return { recomputed: periods.length, changed, unsatisfied };
}
