import { createHash } from "node:crypto";
import { signPdf } from "../sign/sign-pdf.server.ts";
import type { Signer } from "../sign/signer.server.ts";
import { buildDocument } from "./document.server.ts";
import { loadBaseFont, measurerFor } from "./font.server.ts";
import { A4, layoutDocument } from "./layout.server.ts";
import type { Block, DocumentSpec, Measurer } from "./layout.server.ts";
import { RecordInputError, type OpeningHeader } from "./opening-parts.server.ts";

/**
 * The document around the opening records' blocks: numbered sections, headings kept with their
 * tables, the "第 N 页 共 M 页" footer, and the platform's signature.
 */

export interface RecordSection {
  title: string;
  blocks: readonly Block[];
}

const NUMERALS = "一二三四五六七八九十";

/** Headings numbered 一、二、… in order, so a record's optional parts never leave a gap. */
export function numberedSections(sections: readonly RecordSection[]): Block[] {
  if (sections.length > NUMERALS.length) throw new RecordInputError("too many sections to number");
  return sections.flatMap((section, i) => [{ type: "heading", text: `${NUMERALS[i]}、${section.title}` } as Block, ...section.blocks]);
}

/** Taller than any page: the layout's spacer rule then continues at the top of a fresh page. */
const PAGE_BREAK: Block = { type: "spacer", height: A4.height };

/**
 * Keeps every heading on the page where the first row of the table under it is drawn. The layout
 * keeps a heading with three lines of room, enough for text, but a table whose first row does not
 * fit moves on (or leaves only its header row behind), orphaning the heading at the foot of the
 * page; such a heading is moved on with a page break. Lays out growing prefixes: the layout is pure
 * and fast.
 */
export function keepHeadingsWithNext(spec: DocumentSpec, measure: Measurer): DocumentSpec {
  const blocks = [...spec.blocks];
  const pageCount = (list: readonly Block[]) => layoutDocument({ ...spec, blocks: list }, measure).length;
  for (let i = 0; i < blocks.length - 1; i++) {
    const next = blocks[i + 1]!;
    if (blocks[i]!.type !== "heading" || next.type !== "table") continue;
    const withHeading = pageCount(blocks.slice(0, i + 1));
    if (withHeading > pageCount(blocks.slice(0, i))) continue; // the heading already opens a page
    const firstRow: Block = { ...next, rows: next.rows.slice(0, 1) };
    if (pageCount([...blocks.slice(0, i + 1), firstRow]) > withHeading) {
      blocks.splice(i, 0, PAGE_BREAK);
      i++;
    }
  }
  return { ...spec, blocks };
}

/** The record's spec with headings kept with their blocks, measured with the document font. */
export async function finishRecordSpec(spec: DocumentSpec): Promise<DocumentSpec> {
  const { font } = await loadBaseFont();
  return keepHeadingsWithNext(spec, measurerFor(font));
}

export const RECORD_FOOTER: NonNullable<DocumentSpec["footer"]> = {
  documentId: (id) => `文件编号：${id}`,
  pageNumber: (page, count) => `第 ${page} 页 共 ${count} 页`,
};

export interface RecordSigning {
  /** /M, the claimed signing time: the platform clock's now. */
  signingTime: Date;
}

export interface SignedRecord {
  pdf: Uint8Array;
  /** SHA-256 (hex) of the signed file: what bidders confirm, what is anchored. */
  sha256: string;
}

/** Draws the spec and signs it as the platform, PAdES B-B, in the first and only save. */
export async function signRecord(
  spec: DocumentSpec,
  header: Pick<OpeningHeader, "platformName">,
  signer: Signer,
  options: RecordSigning & { reason: string },
): Promise<SignedRecord> {
  const { doc } = await buildDocument(spec);
  const pdf = await signPdf(doc, signer, {
    fieldName: "platform",
    reason: options.reason,
    location: header.platformName,
    signerName: header.platformName,
    signingTime: options.signingTime,
  });
  return { pdf, sha256: createHash("sha256").update(pdf).digest("hex") };
}
