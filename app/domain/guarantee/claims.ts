import type { Cite } from "./security-return.ts";

/**
 * Claims (索赔) on a bid guarantee (issue 14, decision 0060). The tenderer may call a bid guarantee
 * only on a ground the law gives it to keep a bid security — never for a bid withdrawn before the
 * deadline, nor once the tender is terminated (条例 31, 35). Pure: the caller passes the facts.
 */
export const CLAIM_GROUNDS = {
  /** The bid was revoked after the deadline (条例 35; 办法 31 counts a failed decryption by the bidder's fault as revoked). */
  withdrawnAfterDeadline: {
    zh: "投标截止后撤销投标文件",
    en: "Bid revoked after the deadline",
    source: { zh: "招标投标法实施条例第三十五条", en: "Regulations on the Bidding Law Art 35" },
  },
  /** The winner gave up the award (条例 74). */
  refusedAward: {
    zh: "中标人无正当理由放弃中标",
    en: "The winner gave up the award without good cause",
    source: { zh: "招标投标法实施条例第七十四条", en: "Regulations on the Bidding Law Art 74" },
  },
  /** The winner refused to sign the contract, or added conditions (条例 74). */
  refusedContract: {
    zh: "中标人不按照招标文件和投标文件订立合同",
    en: "The winner refused to sign the contract on the tender's terms",
    source: { zh: "招标投标法实施条例第七十四条", en: "Regulations on the Bidding Law Art 74" },
  },
  /** The winner gave no performance security (条例 74). */
  noPerformanceSecurity: {
    zh: "中标人未按照招标文件要求提交履约保证金",
    en: "The winner did not provide the performance security",
    source: { zh: "招标投标法实施条例第七十四条", en: "Regulations on the Bidding Law Art 74" },
  },
} as const satisfies Record<string, { zh: string; en: string; source: Cite }>;
export type ClaimGround = keyof typeof CLAIM_GROUNDS;
export const CLAIM_GROUND_KEYS = Object.keys(CLAIM_GROUNDS) as [ClaimGround, ...ClaimGround[]];

export type ClaimRefusal = "terminated" | "withdrawnBeforeDeadline" | "notRevoked" | "notBound" | "claimPeriodOver" | "claimOpen";

/** Why a claim on `ground` is refused, or null when it fits the facts. */
export function checkClaim(
  ground: ClaimGround,
  facts: {
    guaranteeStatus: string;
    terminated: boolean;
    withdrawnBeforeDeadline: boolean;
    decryption: "decrypted" | "deemedRevoked" | "deemedWithdrawn" | null;
    /** Last instant a claim may be lodged: validUntil + claim period. */
    claimDeadline: Date;
    hasOpenClaim: boolean;
  },
  now: Date,
): ClaimRefusal | null {
  if (facts.terminated) return "terminated";
  if (facts.withdrawnBeforeDeadline) return "withdrawnBeforeDeadline";
  if (facts.guaranteeStatus !== "bound") return facts.hasOpenClaim ? "claimOpen" : "notBound";
  if (facts.hasOpenClaim) return "claimOpen";
  if (now > facts.claimDeadline) return "claimPeriodOver";
  if (ground === "withdrawnAfterDeadline" && facts.decryption !== "deemedRevoked") return "notRevoked";
  return null;
}

export const CLAIM_REFUSALS: Record<ClaimRefusal, { zh: string; en: string }> = {
  terminated: { zh: "招标已终止，投标保证金应当退还，不得索赔", en: "the tender was terminated: every security is returned, none claimed" },
  withdrawnBeforeDeadline: {
    zh: "投标人在投标截止前撤回投标文件，保函应当退还，不得索赔",
    en: "the bid was withdrawn before the deadline: its guarantee is returned, not claimed",
  },
  notRevoked: {
    zh: "该投标未被视为撤销，不能以“投标截止后撤销投标文件”索赔",
    en: "the bid was not deemed revoked, so it cannot be claimed as revoked after the deadline",
  },
  notBound: { zh: "该保函未在开标时绑定至投标，或已退还、已赔付", en: "the guarantee is not bound to a bid, or was released or paid" },
  claimPeriodOver: { zh: "已超过保函的索赔期限", en: "the guarantee's claim period is over" },
  claimOpen: { zh: "该保函已有一项索赔等待担保机构处理", en: "a claim on this guarantee already awaits the guarantor" },
};
