import type { FailureResult } from "#app/domain/opening/decryption.ts";
import { citation } from "#app/domain/tendering/legal-sources.ts";
import type { Signer } from "../sign/signer.server.ts";
import { buildDocument, type BuiltDocument } from "./document.server.ts";
import type { Block, DocumentSpec } from "./layout.server.ts";
import {
  DECRYPTION_RESULT_LABELS,
  RecordInputError,
  TIME_NOTE,
  checkBidders,
  decryptionTable,
  headerBlock,
  objectionBlock,
  objectionTerm,
  partyText,
  readingOutTable,
  securityTable,
  time,
  windowTable,
  type Party,
  type RecordObjection,
} from "./opening-parts.server.ts";

export type { RecordObjection } from "./opening-parts.server.ts";
import {
  RECORD_FOOTER,
  finishRecordSpec,
  numberedSections,
  signRecord,
  type RecordSigning,
  type SignedRecord,
} from "./record-document.server.ts";
import type { ReadingOutRecordInput } from "./reading-out-record.server.ts";

/**
 * The opening record (开标记录表, ARCHITECTURE.md §4 "Two records"), generated when the
 * confirmation period ends: the reading-out, the decryption results with their rules, objections
 * and their answers, confirmations, bidders that did not confirm, reclassifications, and the
 * SHA-256 of the reading-out record it builds on. Signed by the platform and anchored.
 */

export interface RecordConfirmation {
  bidderUscc: string;
  decision: "confirm" | "object";
  /** The member who signed. */
  signerName: string;
  signedAt: Date;
  /** SHA-256 (hex) of the confirmation JWS; the record prints its first 16 digits. */
  jwsSha256: string;
}

export interface RecordReclassification {
  bidderUscc: string;
  from: FailureResult;
  to: FailureResult;
  /** The agency's written reason (audited, shown to the regulator). */
  reason: string;
  by: Party;
  at: Date;
}

/** A bidder's member who signed in to the opening with its certificate (the name is the certificate subject's). */
export interface RecordSignIn {
  organisation: string;
  uscc: string;
  person: string;
  signedAt: Date;
  certificateSerial: string;
}

/** The people a paper opening record names and signs (decision 46); null: nobody held the duty. */
export interface RecordOfficials {
  host: Party | null;
  recorder: Party | null;
  supervisor: Party | null;
}

export interface OpeningRecordInput extends ReadingOutRecordInput {
  /** When the confirmation period ended and this record was generated. */
  generatedAt: Date;
  readingOutRecord: { documentId: string; sha256: string };
  objections: readonly RecordObjection[];
  confirmations: readonly RecordConfirmation[];
  reclassifications: readonly RecordReclassification[];
  /** The sign-in list (签到表), in time order; absent in records made before decision 46. */
  signIns?: readonly RecordSignIn[];
  /** 开标人、记录人、监标人; absent in records made before decision 46. */
  officials?: RecordOfficials;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;
export const CONFIRMATION_HASH_DIGITS = 16;

function none(text = "无。"): Block {
  return { type: "paragraph", text };
}

function bidderNamed(input: OpeningRecordInput, uscc: string, what: string): string {
  const bidder = input.bidders.find((b) => b.uscc === uscc);
  if (!bidder) throw new RecordInputError(`the ${what} names ${uscc}, who is not a bidder of this opening`);
  return bidder.name;
}

function reclassificationBlock(input: OpeningRecordInput): Block {
  if (input.reclassifications.length === 0) return none();
  return {
    type: "table",
    columns: [
      { header: "序号", width: 0.6, align: "center" },
      { header: "投标人名称", width: 2.2 },
      { header: "原认定", width: 1, align: "center" },
      { header: "重新认定", width: 1, align: "center" },
      { header: "理由", width: 3.2 },
      { header: "认定人及时间", width: 2.05 },
    ],
    rows: input.reclassifications.map((r, i) => [
      String(i + 1),
      bidderNamed(input, r.bidderUscc, "reclassification"),
      DECRYPTION_RESULT_LABELS[r.from],
      DECRYPTION_RESULT_LABELS[r.to],
      r.reason,
      `${partyText(r.by)}\n${time(r.at)}`,
    ]),
  };
}

function confirmationBlocks(input: OpeningRecordInput): Block[] {
  const term = objectionTerm(input.procurementType);
  const seen = new Set<string>();
  for (const c of input.confirmations) {
    if (seen.has(c.bidderUscc)) throw new RecordInputError(`${c.bidderUscc} confirmed twice`);
    seen.add(c.bidderUscc);
    if (!HEX_SHA256.test(c.jwsSha256)) throw new RecordInputError(`the confirmation of ${c.bidderUscc} has no SHA-256 hex digest`);
  }
  const blocks: Block[] = [];
  if (input.confirmations.length === 0) blocks.push(none(`确认期内无投标人签署确认或提出${term}。`));
  else {
    blocks.push({
      type: "table",
      columns: [
        { header: "序号", width: 0.6, align: "center" },
        { header: "投标人名称", width: 2.6 },
        { header: "确认结果", width: 1, align: "center" },
        { header: "签署人", width: 1 },
        { header: "签署时间", width: 1.7 },
        { header: `确认签名 SHA-256\n（前 ${CONFIRMATION_HASH_DIGITS} 位）`, width: 2.2 },
      ],
      rows: input.confirmations.map((c, i) => [
        String(i + 1),
        bidderNamed(input, c.bidderUscc, "confirmation"),
        c.decision === "confirm" ? "确认" : `提出${term}`,
        c.signerName,
        time(c.signedAt),
        c.jwsSha256.slice(0, CONFIRMATION_HASH_DIGITS),
      ]),
    });
  }
  // A bid withdrawn before the deadline takes no part in the opening, so it has nothing to confirm.
  const silent = input.bidders.filter((b) => b.decryption.result !== "withdrawn" && !seen.has(b.uscc)).map((b) => b.name);
  if (silent.length === 0) {
    blocks.push(none(`全部投标人均已在确认期内签署确认或提出${term}。`));
  } else if (input.procurementType === "government") {
    // NOTE 87号令 Art 42: a supplier that does not take part is deemed to accept the opening result.
    blocks.push(
      none(`未在确认期内签署的投标人：${silent.join("、")}。依据${citation("absentBidderAccepts", "government").zh}，视同认可开标结果。`),
    );
  } else {
    blocks.push(none(`未在确认期内签署的投标人：${silent.join("、")}。`));
  }
  return blocks;
}

function signInBlock(input: OpeningRecordInput): Block {
  const rows = input.signIns ?? [];
  if (rows.length === 0) return none("无投标人签到。");
  return {
    type: "table",
    columns: [
      { header: "序号", width: 0.6, align: "center" },
      { header: "投标人名称", width: 2.6 },
      { header: "统一社会信用代码", width: 1.9 },
      { header: "签到人", width: 1.1 },
      { header: "签到时间", width: 1.7 },
      { header: "证书序列号", width: 1.75 },
    ],
    rows: rows.map((r, i) => [String(i + 1), r.organisation, r.uscc, r.person, time(r.signedAt), r.certificateSerial.toUpperCase()]),
  };
}

function officialsBlock(input: OpeningRecordInput): Block {
  const o = input.officials;
  const named = (p: Party | null | undefined, absent: string) => (p ? partyText(p) : absent);
  return {
    type: "fields",
    rows: [
      ["开标人", named(o?.host, "—")],
      ["记录人", named(o?.recorder, "—")],
      ["监标人", named(o?.supervisor, "无（行政监督部门未派员监标）")],
    ],
  };
}

export async function openingRecordSpec(input: OpeningRecordInput): Promise<DocumentSpec> {
  checkBidders(input.bidders);
  if (!HEX_SHA256.test(input.readingOutRecord.sha256)) {
    throw new RecordInputError("the reading-out record's SHA-256 must be 64 lower-case hex digits");
  }
  const term = objectionTerm(input.procurementType);
  return finishRecordSpec({
    documentId: input.documentId,
    title: "开标记录表",
    subtitle: `${input.section.name}（${input.section.code}）`,
    createdAt: input.generatedAt,
    author: input.platformName,
    subject: `${input.project.name} ${input.section.name} 开标记录表`,
    footer: RECORD_FOOTER,
    blocks: [
      headerBlock(input),
      TIME_NOTE,
      ...numberedSections([
        { title: "解密时段记录", blocks: [windowTable(input.window)] },
        { title: "唱标结果", blocks: [readingOutTable(input.bidders)] },
        { title: "投标保证金", blocks: [securityTable(input.bidders)] },
        { title: "解密结果及适用规则", blocks: [decryptionTable(input.bidders, input.procurementType)] },
        { title: "解密结果重新认定", blocks: [reclassificationBlock(input)] },
        { title: `${term}及答复`, blocks: [objectionBlock(input.objections, input.procurementType)] },
        { title: "投标人确认情况", blocks: confirmationBlocks(input) },
        // Decision 46: as on a paper record, the sign-in list and, at the foot, the people who opened, recorded and supervised.
        { title: "投标人签到情况", blocks: [signInBlock(input)] },
        { title: "开标人员", blocks: [officialsBlock(input)] },
        {
          title: "记录依据",
          blocks: [
            {
              type: "fields",
              rows: [
                ["唱标记录文件编号", input.readingOutRecord.documentId],
                ["唱标记录 SHA-256", input.readingOutRecord.sha256],
                ["本记录生成时间", time(input.generatedAt)],
              ],
            },
          ],
        },
      ]),
      {
        type: "paragraph",
        text: `本开标记录表由${input.platformName}在确认期届满后生成，加盖平台电子签章（PAdES）并提交区块链存证；任何人可用 PDF 签名验证工具或 bidhall verify 核验其完整性及签署者。`,
      },
    ],
  });
}

/** Unsigned, for previews and for signing elsewhere (see preparePdfSignature). */
export async function buildOpeningRecord(input: OpeningRecordInput): Promise<BuiltDocument> {
  return buildDocument(await openingRecordSpec(input));
}

/** Rendered and signed by the platform (PAdES B-B with the issuing CA certificate). */
export async function signOpeningRecord(input: OpeningRecordInput, signer: Signer, options: RecordSigning): Promise<SignedRecord> {
  return signRecord(await openingRecordSpec(input), input, signer, { ...options, reason: "开标记录表" });
}
