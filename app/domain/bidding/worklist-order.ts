/**
 * The order of the bidder's worklist (我的投标): the deadline nearest to `now` first. Sections still
 * open come first, the soonest deadline on top, because that is where work is due; sections whose
 * deadline has passed follow, the most recent first (the opening the bidder is about to join comes
 * before last year's). Equal deadlines keep a stable order by `tieBreak` (e.g. the section code),
 * so the list does not shuffle between page loads (decision 45).
 */
export interface WorklistItem {
  deadlineAt: Date;
  tieBreak: string;
}

export function byNearestDeadline<T extends WorklistItem>(items: readonly T[], now: Date): T[] {
  const t = now.getTime();
  const open = items.filter((i) => i.deadlineAt.getTime() > t);
  const closed = items.filter((i) => i.deadlineAt.getTime() <= t);
  const ties = (a: T, b: T) => a.tieBreak.localeCompare(b.tieBreak);
  open.sort((a, b) => a.deadlineAt.getTime() - b.deadlineAt.getTime() || ties(a, b));
  closed.sort((a, b) => b.deadlineAt.getTime() - a.deadlineAt.getTime() || ties(a, b));
  return [...open, ...closed];
}
