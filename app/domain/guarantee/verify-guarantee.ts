import { securityDefects, type SecurityOffer } from "#app/domain/credit/bid-security.ts";
import type { CreditRecord } from "#app/domain/credit/credit.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { guaranteeCommitments, type GuaranteeCommitments } from "./commitments.ts";

/**
 * Verification of a decrypted bid's security at the opening (核验, issue 14, decision 0060). Pure:
 * the service gathers the facts (the guarantee's row, what the ledger says, the signed PDF's check,
 * the bidder's credit records) and this decides. Every failure has its own reason code and words;
 * a bid whose security fails is still read out — the evaluation committee judges it (decision 35).
 *
 * For an electronic guarantee (电子保函), in this order:
 * 1. the reference names a guarantee issued on the platform, which the ledger has;
 * 2. the ledger's applicant and subject commitments open, under the guarantee's salt, to this bidder
 *    and this section (a bidder cannot offer another's guarantee);
 * 3. it is not bound elsewhere and still live (Issued, or already bound to this very bid) — then it
 *    is bound to this bid, whatever else is found, so it cannot secure a second bid;
 * 4. its issuer's account holds the guarantor role and is the account of the guarantor organisation;
 * 5. the amount is at least the section's requirement;
 * 6. the beneficiary is the tenderer (commitment and the account the platform keeps for it);
 * 7. the validity covers the bid validity period (from the deadline to deadline + validity days);
 * 8. the signed PDF's SHA-256 is the ledger's documentHash and its signature verifies, by a signer of
 *    the guarantor organisation;
 * 9. the declaration beside the envelope agrees with bid.json (decision 16): for a platform guarantee
 *    declared beside the envelope (`bid_versions.security_guarantee_id`), bid.json names the same
 *    guarantee, and by the platform's records it is this bidder's, for this section, and not bound
 *    to another bid (GUARANTEE_DECLARATION_INVALID, decision 0072).
 * A credit commitment (信用承诺) is verified against the credit data: red at the deadline, and a
 * form the section accepts.
 */

/** The derived states of GuaranteeLedger (IGuaranteeLedger.GuaranteeState), by name. */
export const CHAIN_STATES = ["Issued", "Bound", "PartlyPaid", "Paid", "Released", "Expired"] as const;
export type ChainState = (typeof CHAIN_STATES)[number];

export interface GuaranteeOnChain {
  state: ChainState;
  guarantor: string;
  guarantorHasRole: boolean;
  beneficiaryAccount: string;
  amountFen: bigint;
  validFrom: Date;
  validUntil: Date;
  applicantRef: string;
  subjectRef: string;
  beneficiaryRef: string;
  documentHash: string;
  boundTo: string | null;
}

export interface GuaranteeVerificationFacts {
  declared: SecurityOffer | null;
  inBid: SecurityOffer;
  bidderOrganisationId: string;
  sectionId: string;
  /** The bid version being verified (what a guarantee bound to this bid is bound to in the platform's records). */
  bidVersionId?: string;
  /** The platform guarantee declared beside the envelope (decision 0072); null when none was. */
  declaredGuaranteeId?: string | null;
  tendererOrganisationId: string;
  requiredFen: bigint;
  deadline: Date;
  bidValidityDays: number;
  acceptedForms: readonly string[];
  /** The bidder's credit records (for a credit commitment). */
  creditRecords: readonly CreditRecord[];
  /** The guarantee the reference names, issued on the platform; null when none. */
  guarantee: {
    id: string;
    ledgerId: string;
    salt: string;
    guarantorOrganisationId: string;
    guarantorIsGuarantor: boolean;
    /** The platform's records (decision 0072): whose, for which section, bound to which bid version. */
    applicantOrganisationId?: string;
    sectionId?: string;
    boundBidVersionId?: string | null;
  } | null;
  /** What the ledger holds under the guarantee's id; null when it has nothing. */
  onChain: GuaranteeOnChain | null;
  /** The ledger could not be read (no client in this process, the node down): nothing can be said of it. */
  ledgerUnreadable?: boolean;
  /** The ledger accounts the platform knows: the guarantor organisation's, and the one it keeps for the beneficiary. */
  accounts: { guarantor: string; beneficiary: string } | null;
  /** This bid's binding reference (what `bind` records). */
  bindingRef: string | null;
  /** The signed PDF: its SHA-256 (hex) and whether its signatures verify with a signer of the guarantor organisation. */
  document: { sha256: string; signatureValid: boolean; signedByGuarantor: boolean; problem: string | null } | null;
}

export type VerificationFailure =
  | { code: "GUARANTEE_NOT_FOUND"; reference: string }
  | { code: "GUARANTEE_LEDGER_UNREADABLE" }
  | { code: "GUARANTEE_NOT_ON_LEDGER"; ledgerId: string }
  | { code: "GUARANTEE_NOT_FOR_THIS_BID"; which: ("applicant" | "section")[] }
  | { code: "GUARANTEE_BOUND_ELSEWHERE"; boundTo: string }
  | { code: "GUARANTEE_NOT_LIVE"; state: ChainState }
  | { code: "GUARANTEE_ISSUER_NOT_GUARANTOR" }
  | { code: "GUARANTEE_AMOUNT_TOO_LOW"; amountFen: string; requiredFen: string }
  | { code: "GUARANTEE_BENEFICIARY_MISMATCH" }
  | { code: "GUARANTEE_VALIDITY_SHORT"; validFrom: string; validUntil: string; neededFrom: string; neededUntil: string }
  | { code: "GUARANTEE_DOCUMENT_MISMATCH"; documentSha256: string | null; ledgerHash: string }
  | { code: "GUARANTEE_SIGNATURE_INVALID"; problem: string | null }
  | { code: "DECLARATION_MISMATCH"; declared: SecurityOffer; inBid: SecurityOffer }
  | {
      code: "GUARANTEE_DECLARATION_INVALID";
      reason: "mismatch" | "notOwn" | "boundElsewhere";
      declared: string | null;
      inBid: string;
    }
  | { code: "FORM_NOT_ACCEPTED"; kind: SecurityOffer["kind"] }
  | { code: "CREDIT_COMMITMENT_NOT_RED"; grade: string | null };
export type VerificationFailureCode = VerificationFailure["code"];

export interface SecurityVerification {
  kind: SecurityOffer["kind"];
  reference: string;
  outcome: "verified" | "failed";
  failures: VerificationFailure[];
  /** Guarantees only: bind it to this bid (on the ledger, Issued, this bidder's and section's). */
  bind: boolean;
  /** Guarantees only: the salt and commitments, revealed to the tenderer and the bidder now (decision 0059). */
  ledgerId: string | null;
  commitments: (GuaranteeCommitments & { salt: string }) | null;
}

const DAY = 86_400_000;
const eqHex = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.toLowerCase().replace(/^0x/, "") === b.toLowerCase().replace(/^0x/, "");

/** The bid validity period a bid security must cover: from the deadline for `days` days (条例 26). */
export function bidValidityPeriod(deadline: Date, days: number) {
  return { from: deadline, until: new Date(deadline.getTime() + days * DAY) };
}

export function verifySecurity(f: GuaranteeVerificationFacts): SecurityVerification {
  const base = { kind: f.inBid.kind, reference: f.inBid.reference, ledgerId: null, commitments: null, bind: false };
  const failures: VerificationFailure[] = [];
  const g = f.guarantee;
  // A platform guarantee declared beside the envelope is compared by identity, not by spelling
  // (its id or its ledger id name the same guarantee): decision 0072.
  const declaredPlatform = !!f.declaredGuaranteeId && f.inBid.kind === "guarantee";
  const invalid = (reason: "mismatch" | "notOwn" | "boundElsewhere"): VerificationFailure => ({
    code: "GUARANTEE_DECLARATION_INVALID",
    reason,
    declared: f.declared?.reference ?? null,
    inBid: f.inBid.reference,
  });
  if (declaredPlatform && g?.id !== f.declaredGuaranteeId) failures.push(invalid("mismatch"));
  if (g && f.inBid.kind === "guarantee") {
    if ((g.applicantOrganisationId ?? f.bidderOrganisationId) !== f.bidderOrganisationId || (g.sectionId ?? f.sectionId) !== f.sectionId)
      failures.push(invalid("notOwn"));
    else if (g.boundBidVersionId && f.bidVersionId && g.boundBidVersionId !== f.bidVersionId) failures.push(invalid("boundElsewhere"));
  }
  // Declaration, accepted form, credit grade: decision 35's checks, now part of the verification.
  for (const d of securityDefects({
    declared: f.declared,
    inBid: f.inBid,
    acceptedForms: f.acceptedForms,
    records: f.creditRecords,
    deadline: f.deadline,
  })) {
    if (d.code === "DECLARATION_MISMATCH") {
      if (!declaredPlatform) failures.push(d);
    } else if (d.code === "FORM_NOT_ACCEPTED") failures.push(d);
    else if (d.code === "CREDIT_COMMITMENT_NOT_RED") failures.push({ code: d.code, grade: d.grade });
  }
  if (f.inBid.kind === "credit-commitment") return { ...base, outcome: failures.length ? "failed" : "verified", failures };

  if (!g) return { ...base, outcome: "failed", failures: [{ code: "GUARANTEE_NOT_FOUND", reference: f.inBid.reference }, ...failures] };
  const refs = guaranteeCommitments(g.salt, {
    applicantOrganisationId: f.bidderOrganisationId,
    sectionId: f.sectionId,
    beneficiaryOrganisationId: f.tendererOrganisationId,
  });
  const revealed = { ledgerId: g.ledgerId, commitments: { salt: g.salt, ...refs } };
  if (f.ledgerUnreadable)
    return { ...base, ...revealed, outcome: "failed", failures: [{ code: "GUARANTEE_LEDGER_UNREADABLE" }, ...failures] };
  const c = f.onChain;
  if (!c)
    return { ...base, ...revealed, outcome: "failed", failures: [{ code: "GUARANTEE_NOT_ON_LEDGER", ledgerId: g.ledgerId }, ...failures] };

  const own: VerificationFailure[] = [];
  const which: ("applicant" | "section")[] = [];
  if (!eqHex(c.applicantRef, refs.applicantRef)) which.push("applicant");
  if (!eqHex(c.subjectRef, refs.subjectRef)) which.push("section");
  if (which.length) own.push({ code: "GUARANTEE_NOT_FOR_THIS_BID", which });

  const boundHere = c.boundTo !== null && eqHex(c.boundTo, f.bindingRef);
  if (c.boundTo !== null && !boundHere) own.push({ code: "GUARANTEE_BOUND_ELSEWHERE", boundTo: c.boundTo });
  else if (c.state !== "Issued" && !(boundHere && (c.state === "Bound" || c.state === "PartlyPaid")))
    own.push({ code: "GUARANTEE_NOT_LIVE", state: c.state });
  const bind = which.length === 0 && c.state === "Issued" && c.boundTo === null;

  if (!c.guarantorHasRole || !g.guarantorIsGuarantor || !f.accounts || !eqHex(c.guarantor, f.accounts.guarantor))
    own.push({ code: "GUARANTEE_ISSUER_NOT_GUARANTOR" });
  if (c.amountFen < f.requiredFen)
    own.push({ code: "GUARANTEE_AMOUNT_TOO_LOW", amountFen: c.amountFen.toString(), requiredFen: f.requiredFen.toString() });
  if (!eqHex(c.beneficiaryRef, refs.beneficiaryRef) || !f.accounts || !eqHex(c.beneficiaryAccount, f.accounts.beneficiary))
    own.push({ code: "GUARANTEE_BENEFICIARY_MISMATCH" });
  const needed = bidValidityPeriod(f.deadline, f.bidValidityDays);
  if (c.validFrom > needed.from || c.validUntil < needed.until)
    own.push({
      code: "GUARANTEE_VALIDITY_SHORT",
      validFrom: c.validFrom.toISOString(),
      validUntil: c.validUntil.toISOString(),
      neededFrom: needed.from.toISOString(),
      neededUntil: needed.until.toISOString(),
    });
  if (!f.document || !eqHex(f.document.sha256, c.documentHash))
    own.push({ code: "GUARANTEE_DOCUMENT_MISMATCH", documentSha256: f.document?.sha256 ?? null, ledgerHash: c.documentHash });
  else if (!f.document.signatureValid || !f.document.signedByGuarantor)
    own.push({ code: "GUARANTEE_SIGNATURE_INVALID", problem: f.document.problem });

  const all = [...own, ...failures];
  return { ...base, ...revealed, bind, outcome: all.length ? "failed" : "verified", failures: all };
}

const STATE_ZH: Record<ChainState, string> = {
  Issued: "已开立",
  Bound: "已绑定",
  PartlyPaid: "部分赔付",
  Paid: "已赔付",
  Released: "已退还（解除）",
  Expired: "已失效",
};
const GRADE_ZH: Record<string, string> = { red: "红", orange: "橙", blue: "蓝", black: "黑" };
const day = (iso: string, lang?: "en") => formatShanghai(new Date(iso), lang);

/** A failure in words (zh-CN and English), for the hall, the reading-out and the records. */
export function describeVerificationFailure(f: VerificationFailure): { zh: string; en: string } {
  switch (f.code) {
    case "GUARANTEE_NOT_FOUND":
      return {
        zh: `编号 ${f.reference} 不是本平台开立的电子保函。`,
        en: `${f.reference} is not an electronic guarantee issued on the platform.`,
      };
    case "GUARANTEE_LEDGER_UNREADABLE":
      return {
        zh: "开标时区块链账本无法访问，保函未能核验，须由评标委员会据保函原件审查。",
        en: "The ledger could not be read at the opening, so the guarantee was not verified; the evaluation committee examines the letter itself.",
      };
    case "GUARANTEE_NOT_ON_LEDGER":
      return {
        zh: "区块链账本上没有该保函（未开立成功或开立未上链）。",
        en: "The ledger has no such guarantee (it was never issued on chain).",
      };
    case "GUARANTEE_NOT_FOR_THIS_BID": {
      const zh = f.which.map((w) => (w === "applicant" ? "投标人" : "标段")).join("、");
      const en = f.which.map((w) => (w === "applicant" ? "bidder" : "section")).join(" and ");
      return {
        zh: `该保函的${zh}承诺值与本投标不符：不是为本投标人、本标段开立的保函。`,
        en: `The guarantee's ${en} commitment does not match this bid: it was not issued for this bidder and section.`,
      };
    }
    case "GUARANTEE_BOUND_ELSEWHERE":
      return {
        zh: "该保函已绑定至其他投标，不能重复使用。",
        en: "The guarantee is already bound to another bid and cannot be used twice.",
      };
    case "GUARANTEE_NOT_LIVE":
      return {
        zh: `该保函在账本上的状态为“${STATE_ZH[f.state]}”，不再有效。`,
        en: `The guarantee's state on the ledger is ${f.state}: it is no longer in force.`,
      };
    case "GUARANTEE_ISSUER_NOT_GUARANTOR":
      return {
        zh: "保函开立方不具有担保机构资格（账本上无担保机构角色或非该担保机构账户）。",
        en: "The issuer is not a guarantor (no guarantor role on the ledger, or not the guarantor organisation's account).",
      };
    case "GUARANTEE_AMOUNT_TOO_LOW":
      return {
        zh: `保函金额 ${formatYuan(BigInt(f.amountFen))} 元低于本标段要求的投标保证金 ${formatYuan(BigInt(f.requiredFen))} 元。`,
        en: `The guarantee's amount of ¥${formatYuan(BigInt(f.amountFen))} is below the section's required bid security of ¥${formatYuan(BigInt(f.requiredFen))}.`,
      };
    case "GUARANTEE_BENEFICIARY_MISMATCH":
      return { zh: "保函受益人不是本项目的招标人。", en: "The guarantee's beneficiary is not the tenderer of this project." };
    case "GUARANTEE_VALIDITY_SHORT":
      return {
        zh: `保函有效期（${day(f.validFrom)} 至 ${day(f.validUntil)}）未覆盖投标有效期（${day(f.neededFrom)} 至 ${day(f.neededUntil)}）。`,
        en: `The guarantee's validity (${day(f.validFrom, "en")} to ${day(f.validUntil, "en")}) does not cover the bid validity period (${day(f.neededFrom, "en")} to ${day(f.neededUntil, "en")}).`,
      };
    case "GUARANTEE_DOCUMENT_MISMATCH":
      return {
        zh: "保函 PDF 的 SHA-256 与账本记载的文件摘要不一致。",
        en: "The guarantee PDF's SHA-256 differs from the document hash on the ledger.",
      };
    case "GUARANTEE_SIGNATURE_INVALID":
      return {
        // The verifier's problem is English technical text: the Chinese message leaves it out.
        zh: "保函 PDF 的电子签名校验未通过，或签名人不属于开立保函的担保机构。",
        en: `The guarantee PDF's signature fails its check, or its signer is not of the issuing guarantor${f.problem ? ` (${f.problem})` : ""}.`,
      };
    case "DECLARATION_MISMATCH":
      return {
        zh: `递交时申报的投标保证金（${f.declared.reference}）与投标文件 bid.json 载明的（${f.inBid.reference}）不一致。`,
        en: `The security declared at submission (${f.declared.reference}) differs from the one in bid.json (${f.inBid.reference}).`,
      };
    case "GUARANTEE_DECLARATION_INVALID":
      return f.reason === "mismatch"
        ? {
            zh: `递交时在信封外声明的电子保函（${f.declared ?? "—"}）与投标文件 bid.json 载明的保函（${f.inBid}）不是同一份保函。`,
            en: `The electronic guarantee declared beside the envelope (${f.declared ?? "—"}) is not the one bid.json names (${f.inBid}).`,
          }
        : f.reason === "notOwn"
          ? {
              zh: `投标文件载明的保函（${f.inBid}）按平台记录不是本投标人为本标段申请的保函。`,
              en: `By the platform's records the guarantee bid.json names (${f.inBid}) was not applied for by this bidder for this section.`,
            }
          : {
              zh: `投标文件载明的保函（${f.inBid}）按平台记录已绑定至其他投标。`,
              en: `By the platform's records the guarantee bid.json names (${f.inBid}) is already bound to another bid.`,
            };
    case "FORM_NOT_ACCEPTED":
      return { zh: "本标段不接受该投标保证金形式。", en: "This section does not accept this form of bid security." };
    case "CREDIT_COMMITMENT_NOT_RED":
      return {
        zh: `投标截止时该投标人信用等级为${f.grade ? `“${GRADE_ZH[f.grade] ?? f.grade}”` : "一般（无红色记录）"}，不得以信用承诺代替投标保证金。`,
        en: `At the deadline the bidder was rated ${f.grade ?? "normal (no red record)"}: it may not offer a credit commitment instead of a bid security.`,
      };
  }
}

/** One line for the records and the hall: 已核验, or 核验未通过 with every reason. */
export function verificationText(v: Pick<SecurityVerification, "outcome" | "failures">): { zh: string; en: string } {
  if (v.outcome === "verified") return { zh: "已核验", en: "verified" };
  const words = v.failures.map(describeVerificationFailure);
  return { zh: `核验未通过：${words.map((w) => w.zh).join("")}`, en: `Verification failed: ${words.map((w) => w.en).join(" ")}` };
}
