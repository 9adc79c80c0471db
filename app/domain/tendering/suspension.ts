import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { citation } from "./legal-sources.ts";
import type { ProcurementType } from "./rule-set.ts";

/**
 * The regulator's suspension and the bid deadline (decision 38).
 *
 * A suspension stops the tender (条例 62 / 政府采购法 57): while it lasts nothing changes a bid —
 * no submission, replacement or withdrawal. When it covers the deadline (it began before the
 * deadline and was lifted at or after it) the bidders lost the time from the suspension to the
 * deadline, so the deadline moves by the whole time suspended: on resuming they have exactly the
 * time they had left when it began. A suspension lifted before the deadline moves nothing: the
 * bidders could still submit after it, and bids are prepared offline meanwhile. A suspension that
 * begins at or after the deadline stops the opening, not the bidding (decision 17).
 *
 * Intervals are half-open, like every phase: at the deadline's exact millisecond bidding is over.
 */
export function deadlineAfterSuspension(deadlineAt: Date, suspension: { suspendedAt: Date; resumedAt: Date }): Date | null {
  const { suspendedAt, resumedAt } = suspension;
  if (resumedAt < suspendedAt) throw new Error("a suspension cannot end before it begins");
  const covers = suspendedAt < deadlineAt && resumedAt >= deadlineAt;
  if (!covers) return null;
  return new Date(deadlineAt.getTime() + (resumedAt.getTime() - suspendedAt.getTime()));
}

/** Refuses any change to a bid while the section is suspended, naming the rule for its procurement type. */
export function assertBidsMayChange(section: { suspendedAt: Date | null }, type: ProcurementType, now: Date): void {
  if (!section.suspendedAt || section.suspendedAt > now) return;
  const source = citation("suspension", type);
  throw new AppError("SECTION_SUSPENDED", {
    sinceZh: formatShanghai(section.suspendedAt, "zh-CN"),
    sinceEn: formatShanghai(section.suspendedAt, "en"),
    sourceZh: source.zh,
    sourceEn: source.en,
  });
}
