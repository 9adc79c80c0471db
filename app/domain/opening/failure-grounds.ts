import { AppError } from "#app/domain/shared/app-error.ts";
import { LEGAL_SOURCES, type Citation, type LegalRule } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * The legal grounds on which the host may declare an opening failed (流标 / 废标), each with its
 * source by procurement type (decision 39). The host chooses one from this list and adds its own
 * words; a failure without a ground from the list is refused.
 *
 * `beforeReadingOut`: whether the ground allows stopping before the reading-out, so that no bid is
 * read out. Fewer than three bids opened, an unremediable violation and a cancelled procurement
 * need no prices; "every price exceeds the budget" can only be known from the prices read out.
 * `decryptedFewerThan3`: the ground holds only when fewer than the minimum bids were decrypted,
 * which the platform checks itself (the window must have ended, every bid decided).
 */
export const FAILURE_GROUNDS = {
  tooFewOpened: {
    rule: "failureTooFewOpened",
    beforeReadingOut: true,
    zh: "解密成功（开启）的投标文件不足三家，不得继续开标",
    en: "fewer than three bids could be opened (decrypted); the opening cannot go on",
  },
  illegality: {
    rule: "failureIllegality",
    beforeReadingOut: true,
    zh: "出现影响招标（采购）公正的违法、违规行为，且无法补救",
    en: "a violation of law or rules affecting the fairness of the tender, which cannot be remedied",
  },
  overBudget: {
    rule: "failureOverBudget",
    beforeReadingOut: false,
    zh: "投标人的报价均超过了采购预算，采购人不能支付",
    en: "every bid price exceeds the budget and the purchaser cannot pay",
  },
  cancelled: {
    rule: "failureCancelled",
    beforeReadingOut: true,
    zh: "因重大变故，采购任务取消",
    en: "the procurement is cancelled because of a major change",
  },
} as const satisfies Record<string, { rule: LegalRule; beforeReadingOut: boolean; zh: string; en: string }>;
export type FailureGround = keyof typeof FAILURE_GROUNDS;
export const FAILURE_GROUND_IDS = Object.keys(FAILURE_GROUNDS) as FailureGround[];

export interface FailureGroundView {
  id: FailureGround;
  zh: string;
  en: string;
  source: Citation;
  beforeReadingOut: boolean;
}

/** The grounds that exist for the procurement type, with their sources (for the host's list). */
export function failureGroundsFor(type: ProcurementType): FailureGroundView[] {
  return FAILURE_GROUND_IDS.flatMap((id) => {
    const g = FAILURE_GROUNDS[id];
    const source = LEGAL_SOURCES[g.rule][type];
    return source ? [{ id, zh: g.zh, en: g.en, source, beforeReadingOut: g.beforeReadingOut }] : [];
  });
}

/** The grounds the host may choose now: before the reading-out only those that allow no reading-out. */
export function failureGroundsAllowed(type: ProcurementType, readingOutPublished: boolean): FailureGroundView[] {
  return failureGroundsFor(type).filter((g) => readingOutPublished || g.beforeReadingOut);
}

/**
 * Checks the chosen ground for the section's type and the opening's state; returns it with its
 * source. Refusals: `OPENING_FAILURE_GROUND_UNKNOWN` (not on the list for this type),
 * `OPENING_FAILURE_GROUND_NEEDS_READING_OUT` (a ground that needs the prices, before the
 * reading-out), `OPENING_FAILURE_GROUND_NOT_MET` (fewer than three opened, when three or more were).
 */
export function assertFailureGround(input: {
  ground: string;
  type: ProcurementType;
  readingOutPublished: boolean;
  /** Bids decrypted, once every bid is decided; null while some are still undecided. */
  decryptedBids: number | null;
  minimumBids: number;
}): FailureGroundView {
  const view = failureGroundsFor(input.type).find((g) => g.id === input.ground);
  if (!view) {
    const list = failureGroundsFor(input.type);
    throw new AppError("OPENING_FAILURE_GROUND_UNKNOWN", {
      ground: input.ground,
      groundsZh: list.map((g) => `${g.zh}（${g.source.zh}）`).join("；"),
      groundsEn: list.map((g) => `${g.en} (${g.source.en})`).join("; "),
    });
  }
  if (!input.readingOutPublished && !view.beforeReadingOut) {
    throw new AppError("OPENING_FAILURE_GROUND_NEEDS_READING_OUT", {
      groundZh: view.zh,
      groundEn: view.en,
      sourceZh: view.source.zh,
      sourceEn: view.source.en,
    });
  }
  if (view.id === "tooFewOpened" && (input.decryptedBids === null || input.decryptedBids >= input.minimumBids)) {
    throw new AppError("OPENING_FAILURE_GROUND_NOT_MET", {
      groundZh: view.zh,
      groundEn: view.en,
      sourceZh: view.source.zh,
      sourceEn: view.source.en,
      decrypted: input.decryptedBids === null ? "—" : input.decryptedBids,
    });
  }
  return view;
}
