import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import type { Signer } from "../sign/signer.server.ts";
import type { DocumentSpec } from "./layout.server.ts";
import { objectionBlock, objectionTerm, time, TIME_NOTE, type RecordObjection } from "./opening-parts.server.ts";
import {
  finishRecordSpec,
  numberedSections,
  RECORD_FOOTER,
  signRecord,
  type RecordSigning,
  type SignedRecord,
} from "./record-document.server.ts";

/**
 * The opening record of a failed opening (流标), 办法 32 (decision 39): an opening that failed at the
 * deadline with too few bids, or that the host declared failed on a legal ground, still gets a
 * record, signed by the platform. It says when and why, under which article, how many bids stood
 * at the deadline, the bidders and their decryption results where the list was published, and the
 * objections with their answers. No price appears: a failed opening reads nothing out unless the
 * reading-out was published before the failure, and that record stands on its own.
 */
export interface FailedOpeningRecordInput {
  documentId: string;
  project: { code: string; name: string };
  section: { code: string; name: string };
  procurementType: ProcurementType;
  tendererName: string;
  agencyName: string | null;
  openingAt: Date;
  failedAt: Date;
  /** The ground in words and its article, e.g. 投标人少于 3 个，不得开标（招标投标法第二十八条…）. */
  ground: string;
  source: string;
  /** The host's own words for a declared failure; null for too few bids. */
  reason: string | null;
  validBidsAtDeadline: number | null;
  /** Only when the list of bidders was published before the failure. */
  bidders: readonly { name: string; uscc: string; result: string }[] | null;
  /** As in the opening record: who raised and who answered, organisation and person. */
  objections: readonly RecordObjection[];
  readingOutRecord: { documentId: string; sha256: string } | null;
  generatedAt: Date;
  platformName: string;
}

const TYPE_LABELS: Record<ProcurementType, string> = { engineering: "工程建设", government: "政府采购" };

export async function failedOpeningRecordSpec(input: FailedOpeningRecordInput): Promise<DocumentSpec> {
  const term = objectionTerm(input.procurementType);
  return finishRecordSpec({
    documentId: input.documentId,
    title: "开标记录表（流标）",
    subtitle: `${input.section.name}（${input.section.code}）`,
    createdAt: input.generatedAt,
    author: input.platformName,
    subject: `${input.project.name} ${input.section.name} 开标记录表（流标）`,
    footer: RECORD_FOOTER,
    blocks: [
      {
        type: "fields",
        rows: [
          ["项目编号", input.project.code],
          ["项目名称", input.project.name],
          ["标段（包）编号", input.section.code],
          ["标段（包）名称", input.section.name],
          ["采购类型", TYPE_LABELS[input.procurementType]],
          [input.procurementType === "government" ? "采购人" : "招标人", input.tendererName],
          ["招标代理机构", input.agencyName ?? "无"],
          ["投标截止（开标）时间", time(input.openingAt)],
          ["开标平台", input.platformName],
        ],
      },
      TIME_NOTE,
      ...numberedSections([
        {
          title: "流标情况",
          blocks: [
            {
              type: "fields",
              rows: [
                ["流标时间", time(input.failedAt)],
                ["流标事由", input.ground],
                ["依据", input.source],
                ...(input.reason ? [["说明", input.reason] as const] : []),
                ["截止时有效投标", input.validBidsAtDeadline === null ? "—" : `${input.validBidsAtDeadline} 家`],
              ],
            },
          ],
        },
        {
          title: "投标人及解密结果",
          blocks: input.bidders
            ? [
                {
                  type: "table",
                  columns: [
                    { header: "序号", width: 0.6, align: "center" },
                    { header: "投标人名称", width: 3 },
                    { header: "统一社会信用代码", width: 2.4 },
                    { header: "解密结果", width: 1.6, align: "center" },
                  ],
                  rows: input.bidders.map((b, i) => [String(i + 1), b.name, b.uscc, b.result]),
                },
              ]
            : [{ type: "paragraph", text: "流标时投标人名单尚未公布，本记录不列投标人。" }],
        },
        {
          title: `${term}及答复`,
          blocks: [objectionBlock(input.objections, input.procurementType)],
        },
        {
          title: "记录依据",
          blocks: [
            {
              type: "fields",
              rows: [
                ...(input.readingOutRecord
                  ? ([
                      ["唱标记录文件编号", input.readingOutRecord.documentId],
                      ["唱标记录 SHA-256", input.readingOutRecord.sha256],
                    ] as const)
                  : []),
                ["本记录生成时间", time(input.generatedAt)],
              ],
            },
          ],
        },
      ]),
      {
        type: "paragraph",
        text: `本开标记录表由${input.platformName}在流标时生成（《电子招标投标办法》第三十二条），加盖平台电子签章（PAdES）并提交区块链存证；任何人可用 PDF 签名验证工具或 bidhall verify 核验其完整性及签署者。`,
      },
    ],
  });
}

/** Rendered and signed by the platform. */
export async function signFailedOpeningRecord(
  input: FailedOpeningRecordInput,
  signer: Signer,
  options: RecordSigning,
): Promise<SignedRecord> {
  return signRecord(await failedOpeningRecordSpec(input), input, signer, { ...options, reason: "开标记录表（流标）" });
}
