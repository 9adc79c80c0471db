import { formatYuan, toChineseCapitals } from "#app/domain/shared/money.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { renderDocument } from "./document.server.ts";
import type { Block, DocumentSpec } from "./layout.server.ts";
import { RECORD_FOOTER } from "./record-document.server.ts";

/**
 * The award notice (中标通知书) to the winner and the result notice (中标结果通知书) to every other
 * bidder (法 45; 办法 36, 40; decision 67), drawn unsigned with a classic xref table: the tenderer
 * signs first, then the agency, each as an incremental update, so the first signature survives
 * and the last covers the whole file.
 */
export interface AwardNoticeInput {
  kind: "award" | "result";
  number: string;
  recipient: { name: string; uscc: string };
  project: { code: string; name: string };
  section: { code: string; name: string };
  tendererName: string;
  agencyName: string | null;
  winner: { name: string; uscc: string; priceFen: bigint };
  /** The recipient's own standing (result notices). */
  recipientRank: number | null;
  recipientRejection: string | null;
  publicity: { from: Date; endsAt: Date };
  decidedAt: Date;
  /** Contract within 30 days of the notice (法 46). */
  contractDays: number;
  platformName: string;
}

export function awardNoticeSpec(n: AwardNoticeInput): DocumentSpec {
  const when = (d: Date) => formatShanghai(d, "zh-CN");
  const price = `${formatYuan(n.winner.priceFen)} 元（人民币${toChineseCapitals(n.winner.priceFen)}）`;
  const facts: Block = {
    type: "fields",
    rows: [
      ["编号", n.number],
      ["项目名称", n.project.name],
      ["项目编号", n.project.code],
      ["标段（包）", `${n.section.name}（${n.section.code}）`],
      ["招标人", n.tendererName],
      ...(n.agencyName ? [["招标代理机构", n.agencyName] as const] : []),
      ["中标候选人公示", `${when(n.publicity.from)} 至 ${when(n.publicity.endsAt)}`],
      ["定标时间", when(n.decidedAt)],
    ],
  };
  const blocks: Block[] =
    n.kind === "award"
      ? [
          { type: "paragraph", text: `${n.recipient.name}（统一社会信用代码 ${n.recipient.uscc}）：` },
          facts,
          {
            type: "paragraph",
            text: `经评标委员会评审、中标候选人公示期满，确定你单位为上述标段的中标人，中标价：${price}。`,
          },
          {
            type: "paragraph",
            text: `请你单位自本通知书发出之日起 ${n.contractDays} 日内，按照招标文件和你单位的投标文件，通过本平台与招标人订立书面合同（《招标投标法》第四十六条）。`,
          },
        ]
      : [
          { type: "paragraph", text: `${n.recipient.name}（统一社会信用代码 ${n.recipient.uscc}）：` },
          facts,
          {
            type: "paragraph",
            text: `上述标段已确定中标人：${n.winner.name}（统一社会信用代码 ${n.winner.uscc}），中标价：${price}。`,
          },
          {
            type: "paragraph",
            text: n.recipientRejection
              ? `你单位的投标经评标委员会评审被否决，理由：${n.recipientRejection}。`
              : n.recipientRank
                ? `你单位为第 ${n.recipientRank} 名中标候选人，未被确定为中标人。`
                : "你单位未被确定为中标人。",
          },
          { type: "paragraph", text: "感谢你单位的参与。投标保证金按法定期限退还（《招标投标法实施条例》第五十七条；87号令第三十八条）。" },
        ];
  return {
    documentId: n.number,
    title: n.kind === "award" ? "中标通知书" : "中标结果通知书",
    subtitle: n.project.name,
    blocks: [
      ...blocks,
      { type: "spacer", height: 24 },
      { type: "paragraph", text: `招标人：${n.tendererName}（电子签名）`, align: "right" },
      ...(n.agencyName ? [{ type: "paragraph", text: `招标代理机构：${n.agencyName}（电子签名）`, align: "right" } as Block] : []),
      { type: "paragraph", text: `经 ${n.platformName} 在线发出`, align: "right" },
    ],
    createdAt: n.decidedAt,
    author: n.tendererName,
    subject: n.kind === "award" ? "中标通知书" : "中标结果通知书",
    footer: RECORD_FOOTER,
  };
}

export const renderAwardNotice = (n: AwardNoticeInput): Promise<Uint8Array> => renderDocument(awardNoticeSpec(n));
