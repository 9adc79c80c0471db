import type { Signer } from "../sign/signer.server.ts";
import { buildDocument, type BuiltDocument } from "./document.server.ts";
import type { DocumentSpec } from "./layout.server.ts";
import {
  TIME_NOTE,
  checkBidders,
  decryptionTable,
  headerBlock,
  objectionTerm,
  readingOutTable,
  securityTable,
  time,
  windowTable,
  type OpeningHeader,
  type RecordBidder,
} from "./opening-parts.server.ts";
import {
  RECORD_FOOTER,
  finishRecordSpec,
  numberedSections,
  signRecord,
  type RecordSigning,
  type SignedRecord,
} from "./record-document.server.ts";

export type {
  BidSecurityOffered,
  DecryptionOutcome,
  RecordDecryptionResult,
  DecryptionWindow,
  OpeningFieldEntry,
  OpeningHeader,
  Party,
  ReadOutBid,
  RecordBidder,
} from "./opening-parts.server.ts";
export type { RecordSigning, SignedRecord } from "./record-document.server.ts";
export { DECRYPTION_RESULT_LABELS, RecordInputError, WITHDRAWN_RULE } from "./opening-parts.server.ts";

/**
 * The reading-out record (唱标记录, ARCHITECTURE.md §4 "Two records"): signed by the platform
 * at the reading-out; bidders then confirm or object by signing its SHA-256 (a confirmation JWS).
 */

export interface ReadingOutRecordInput extends OpeningHeader {
  /** In the order they are read out. */
  bidders: readonly RecordBidder[];
}

export async function readingOutRecordSpec(input: ReadingOutRecordInput): Promise<DocumentSpec> {
  checkBidders(input.bidders);
  const term = objectionTerm(input.procurementType);
  return finishRecordSpec({
    documentId: input.documentId,
    title: "唱标记录",
    subtitle: `${input.section.name}（${input.section.code}）`,
    createdAt: input.readingOutPublishedAt,
    author: input.platformName,
    subject: `${input.project.name} ${input.section.name} 唱标记录`,
    footer: RECORD_FOOTER,
    blocks: [
      headerBlock(input),
      TIME_NOTE,
      ...numberedSections([
        { title: "解密时段记录", blocks: [windowTable(input.window)] },
        { title: "唱标结果", blocks: [readingOutTable(input.bidders)] },
        { title: "投标保证金", blocks: [securityTable(input.bidders)] },
        { title: "解密情况", blocks: [decryptionTable(input.bidders, input.procurementType)] },
      ]),
      {
        type: "paragraph",
        text:
          `本唱标记录由${input.platformName}生成并加盖平台电子签章。投标人应于 ${time(input.confirmationEndsAt)} 前登录平台，` +
          `以本单位成员的数字证书对本记录文件的 SHA-256 摘要进行电子签名，确认唱标结果或提出${term}；` +
          `确认与${term}情况载入开标记录表。`,
      },
    ],
  });
}

/** Unsigned, for previews and for signing elsewhere (see preparePdfSignature). */
export async function buildReadingOutRecord(input: ReadingOutRecordInput): Promise<BuiltDocument> {
  return buildDocument(await readingOutRecordSpec(input));
}

/** Rendered and signed by the platform (PAdES B-B with the issuing CA certificate). */
export async function signReadingOutRecord(input: ReadingOutRecordInput, signer: Signer, options: RecordSigning): Promise<SignedRecord> {
  return signRecord(await readingOutRecordSpec(input), input, signer, { ...options, reason: "唱标记录" });
}
