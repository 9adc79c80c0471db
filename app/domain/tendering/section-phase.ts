/**
 * A section's phase, derived from recorded facts and `now` (DOMAIN.md §3a; ARCHITECTURE.md §2:
 * phases are derived, facts are stored). Later work (evaluation, award, contract) adds facts
 * and phases; the order of the checks below is the precedence.
 */
export type SectionPhase = "draft" | "published" | "opening" | "failed" | "cancelled" | "suspended";

export interface SectionFacts {
  publishedAt: Date | null;
  deadlineAt: Date;
  cancelledAt: Date | null;
  failedAt: Date | null;
  /** An active suspension by the regulator (suspended and not yet resumed). */
  suspendedAt: Date | null;
}

export function sectionPhase(s: SectionFacts, now: Date): SectionPhase {
  if (s.cancelledAt && s.cancelledAt <= now) return "cancelled";
  if (s.suspendedAt && s.suspendedAt <= now) return "suspended";
  if (s.failedAt && s.failedAt <= now) return "failed";
  if (!s.publishedAt || s.publishedAt > now) return "draft";
  return now < s.deadlineAt ? "published" : "opening";
}

/** The phase underneath a suspension: where the section resumes. */
export function phaseUnderSuspension(s: SectionFacts, now: Date): SectionPhase {
  return sectionPhase({ ...s, suspendedAt: null }, now);
}

export class UnexpectedPhaseError extends Error {
  override name = "UnexpectedPhaseError";
  constructor(
    readonly current: SectionPhase,
    readonly expected: readonly SectionPhase[],
  ) {
    super(`section is ${current}, expected ${expected.join(" or ")}`);
  }
}

/** The one guard every action on a section uses. */
export function assertSectionPhase(s: SectionFacts, expected: readonly SectionPhase[], now: Date): SectionPhase {
  const current = sectionPhase(s, now);
  if (!expected.includes(current)) throw new UnexpectedPhaseError(current, expected);
  return current;
}
