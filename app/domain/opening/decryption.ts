import type { BidPackageCheckCode } from "#app/crypto/bid-package/open.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { citation, type Citation, type LegalRule } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { requireReason } from "./opening-actions.ts";

/**
 * Decryption outcomes (ARCHITECTURE.md §4 "Decryption failures"; DOMAIN.md §2 `Decryption`).
 *
 * NOTE 电子招标投标办法 Art 31: a bid not decrypted because of the bidder is deemed revoked
 * (视为撤销; the tenderer may keep the security, 条例 Art 35); one not decrypted for any other
 * reason is deemed withdrawn (视为撤回; security returned, the bidder may claim its direct
 * loss); the other bids go on; the tender documents may set a remedy.
 *
 * Precedence when a bid has several causes, first match wins:
 * 1. any attempt that passed every check → `decrypted` (nothing else matters once opened);
 * 2. the stored envelope no longer matches its receipt hash → deemed withdrawn: the platform
 *    lost the bid, so later failures of that bid are consequences, not the bidder's doing;
 * 3. an operator-recorded platform incident overlapping the window → deemed withdrawn: the
 *    bidder cannot be blamed for a failure while the platform was failing;
 * 4. the bidder's own failures, the one that got furthest through the checks (key → package
 *    digest → signature → form), since it says most about what went wrong;
 * 5. no attempt at all → not decrypted within the window.
 */
export const DECRYPTION_RESULTS = ["decrypted", "deemedRevoked", "deemedWithdrawn"] as const;
export type DecryptionResult = (typeof DECRYPTION_RESULTS)[number];
export type FailureResult = Exclude<DecryptionResult, "decrypted">;

export const DECRYPTION_RESULT_LABELS: Record<DecryptionResult, { zh: string; en: string }> = {
  decrypted: { zh: "已解密", en: "decrypted" },
  deemedRevoked: { zh: "视为撤销", en: "deemed revoked" },
  deemedWithdrawn: { zh: "视为撤回", en: "deemed withdrawn" },
};

/** Which rule of the source table each result cites; `basis` below is the engineering citation. */
const LEGAL_RULE_OF_RESULT = {
  decrypted: "decrypted",
  remedyOrWithdrawn: "decryptionRemedyOrWithdrawn",
  revoked: "decryptionRevoked",
} as const satisfies Record<string, LegalRule>;
const ART_30 = citation(LEGAL_RULE_OF_RESULT.decrypted, "engineering");
const ART_31 = citation(LEGAL_RULE_OF_RESULT.remedyOrWithdrawn, "engineering");
const ART_31_REVOKED = citation(LEGAL_RULE_OF_RESULT.revoked, "engineering");

/** The rules, each a stable code recorded with the result. */
export const DECRYPTION_RULES = {
  DECRYPTED: {
    result: "decrypted",
    basis: ART_30,
    zh: "投标人在解密时限内完成解密，投标文件摘要、电子签名及开标一览表校验通过",
    en: "decrypted by the bidder within the window; package digest, signature and opening form checked",
  },
  DECRYPTED_WITH_DEFECTS: {
    result: "decrypted",
    basis: ART_30,
    zh: "投标人在解密时限内完成解密，投标文件摘要与投标回执一致；电子签名或开标一览表校验未通过，不属于解密失败，已唱标并记录在案，提交评标委员会评审",
    en: "decrypted by the bidder within the window and matching the receipt's package digest; its signature or opening form failed a check, which is not a decryption failure: read out and recorded for the evaluation committee",
  },
  REMEDY_ACCEPTED: {
    result: "decrypted",
    basis: ART_31,
    zh: "按招标文件规定的补救方案，投标人在解密时限内上传的明文投标文件 SHA-256 摘要与投标回执记载一致，予以接受",
    en: "under the remedy the tender documents set, the plaintext package uploaded within the window matches the receipt's package digest",
  },
  NOT_DECRYPTED_IN_WINDOW: {
    result: "deemedRevoked",
    basis: ART_31_REVOKED,
    zh: "解密时限内投标人未完成解密，因投标人原因视为撤销其投标文件",
    en: "the bidder did not decrypt within the window: deemed revoked, the bidder being at fault",
  },
  WRONG_KEY: {
    result: "deemedRevoked",
    basis: ART_31_REVOKED,
    zh: "投标人提交的解密密钥无法打开加密投标文件，因投标人原因视为撤销其投标文件",
    en: "the key the bidder posted does not open the envelope: deemed revoked, the bidder being at fault",
  },
  PACKAGE_DIGEST_MISMATCH: {
    result: "deemedRevoked",
    basis: ART_31_REVOKED,
    zh: "解密所得投标文件的摘要与投标回执记载不一致，因投标人原因视为撤销其投标文件",
    en: "the decrypted package does not match the receipt's package digest: deemed revoked, the bidder being at fault",
  },
  MANIFEST_SIGNATURE_INVALID: {
    result: "deemedRevoked",
    basis: ART_31_REVOKED,
    zh: "投标文件的电子签名或文件清单校验未通过，因投标人原因视为撤销其投标文件",
    en: "the package's signature or manifest check failed: deemed revoked, the bidder being at fault",
  },
  BID_FORM_INVALID: {
    result: "deemedRevoked",
    basis: ART_31_REVOKED,
    zh: "投标文件结构或开标一览表不符合招标文件的规定，因投标人原因视为撤销其投标文件",
    en: "the package's structure or opening form does not meet the tender documents: deemed revoked, the bidder being at fault",
  },
  ENVELOPE_HASH_MISMATCH: {
    result: "deemedWithdrawn",
    basis: ART_31,
    zh: "平台存储的加密投标文件与投标回执记载的摘要不一致，非因投标人原因，视为撤回其投标文件",
    en: "the stored envelope no longer matches its receipt hash: deemed withdrawn, the bidder not being at fault",
  },
  PLATFORM_INCIDENT: {
    result: "deemedWithdrawn",
    basis: ART_31,
    zh: "解密时段内平台或存储发生故障（交易中心已登记），非因投标人原因，视为撤回其投标文件",
    en: "the platform or its storage failed during the window (an incident the operator recorded): deemed withdrawn, the bidder not being at fault",
  },
} as const satisfies Record<string, { result: DecryptionResult; basis: { zh: string; en: string }; zh: string; en: string }>;
export type DecryptionRule = keyof typeof DECRYPTION_RULES;

/**
 * The legal basis of a decryption rule for the section's procurement type: engineering cites 办法
 * 30/31 and 条例 35; government procurement, which has no national article on electronic decryption,
 * cites 办法 30/31 by analogy and not 条例 35 (decision 33).
 */
export function decryptionBasis(rule: DecryptionRule, type: ProcurementType): Citation {
  const r = DECRYPTION_RULES[rule];
  if (r.basis === ART_30) return citation(LEGAL_RULE_OF_RESULT.decrypted, type);
  if (r.basis === ART_31_REVOKED) return citation(LEGAL_RULE_OF_RESULT.revoked, type);
  return citation(LEGAL_RULE_OF_RESULT.remedyOrWithdrawn, type);
}

/** Why one attempt failed, as the server's checks found it. */
export type AttemptFailure =
  "WRONG_KEY" | "PACKAGE_DIGEST_MISMATCH" | "MANIFEST_SIGNATURE_INVALID" | "BID_FORM_INVALID" | "ENVELOPE_HASH_MISMATCH";

/** The bidder's failures in the order the server checks them; a later one got further. */
const BIDDER_FAILURE_ORDER = ["WRONG_KEY", "PACKAGE_DIGEST_MISMATCH", "MANIFEST_SIGNATURE_INVALID", "BID_FORM_INVALID"] as const;

/**
 * The package checks of app/crypto/bid-package/open.ts as rules: the signed manifest not covering
 * the content is a signature failure; everything else about the package is its form.
 */
export const PACKAGE_CHECK_FAILURES = {
  BAD_SIGNATURE: "MANIFEST_SIGNATURE_INVALID",
  MANIFEST_MISMATCH: "MANIFEST_SIGNATURE_INVALID",
  HASH_MISMATCH: "MANIFEST_SIGNATURE_INVALID",
  SIZE_MISMATCH: "MANIFEST_SIGNATURE_INVALID",
  NOT_ZIP: "BID_FORM_INVALID",
  MISSING_ENTRY: "BID_FORM_INVALID",
  UNEXPECTED_ENTRY: "BID_FORM_INVALID",
  BAD_JSON: "BID_FORM_INVALID",
  BAD_PATH: "BID_FORM_INVALID",
  FIELDS_INVALID: "BID_FORM_INVALID",
  WRONG_SECTION: "BID_FORM_INVALID",
  WRONG_BIDDER: "BID_FORM_INVALID",
} as const satisfies Record<BidPackageCheckCode, AttemptFailure>;

export interface DecryptionAttempt {
  at: Date;
  /** `remedy`: the bidder's plaintext package, accepted only after {@link checkRemedyPackage}. */
  via: "key" | "remedy";
  /** null when every check passed. */
  failure: AttemptFailure | null;
}

/** A storage or platform failure the operator recorded, with its time span (open while ongoing). */
export interface PlatformIncident {
  id: string;
  startedAt: Date;
  endedAt: Date | null;
}

export interface DecryptionInput {
  attempts: readonly DecryptionAttempt[];
  incidents: readonly PlatformIncident[];
  window: {
    openedAt: Date;
    /** The instant the window ended (window.ts `windowEndsAt`); null while it is stopped. */
    endsAt: Date | null;
  };
  /** Whether the section's tender documents set the remedy (办法 31). */
  remedyAllowed: boolean;
}

export interface Reclassification {
  from: FailureResult;
  to: FailureResult;
  reason: string;
  at: Date;
}

export type DecryptionOutcome =
  | {
      decided: false;
      /** The latest failure, to show the bidder while it may still try. */
      lastFailure: AttemptFailure | null;
    }
  | {
      decided: true;
      result: DecryptionResult;
      rule: DecryptionRule;
      /** When it was decided: the successful attempt, or the end of the window. */
      at: Date;
      /** The incidents behind PLATFORM_INCIDENT. */
      incidentIds: readonly string[];
      /** The agency's reclassifications, oldest first; `result` is the latest. */
      reclassifications: readonly Reclassification[];
    };
export type DecidedOutcome = Extract<DecryptionOutcome, { decided: true }>;

/**
 * Classifies one bid at `now`. While the window is open only a success (or a stored envelope that
 * no attempt and no remedy can cure) decides a bid: a failed attempt may be retried by another
 * member, or remedied. From the end of the window every bid is decided.
 */
export function classifyDecryption(input: DecryptionInput, now: Date): DecryptionOutcome {
  const { window } = input;
  const ended = window.endsAt !== null && window.endsAt <= now;
  // NOTE 办法 30–31: only what happened inside the window counts; a remedy only where the section sets one.
  const attempts = input.attempts
    .filter((a) => a.at >= window.openedAt && (ended ? a.at < window.endsAt! : a.at <= now))
    .filter((a) => a.via === "key" || input.remedyAllowed)
    .sort((a, b) => a.at.getTime() - b.at.getTime());

  const success = attempts.find((a) => a.failure === null);
  if (success) return decided("decrypted", success.via === "remedy" ? "REMEDY_ACCEPTED" : "DECRYPTED", success.at);

  const envelopeLost = attempts.find((a) => a.failure === "ENVELOPE_HASH_MISMATCH");
  if (!ended) {
    // A lost envelope cannot be opened by anyone; without a remedy nothing can change it.
    if (envelopeLost && !input.remedyAllowed) return decided("deemedWithdrawn", "ENVELOPE_HASH_MISMATCH", envelopeLost.at);
    return { decided: false, lastFailure: attempts.at(-1)?.failure ?? null };
  }

  const end = window.endsAt!;
  if (envelopeLost) return decided("deemedWithdrawn", "ENVELOPE_HASH_MISMATCH", end);
  const incidents = input.incidents.filter((i) => overlaps(i, window.openedAt, end));
  if (incidents.length > 0) {
    return decided(
      "deemedWithdrawn",
      "PLATFORM_INCIDENT",
      end,
      incidents.map((i) => i.id),
    );
  }
  const furthest = BIDDER_FAILURE_ORDER.findLast((code) => attempts.some((a) => a.failure === code));
  return decided("deemedRevoked", furthest ?? "NOT_DECRYPTED_IN_WINDOW", end);
}

/** Every bid decided: the agency may then close the window early. */
export function allDecided(outcomes: readonly DecryptionOutcome[]): boolean {
  return outcomes.every((o) => o.decided);
}

/** Half-open spans: an incident ending as the window opens, or starting as it ends, does not overlap. */
function overlaps(incident: PlatformIncident, from: Date, to: Date): boolean {
  return incident.startedAt < to && (incident.endedAt === null || incident.endedAt > from);
}

function decided(result: DecryptionResult, rule: DecryptionRule, at: Date, incidentIds: readonly string[] = []): DecidedOutcome {
  return { decided: true, result, rule, at, incidentIds, reclassifications: [] };
}

/**
 * The agency reclassifies a failure with a written reason, audited and shown to the regulator
 * (ARCHITECTURE.md §4): deemed revoked ↔ deemed withdrawn. A decrypted bid stays decrypted — no
 * reason can open a bid that was not opened, nor unopen one. The rule first applied is kept.
 */
export function reclassifyDecryption(outcome: DecidedOutcome, to: FailureResult, reason: string, now: Date): DecidedOutcome {
  const from = outcome.result;
  if (from === "decrypted" || from === to || !(to === "deemedRevoked" || to === "deemedWithdrawn")) {
    throw new AppError("OPENING_RECLASSIFICATION_INVALID", {
      from,
      to,
      fromZh: DECRYPTION_RESULT_LABELS[from].zh,
      fromEn: DECRYPTION_RESULT_LABELS[from].en,
    });
  }
  const written = requireReason("reclassifyDecryption", reason);
  return { ...outcome, result: to, reclassifications: [...outcome.reclassifications, { from, to, reason: written, at: now }] };
}

export type RemedyCheck =
  | { counts: true }
  | { counts: false; problem: "notAllowed" }
  | { counts: false; problem: "alreadyDecrypted" }
  | { counts: false; problem: "digestMismatch"; expected: string; actual: string };

/**
 * NOTE 办法 Art 31 (remedy set by the tender documents): a plaintext package uploaded within the
 * window counts only if its SHA-256 equals the package digest on the receipt — that digest was
 * signed by the platform at submission, before the deadline, so the remedy cannot bring in a
 * different bid. It need not follow a failed attempt: a bidder who lost every key has failed to
 * decrypt too. The window itself is the phase guard's (`uploadRemedy` → decrypting).
 */
export function checkRemedyPackage(input: {
  remedyAllowed: boolean;
  alreadyDecrypted: boolean;
  /** SHA-256 (hex) of the uploaded plaintext package, computed by the server. */
  uploadedSha256: string;
  /** `packageDigest` of the bid version's receipt. */
  receiptPackageDigest: string;
}): RemedyCheck {
  if (!input.remedyAllowed) return { counts: false, problem: "notAllowed" };
  if (input.alreadyDecrypted) return { counts: false, problem: "alreadyDecrypted" };
  const expected = input.receiptPackageDigest.toLowerCase();
  const actual = input.uploadedSha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected) || actual !== expected) return { counts: false, problem: "digestMismatch", expected, actual };
  return { counts: true };
}

/** {@link checkRemedyPackage} as the AppError a service throws. */
export function assertRemedyCounts(input: Parameters<typeof checkRemedyPackage>[0]): void {
  const check = checkRemedyPackage(input);
  if (check.counts) return;
  if (check.problem === "digestMismatch") {
    throw new AppError("OPENING_REMEDY_DIGEST_MISMATCH", { expected: check.expected, actual: check.actual });
  }
  throw new AppError("OPENING_REMEDY_NOT_ALLOWED", {
    problem: check.problem,
    problemZh: check.problem === "notAllowed" ? "本标段招标文件未规定解密失败补救方案" : "该投标文件已解密",
    problemEn: check.problem === "notAllowed" ? "this section's tender documents set no remedy" : "this bid is already decrypted",
  });
}
