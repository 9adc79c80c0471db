import { formatYuan, toChineseCapitals } from "#app/domain/shared/money.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { DocumentSpec } from "./layout.server.ts";

/**
 * The bid guarantee letter (投标保函, decision 0057): the guarantor undertakes to pay the
 * beneficiary up to the amount on a written claim within the validity. Rendered by the platform,
 * signed by the guarantor's `sign` member in the browser (PAdES B-B). The ledger id is printed so
 * anyone holding the letter can find it on the ledger; the salt is not.
 */
export interface GuaranteeLetterInput {
  ledgerId: string;
  guarantorName: string;
  guarantorUscc: string;
  applicantName: string;
  applicantUscc: string;
  beneficiaryName: string;
  projectName: string;
  projectCode: string;
  sectionName: string;
  sectionCode: string;
  amountFen: bigint;
  validFrom: Date;
  validUntil: Date;
  claimPeriodDays: number;
  issuedAt: Date;
}

export function guaranteeLetterSpec(input: GuaranteeLetterInput): DocumentSpec {
  const amount = `${formatYuan(input.amountFen)} 元（${toChineseCapitals(input.amountFen)}）`;
  return {
    documentId: `BH-${input.ledgerId.slice(2, 18).toUpperCase()}`,
    title: "投标保函",
    subtitle: "（电子保函）",
    createdAt: input.issuedAt,
    author: input.guarantorName,
    subject: `${input.projectName} ${input.sectionName} 投标保函`,
    blocks: [
      {
        type: "fields",
        rows: [
          ["保函编号（账本标识）", input.ledgerId],
          ["受益人（招标人）", input.beneficiaryName],
          ["申请人（投标人）", `${input.applicantName}（统一社会信用代码 ${input.applicantUscc}）`],
          ["担保人", `${input.guarantorName}（统一社会信用代码 ${input.guarantorUscc}）`],
          ["项目", `${input.projectName}（${input.projectCode}）`],
          ["标段（包）", `${input.sectionName}（${input.sectionCode}）`],
          ["担保金额", amount],
          ["有效期", `${formatShanghai(input.validFrom)} 至 ${formatShanghai(input.validUntil)}（北京时间）`],
          ["索赔期", `有效期届满后 ${input.claimPeriodDays} 日内`],
        ],
      },
      {
        type: "paragraph",
        text:
          `鉴于申请人参加上述标段的投标，应申请人的要求，担保人在此无条件地、不可撤销地向受益人保证：` +
          `申请人在投标有效期内撤销投标文件，或中标后无正当理由不与受益人订立合同、不按招标文件要求提交履约保证金的，` +
          `担保人在收到受益人经电子交易平台提交的书面索赔通知后七个工作日内，在上述担保金额内向受益人支付索赔款项。`,
      },
      {
        type: "paragraph",
        text:
          "本保函为电子保函，以担保人的电子签名为准，其 SHA-256 摘要记载于交易平台的区块链账本；" +
          "受益人的索赔应在有效期和索赔期内通过交易平台提出。本保函适用中华人民共和国法律。",
      },
      {
        type: "fields",
        rows: [
          ["担保人（电子签章）", input.guarantorName],
          ["出具日期", formatShanghai(input.issuedAt)],
        ],
      },
    ],
  };
}
