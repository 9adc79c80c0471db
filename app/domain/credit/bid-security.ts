import { formatShanghai } from "#app/domain/shared/time.ts";
import { citation, type Citation } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { gradeAt, type CreditGrade, type CreditRecord } from "./credit.ts";

/**
 * The bid security a decrypted bid offers, checked at the opening (decision 35). bid.json inside
 * the envelope is the binding declaration; the declaration beside the envelope (decision 16) must
 * agree with it. A credit commitment (信用承诺) replaces the bid security only for a bidder rated
 * red at the bid deadline — whether the commitment was declared at submission or appears only in
 * bid.json — and only where the section accepts it.
 *
 * What this finds is a defect for the evaluation, never a decryption failure: the bid was decrypted
 * and passed every check of its package, so it is read out, and the evaluation committee judges it
 * (条例 51 / 87号令 63). The decryption rules of 办法 31 cover only bids that could not be opened.
 */
export interface SecurityOffer {
  kind: "guarantee" | "credit-commitment";
  reference: string;
}

/**
 * Every defect recorded with a decrypted bid (opening_bids.defects). Besides the security's, a
 * package defect found after a successful decryption (decision 39): the signature or the opening
 * form failed its check though the package matches its receipt's digest — read out all the same.
 */
export type SecurityDefect =
  | { code: "SIGNATURE_INVALID"; detail: string }
  | { code: "FORM_INVALID"; detail: string }
  | { code: "DECLARATION_MISMATCH"; declared: SecurityOffer; inBid: SecurityOffer }
  | { code: "FORM_NOT_ACCEPTED"; kind: SecurityOffer["kind"] }
  | {
      code: "CREDIT_COMMITMENT_NOT_RED";
      /** The deciding grade at the deadline; null: no record in force (normal, orange). */
      grade: CreditGrade | null;
      source: string | null;
      since: Date | null;
      /** Where the commitment appears. */
      offeredIn: "bid" | "declaration" | "both";
    };
export type SecurityDefectCode = SecurityDefect["code"];

/** bid.json's kinds against a section's accepted forms (app/domain/tendering/section-terms.ts). */
const FORM_OF = { guarantee: "guarantee", "credit-commitment": "creditCommitment" } as const;

const same = (a: SecurityOffer, b: SecurityOffer) => a.kind === b.kind && a.reference.trim() === b.reference.trim();

/**
 * Every defect of a decrypted bid's security, in a stable order; empty when there is none.
 * `declared` is null when nothing was declared beside the envelope (older offline tools): there is
 * then nothing to compare. The grade is the one in force at the deadline, by the records known now,
 * so a record imported after the deadline but in force before it counts.
 */
export function securityDefects(input: {
  declared: SecurityOffer | null;
  inBid: SecurityOffer;
  acceptedForms: readonly string[];
  records: readonly CreditRecord[];
  deadline: Date;
}): SecurityDefect[] {
  const { declared, inBid } = input;
  const defects: SecurityDefect[] = [];
  if (declared && !same(declared, inBid)) defects.push({ code: "DECLARATION_MISMATCH", declared, inBid });
  if (!input.acceptedForms.includes(FORM_OF[inBid.kind])) defects.push({ code: "FORM_NOT_ACCEPTED", kind: inBid.kind });
  const inBidCommits = inBid.kind === "credit-commitment";
  const declaredCommits = declared?.kind === "credit-commitment";
  if (inBidCommits || declaredCommits) {
    const grade = gradeAt(input.records, input.deadline);
    if (grade?.grade !== "red")
      defects.push({
        code: "CREDIT_COMMITMENT_NOT_RED",
        grade: grade?.grade ?? null,
        source: grade?.source ?? null,
        since: grade?.effectiveFrom ?? null,
        offeredIn: inBidCommits && declaredCommits ? "both" : inBidCommits ? "bid" : "declaration",
      });
  }
  return defects;
}

const KIND: Record<SecurityOffer["kind"], Citation> = {
  guarantee: { zh: "投标保函", en: "bid guarantee" },
  "credit-commitment": { zh: "信用承诺", en: "credit commitment" },
};
const GRADE: Record<CreditGrade, Citation> = {
  red: { zh: "红", en: "red" },
  orange: { zh: "橙", en: "orange" },
  blue: { zh: "蓝", en: "blue" },
  black: { zh: "黑", en: "black" },
};
const OFFERED_IN: Record<Extract<SecurityDefect, { code: "CREDIT_COMMITMENT_NOT_RED" }>["offeredIn"], Citation> = {
  bid: { zh: "投标文件（bid.json）", en: "the bid (bid.json)" },
  declaration: { zh: "递交时的申报", en: "the declaration at submission" },
  both: { zh: "投标文件及递交时的申报", en: "the bid and the declaration at submission" },
};
const offer = (o: SecurityOffer) => ({ zh: `${KIND[o.kind].zh} ${o.reference}`, en: `${KIND[o.kind].en} ${o.reference}` });

/**
 * A defect in words, with the article under which the evaluation committee judges it for the
 * section's procurement type, and the note that it is not a decryption failure.
 */
export function describeSecurityDefect(defect: SecurityDefect, type: ProcurementType): Citation & { source: Citation } {
  const source = citation("securityDefect", type);
  const tail = {
    zh: `不属于解密失败：该投标文件已解密并唱标，本情形记录在案，提交评标委员会评审（${source.zh}）。`,
    en: `This is not a decryption failure: the bid was decrypted and read out; this is recorded for the evaluation committee (${source.en}).`,
  };
  let head: Citation;
  switch (defect.code) {
    case "SIGNATURE_INVALID":
      head = {
        zh: "投标文件已解密，且与投标回执记载的摘要一致，但其电子签名（文件清单签名或签名证书）校验未通过。",
        en: "The bid was decrypted and matches the receipt's package digest, but its electronic signature (the manifest's signature or the signing certificate) failed the check.",
      };
      break;
    case "FORM_INVALID":
      head = {
        zh: "投标文件已解密，且与投标回执记载的摘要一致，但其文件结构或开标一览表不符合本标段的格式（无法读取的内容未唱出）。",
        en: "The bid was decrypted and matches the receipt's package digest, but its structure or opening form does not meet the section's format (what could not be read was not read out).",
      };
      break;
    case "DECLARATION_MISMATCH": {
      const [d, b] = [offer(defect.declared), offer(defect.inBid)];
      head = {
        zh: `递交时申报的投标保证金（${d.zh}）与投标文件 bid.json 载明的（${b.zh}）不一致，以投标文件为准。`,
        en: `The bid security declared at submission (${d.en}) differs from the one in bid.json (${b.en}); the bid's is binding.`,
      };
      break;
    }
    case "FORM_NOT_ACCEPTED":
      head = {
        zh: `本标段不接受以“${KIND[defect.kind].zh}”作为投标保证金形式。`,
        en: `This section does not accept a ${KIND[defect.kind].en} as the bid security.`,
      };
      break;
    case "CREDIT_COMMITMENT_NOT_RED": {
      const where = OFFERED_IN[defect.offeredIn];
      const grade = defect.grade
        ? {
            zh: `“${GRADE[defect.grade].zh}”（来源：${defect.source}，自 ${formatShanghai(defect.since!)} 起）`,
            en: `${GRADE[defect.grade].en} (source: ${defect.source}, since ${formatShanghai(defect.since!, "en")})`,
          }
        : { zh: "无红色记录（一般）", en: "not red (no record in force, normal)" };
      head = {
        zh: `${where.zh}以信用承诺代替投标保证金，但投标截止时该投标人信用等级为${grade.zh}；只有红色（守信）投标人可以信用承诺代替投标保证金。`,
        en: `${upperFirst(where.en)} offers a credit commitment instead of a bid security, but at the deadline the bidder was rated ${grade.en}; only red-rated (trustworthy) bidders may do so.`,
      };
      break;
    }
  }
  return { zh: head.zh + tail.zh, en: `${head.en} ${tail.en}`, source };
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
