import type { HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { periodFrom, type LegalPeriod } from "#app/domain/calendar/periods.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * Returning the bid security (投标保证金), whatever its form (an electronic guarantee, a transfer,
 * a credit commitment: decisions 16, 35), and the few grounds on which the tenderer may keep it.
 * Pure: the caller passes the facts, the calendar and `now` (decision 0042).
 *
 * Each obligation starts with an event and lasts a number of days (engineering) or working days
 * (government procurement), counted like every other period (decision 0030: the event's day not
 * counted, a last day off work moves to the next working day):
 *
 * | event | engineering | government procurement |
 * |---|---|---|
 * | bid withdrawn before the deadline | 5 days (条例 35) | 5 working days (87号令 38) |
 * | tender terminated | "promptly" (条例 31): 5 days by analogy with 条例 35/57 | 5 working days (87号令 29) |
 * | award notice (the bids that did not win) | — (条例 57 counts from the contract) | 5 working days (87号令 38) |
 * | contract signed (every bid in engineering; the winner in GP) | 5 days (条例 57) | 5 working days (87号令 38) |
 *
 * A withdrawal reaches the tenderer only at the deadline: until then the platform must not tell
 * it who bid (办法 21, 法 22), so the 5 days run from the deadline, or from the termination when
 * that comes first (decision 0042).
 */
export const SECURITY_EVENTS = ["withdrawal", "termination", "awardNotice", "contract"] as const;
export type SecurityEvent = (typeof SECURITY_EVENTS)[number];

export interface Cite {
  zh: string;
  en: string;
}

interface ReturnRule {
  count: number;
  unit: "calendarDays" | "workingDays";
  source: Cite;
}

const c = (zh: string, en: string): Cite => ({ zh, en });

/** The statutory periods, by procurement type and event; `null` where the law sets none for that type. */
export const RETURN_RULES: Record<ProcurementType, Record<SecurityEvent, ReturnRule | null>> = {
  engineering: {
    withdrawal: { count: 5, unit: "calendarDays", source: c("招标投标法实施条例第三十五条", "Regulations on the Bidding Law Art 35") },
    termination: {
      count: 5,
      unit: "calendarDays",
      source: c(
        "招标投标法实施条例第三十一条（“及时退还”，参照第三十五条、第五十七条按5日计）",
        "Regulations on the Bidding Law Art 31 (“promptly”, counted as 5 days by analogy with Arts 35 and 57)",
      ),
    },
    awardNotice: null,
    contract: { count: 5, unit: "calendarDays", source: c("招标投标法实施条例第五十七条", "Regulations on the Bidding Law Art 57") },
  },
  government: {
    withdrawal: { count: 5, unit: "workingDays", source: c("87号令第三十八条", "MOF Order 87 Art 38") },
    termination: { count: 5, unit: "workingDays", source: c("87号令第二十九条", "MOF Order 87 Art 29") },
    awardNotice: { count: 5, unit: "workingDays", source: c("87号令第三十八条", "MOF Order 87 Art 38") },
    contract: { count: 5, unit: "workingDays", source: c("87号令第三十八条", "MOF Order 87 Art 38") },
  },
};

/** The return period of a security from `event` at `at`; null where the law sets none. */
export function returnPeriod(
  calendar: HolidayCalendar,
  type: ProcurementType,
  event: SecurityEvent,
  at: Date,
): (LegalPeriod & { citation: Cite }) | null {
  const rule = RETURN_RULES[type][event];
  if (!rule) return null;
  const period = periodFrom(calendar, {
    rule: `securityReturn.${event}`,
    source: rule.source.zh,
    from: at,
    count: rule.count,
    unit: rule.unit,
  });
  return { ...period, citation: rule.source };
}

/**
 * The event that starts the return of one bid's security, from the facts the platform holds, or
 * null while none has happened (the security is still held as the law means it to be).
 * - terminated: every bid, from the termination (a withdrawal before it counts from it too);
 * - withdrawn (the bid's last act before the deadline): from the deadline (see above);
 * - later events (award notice, contract) when the award work records them.
 */
export function returnEvent(facts: {
  deadlineAt: Date;
  terminatedAt: Date | null;
  withdrawnAt: Date | null;
  awardNoticeAt?: Date | null;
  contractAt?: Date | null;
  won?: boolean;
  type: ProcurementType;
}): { event: SecurityEvent; at: Date } | null {
  if (facts.terminatedAt) return { event: "termination", at: facts.terminatedAt };
  if (facts.withdrawnAt) return { event: "withdrawal", at: facts.deadlineAt };
  if (facts.type === "government" && !facts.won && facts.awardNoticeAt) return { event: "awardNotice", at: facts.awardNoticeAt };
  if (facts.contractAt) return { event: "contract", at: facts.contractAt };
  return null;
}

/** Grounds on which the tenderer may keep a bid security, each with its source. */
export const FORFEITURE_GROUNDS = {
  /** The bid was revoked after the deadline (办法 31: failing to decrypt by the bidder's fault counts as revoked). */
  revokedAfterDeadline: {
    engineering: c("招标投标法实施条例第三十五条", "Regulations on the Bidding Law Art 35"),
    government: c(
      "招标文件的约定（参照招标投标法实施条例第三十五条）",
      "the tender documents' terms (by analogy with Regulations on the Bidding Law Art 35)",
    ),
  },
  /** The winner refused to sign, added conditions, or gave no performance security. */
  winnerRefusedContract: {
    engineering: c("招标投标法实施条例第七十四条", "Regulations on the Bidding Law Art 74"),
    government: c(
      "招标文件的约定（参照招标投标法实施条例第七十四条）",
      "the tender documents' terms (by analogy with Regulations on the Bidding Law Art 74)",
    ),
  },
} as const satisfies Record<string, Record<ProcurementType, Cite>>;
export type ForfeitureGround = keyof typeof FORFEITURE_GROUNDS;

/** Why a forfeiture is refused, or null when the ground fits the facts. */
export function checkForfeiture(
  ground: ForfeitureGround,
  facts: { decryption: "decrypted" | "deemedRevoked" | "deemedWithdrawn" | null; terminated: boolean; withdrawn: boolean },
): "notRevoked" | "terminated" | "withdrawn" | null {
  if (facts.terminated) return "terminated"; // 条例 31 / 87号令 29: a terminated tender returns every security
  if (facts.withdrawn) return "withdrawn"; // 条例 35 / 87号令 38: withdrawn before the deadline, returned
  if (ground === "revokedAfterDeadline" && facts.decryption !== "deemedRevoked") return "notRevoked";
  return null;
}

export type SecurityStatus = "held" | "due" | "overdue" | "returned" | "returnedLate" | "forfeited";

/**
 * Where a security stands at `now`: held (nothing started its return), due (within its period),
 * overdue (past the end of its last day, not returned: the regulator sees it), returned (on time
 * or late), forfeited.
 */
export function securityStatus(
  s: { period: Pick<LegalPeriod, "endsAt"> | null; settlement: { outcome: "returned" | "forfeited"; settledAt: Date } | null },
  now: Date,
): SecurityStatus {
  if (s.settlement?.outcome === "forfeited") return "forfeited";
  if (s.settlement) return s.period && s.settlement.settledAt >= s.period.endsAt ? "returnedLate" : "returned";
  if (!s.period) return "held";
  return now >= s.period.endsAt ? "overdue" : "due";
}
