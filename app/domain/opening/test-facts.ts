import { openingWithoutFacts, type OpeningFacts } from "./opening-facts.ts";

/**
 * Test support for this folder: an opening whose deadline is 2026-12-10 10:00 Asia/Shanghai
 * (02:00Z), sign-in 30 minutes before, a 30-minute window, a 60-minute confirmation period and
 * the statutory minimum of 3 bids; nothing recorded yet.
 */
export const t = (iso: string): Date => new Date(iso);
export const plusMs = (d: Date, ms: number): Date => new Date(d.getTime() + ms);
export const MIN = 60_000;

export const DEADLINE = t("2026-12-10T02:00:00.000Z");

export function facts(overrides: Partial<OpeningFacts> = {}): OpeningFacts {
  return {
    ...openingWithoutFacts({
      deadlineAt: DEADLINE,
      signInLeadMinutes: 30,
      decryptionWindowMinutes: 30,
      confirmationPeriodMinutes: 60,
      minimumBids: 3,
    }),
    ...overrides,
  };
}

/** Counted (3 bids), list published at 10:02 and window opened at 10:05. */
export function decrypting(overrides: Partial<OpeningFacts> = {}): OpeningFacts {
  return facts({
    validBidsAtDeadline: 3,
    bidderListPublishedAt: t("2026-12-10T02:02:00Z"),
    windowOpenedAt: t("2026-12-10T02:05:00Z"),
    ...overrides,
  });
}
