import type { Signer } from "../sign/signer.server.ts";
import type { Block, DocumentSpec } from "./layout.server.ts";
import { finishRecordSpec, RECORD_FOOTER, signRecord, type SignedRecord } from "./record-document.server.ts";

/**
 * The platform's own documents of the complaint procedure (decision 0061): the receipt of a
 * complaint (投诉回执), issued at once when it is filed, and the written answer to an objection
 * (异议答复 / 质疑答复函) as the agency gave it. Both are signed by the platform (PAdES B-B) like
 * the opening records: the platform attests what was filed and when, never signs for a person.
 */
const PLATFORM_NAME = "bidhall 公共资源交易电子招投标平台";

const time = (d: Date) =>
  `${new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  }).format(d)}（北京时间）`;

export interface ComplaintReceiptInput {
  receiptNo: string;
  filedAt: Date;
  projectCode: string;
  projectName: string;
  sectionCode: string;
  sectionName: string;
  subject: string;
  /** The organisation's name, or the natural person's name. */
  complainant: string;
  complainantKind: string;
  regulators: readonly string[];
  contentSha256: string;
  ledgerId: string;
  files: readonly { name: string; size: number; sha256: string }[];
  windowEndsAt: Date;
  windowSource: string;
}

export async function signComplaintReceipt(input: ComplaintReceiptInput, signer: Signer): Promise<SignedRecord> {
  const blocks: Block[] = [
    {
      type: "fields",
      rows: [
        ["回执编号", input.receiptNo],
        ["收到时间", time(input.filedAt)],
        ["项目", `${input.projectCode} ${input.projectName}`],
        ["标段（包）", `${input.sectionCode} ${input.sectionName}`],
        ["投诉事项", input.subject],
        ["投诉人", `${input.complainant}（${input.complainantKind}）`],
        ["受理机关", input.regulators.join("；")],
        ["投诉期限", `${time(input.windowEndsAt)} 前（${input.windowSource}）`],
        ["投诉书摘要值（SHA-256）", input.contentSha256],
        ["区块链登记编号", input.ledgerId],
      ],
    },
    { type: "heading", text: "证据材料" },
    input.files.length
      ? {
          type: "table",
          columns: [
            { header: "序号", width: 0.6, align: "center" },
            { header: "文件名", width: 2.6 },
            { header: "大小（字节）", width: 1.2, align: "right" },
            { header: "SHA-256", width: 3.6 },
          ],
          rows: input.files.map((f, i) => [String(i + 1), f.name, String(f.size), f.sha256]),
        }
      : { type: "paragraph", text: "无" },
    {
      type: "paragraph",
      text:
        "本平台已于上述时间收到您的投诉，并已将投诉书摘要值登记于区块链、转送上列行政监督部门。" +
        "本回执仅证明投诉已收到，不表示投诉已被受理；是否受理由行政监督部门依法决定并告知。",
    },
  ];
  const spec: DocumentSpec = {
    documentId: input.receiptNo,
    title: "投诉回执",
    createdAt: input.filedAt,
    author: PLATFORM_NAME,
    subject: `${input.sectionCode} 投诉回执`,
    blocks,
    footer: RECORD_FOOTER,
  };
  return signRecord(await finishRecordSpec(spec), { platformName: PLATFORM_NAME }, signer, {
    signingTime: input.filedAt,
    reason: "投诉回执",
  });
}

export interface ObjectionAnswerInput {
  documentId: string;
  /** 异议 / 质疑 */
  word: string;
  projectCode: string;
  projectName: string;
  sectionCode: string;
  sectionName: string;
  subject: string;
  objector: string;
  raisedAt: Date;
  content: string;
  answerer: string;
  answeredBy: string;
  answeredAt: Date;
  answerDueAt: Date;
  answer: string;
  source: string;
}

export async function signObjectionAnswer(input: ObjectionAnswerInput, signer: Signer): Promise<SignedRecord> {
  const spec: DocumentSpec = {
    documentId: input.documentId,
    title: `${input.word}答复`,
    createdAt: input.answeredAt,
    author: PLATFORM_NAME,
    subject: `${input.sectionCode} ${input.word}答复`,
    blocks: [
      {
        type: "fields",
        rows: [
          ["项目", `${input.projectCode} ${input.projectName}`],
          ["标段（包）", `${input.sectionCode} ${input.sectionName}`],
          [`${input.word}事项`, input.subject],
          [`${input.word}人`, input.objector],
          [`提出时间`, time(input.raisedAt)],
          ["答复人", `${input.answerer}（${input.answeredBy}）`],
          ["答复时间", time(input.answeredAt)],
          ["答复期限", `${time(input.answerDueAt)} 前（${input.source}）`],
        ],
      },
      { type: "heading", text: `${input.word}内容` },
      { type: "paragraph", text: input.content },
      { type: "heading", text: "答复" },
      { type: "paragraph", text: input.answer },
      {
        type: "paragraph",
        text: `本答复由答复人在本平台作出，平台签名证明其内容及时间未被改动。对答复不满意的，可以依法向有关行政监督部门投诉。`,
      },
    ],
    footer: RECORD_FOOTER,
  };
  return signRecord(await finishRecordSpec(spec), { platformName: PLATFORM_NAME }, signer, {
    signingTime: input.answeredAt,
    reason: `${input.word}答复`,
  });
}
