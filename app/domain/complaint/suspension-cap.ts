import { plusDays, shanghaiDay, startOfShanghaiDay } from "#app/domain/calendar/local-day.ts";
import { citation, type Citation } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * Government procurement: the regulator may suspend the procurement while it handles a complaint
 * for at most 30 days (政府采购法 57). Calendar days (日), counted as every period is (DOMAIN.md §3):
 * the day the suspension starts is not counted, so it ends when the 30th day after it ends
 * (00:00 Beijing of the 31st). A last day on a holiday is not moved: the cap is a maximum, not a
 * time given to someone to act. Engineering has no such cap (条例 62). Decision 74.
 */
export const GP_SUSPENSION_MAX_DAYS = 30;

export function suspensionCap(type: ProcurementType, suspendedAt: Date): { endsAt: Date; source: Citation } | null {
  if (type !== "government") return null;
  return {
    endsAt: startOfShanghaiDay(plusDays(shanghaiDay(suspendedAt), GP_SUSPENSION_MAX_DAYS + 1)),
    source: citation("complaintSuspension", type),
  };
}

/** Whether a suspension made at `suspendedAt` must be lifted by `now`. */
export const suspensionCapReached = (type: ProcurementType, suspendedAt: Date, now: Date): boolean => {
  const cap = suspensionCap(type, suspendedAt);
  return cap !== null && now.getTime() >= cap.endsAt.getTime();
};
