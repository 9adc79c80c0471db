import { AppError } from "#app/domain/shared/app-error.ts";
import { activeSuspension, factsAsOf, tooFewBids, type OpeningFacts } from "./opening-facts.ts";
import { signInOpensAt, windowEndedBy } from "./window.ts";

export type { FailReason, OpeningFacts, OpeningSuspension, WindowExtension, WindowPause } from "./opening-facts.ts";

/**
 * The phases of an opening (ARCHITECTURE.md §4), derived from recorded facts and `now` like
 * OpenZeppelin's `Governor.state()`; nothing stores a phase. The timeline runs
 * scheduled → signing-in → awaiting-window → decrypting → reading-out → confirming → closed;
 * `failed` (流标) ends it; `suspended` (by the regulator) lies over any phase before the end and
 * resumes to the phase underneath.
 */
export const OPENING_PHASES = [
  "scheduled",
  "signing-in",
  "awaiting-window",
  "decrypting",
  "reading-out",
  "confirming",
  "closed",
  "failed",
  "suspended",
] as const;
export type OpeningPhase = (typeof OPENING_PHASES)[number];

/** The phases in words, for messages and pages. */
export const OPENING_PHASE_LABELS: Record<OpeningPhase, { zh: string; en: string }> = {
  scheduled: { zh: "待开标（签到尚未开始）", en: "scheduled (sign-in not yet open)" },
  "signing-in": { zh: "签到中", en: "signing in" },
  "awaiting-window": { zh: "投标截止，等待开启解密", en: "past the deadline, waiting for the decryption window to open" },
  decrypting: { zh: "解密中", en: "decrypting" },
  "reading-out": { zh: "解密结束，待唱标", en: "decryption over, waiting for the reading-out" },
  confirming: { zh: "唱标记录确认中", en: "confirming the reading-out record" },
  closed: { zh: "开标已结束", en: "closed" },
  failed: { zh: "流标", en: "failed (no valid opening)" },
  suspended: { zh: "监管部门已暂停", en: "suspended by the regulator" },
};

/**
 * The precedence, top first: `closed` and `failed` are final (a suspension cannot be recorded
 * after them; the regulator suspends the section instead); then an active suspension; then the
 * timeline. A recorded `windowEndedAt` and the computed end agree; the earliest one counts.
 */
export function openingPhase(facts: OpeningFacts, now: Date): OpeningPhase {
  const f = factsAsOf(facts, now);
  const terminal = terminalPhase(f);
  if (terminal) return terminal;
  if (activeSuspension(f, now)) return "suspended";
  return timelinePhase(f, now);
}

/** The phase underneath a suspension: where the opening resumes (its timers having stood still). */
export function phaseUnderSuspension(facts: OpeningFacts, now: Date): Exclude<OpeningPhase, "suspended"> {
  const f = factsAsOf(facts, now);
  return terminalPhase(f) ?? timelinePhase(f, now);
}

function terminalPhase(f: OpeningFacts): "closed" | "failed" | null {
  if (f.closedAt) return "closed";
  // NOTE 法 28, 条例 44, 87号令 41: fewer valid bids than the minimum at the deadline — no opening.
  // Derived from the count itself (as Governor derives Defeated from votes); `failedAt` is
  // recorded with it for the section and the audit trail, and carries a declared failure.
  if (f.failedAt) return "failed";
  if (f.validBidsAtDeadline !== null && tooFewBids(f.validBidsAtDeadline, f.minimumBids)) return "failed";
  return null;
}

function timelinePhase(f: OpeningFacts, now: Date): Exclude<OpeningPhase, "closed" | "failed" | "suspended"> {
  if (now < signInOpensAt(f)) return "scheduled";
  if (now < f.deadlineAt) return "signing-in";
  if (!f.windowOpenedAt) return "awaiting-window";
  if (!windowEndedBy(f, now)) return "decrypting";
  if (!f.readingOutPublishedAt) return "reading-out";
  return "confirming";
}

/**
 * The one guard every action on an opening uses: throws
 * `AppError("OPENING_UNEXPECTED_PHASE", { current, expected, … })` naming the phases in words.
 */
export function assertOpeningPhase(facts: OpeningFacts, allowed: readonly OpeningPhase[], now: Date): OpeningPhase {
  const current = openingPhase(facts, now);
  if (!allowed.includes(current)) throw unexpectedOpeningPhase(current, allowed);
  return current;
}

export function unexpectedOpeningPhase(current: OpeningPhase, expected: readonly OpeningPhase[]): AppError {
  const zh = (p: OpeningPhase) => `“${OPENING_PHASE_LABELS[p].zh}”`;
  const en = (p: OpeningPhase) => `“${OPENING_PHASE_LABELS[p].en}”`;
  return new AppError("OPENING_UNEXPECTED_PHASE", {
    current,
    expected,
    currentZh: OPENING_PHASE_LABELS[current].zh,
    currentEn: OPENING_PHASE_LABELS[current].en,
    expectedZh: expected.map(zh).join("或"),
    expectedEn: joinOr(expected.map(en)),
  });
}

function joinOr(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}
