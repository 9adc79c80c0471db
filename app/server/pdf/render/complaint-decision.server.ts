import type { PDFDocument } from "pdf-lib";
import { buildDocument } from "./document.server.ts";
import type { Block, DocumentSpec } from "./layout.server.ts";
import { finishRecordSpec, RECORD_FOOTER } from "./record-document.server.ts";

/**
 * 投诉处理决定书 (decision 0064): the regulator's written decision on a complaint. Unlike the
 * platform's records it is not signed by the platform: the regulator's `sign` member signs it in
 * the browser (the signing flow of decision 55, kind "complaint-decision"), so this module only
 * draws it. What it says follows 投诉处理办法 Art 22 / 94号令 Art 31: the parties, the facts and the
 * request, the findings, the outcome with its legal basis, and the remedy (review or suit).
 *
 * Drawing is a pure function of the input (no clock read, creation date = the draft's time), so
 * the bytes prepared for signing can be drawn again and compared.
 */
export interface ComplaintDecisionInput {
  /** The document number, e.g. the complaint's receipt number + "-JD". */
  documentId: string;
  regulatorName: string;
  /** 工程建设项目 / 政府采购项目 */
  procurementTypeZh: string;
  projectCode: string;
  projectName: string;
  sectionCode: string;
  sectionName: string;
  /** The complainant as the parties know it: the organisation, or the natural person's name. */
  complainant: string;
  /** The tenderer (purchaser) and the agency, the respondents. */
  respondents: readonly string[];
  receiptNo: string;
  filedAt: Date;
  acceptedAt: Date;
  facts: string;
  request: string;
  /** The outcome in words (投诉成立 / 投诉部分成立 / 驳回投诉). */
  outcomeZh: string;
  /** The regulator's findings and reasons, as drafted. */
  text: string;
  /** The handling rule's source (条例 61 / GP法 56…). */
  decisionSource: string;
  /** Whether the section was suspended for the complaint and is resumed by this decision. */
  suspensionEnds: boolean;
  ledgerId: string;
  draftedAt: Date;
}

const day = (d: Date) =>
  new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "long", day: "numeric" }).format(d);

export function complaintDecisionSpec(input: ComplaintDecisionInput): DocumentSpec {
  const blocks: Block[] = [
    { type: "paragraph", text: input.regulatorName, align: "center" },
    {
      type: "fields",
      rows: [
        ["文书编号", input.documentId],
        ["投诉人", input.complainant],
        ["被投诉人", input.respondents.join("；")],
        ["项目", `${input.projectCode} ${input.projectName}（${input.procurementTypeZh}）`],
        ["标段（包）", `${input.sectionCode} ${input.sectionName}`],
        ["投诉回执编号", input.receiptNo],
        ["收到投诉日期", day(input.filedAt)],
        ["受理日期", day(input.acceptedAt)],
        ["区块链登记编号", input.ledgerId],
      ],
    },
    { type: "heading", text: "一、投诉事项及请求" },
    { type: "paragraph", text: input.facts },
    { type: "paragraph", text: `投诉请求：${input.request}` },
    { type: "heading", text: "二、处理意见" },
    { type: "paragraph", text: input.text },
    { type: "heading", text: "三、处理决定" },
    {
      type: "paragraph",
      text: `根据${input.decisionSource}的规定，本机关决定：${input.outcomeZh}。${
        input.suspensionEnds ? "因本投诉暂停的招标投标（采购）活动，自本决定作出之日起恢复。" : ""
      }`,
    },
    {
      type: "paragraph",
      text: "当事人对本决定不服的，可以自收到本决定之日起六十日内依法申请行政复议，或者自收到本决定之日起六个月内依法向人民法院提起行政诉讼。",
    },
    { type: "spacer", height: 24 },
    { type: "paragraph", text: input.regulatorName, align: "right" },
    { type: "paragraph", text: day(input.draftedAt), align: "right" },
  ];
  return {
    documentId: input.documentId,
    title: "投诉处理决定书",
    createdAt: input.draftedAt,
    author: input.regulatorName,
    subject: `${input.sectionCode} 投诉处理决定书`,
    blocks,
    footer: RECORD_FOOTER,
  };
}

/** The decision drawn, not saved: the signing flow adds the signer's placeholder before the one save. */
export async function buildComplaintDecision(input: ComplaintDecisionInput): Promise<PDFDocument> {
  const { doc } = await buildDocument(await finishRecordSpec(complaintDecisionSpec(input)));
  return doc;
}

/** The decision as bytes (classic xref table), ready for an incremental signature. */
export async function renderComplaintDecision(input: ComplaintDecisionInput): Promise<Uint8Array> {
  return (await buildComplaintDecision(input)).save({ useObjectStreams: false });
}
