import { PDFDocument, grayscale } from "pdf-lib";
import type { PDFPage } from "pdf-lib";
import { FontError, embedDocumentFont, loadBaseFont, measurerFor } from "./font.server.ts";
import { A4, STYLE, charactersOf, layoutDocument } from "./layout.server.ts";
import type { DocumentSpec, DrawOp, LaidOutPage } from "./layout.server.ts";

/**
 * Formal A4 documents (opening records, notices, contracts) from a declarative spec:
 * layout first, then the font subset to the characters the layout drew, then drawing.
 */

export type { Align, Block, DocumentSpec, TableColumn } from "./layout.server.ts";

/** Text uses the page's current font: passing `font` to drawText adds a resource per call. */
function draw(page: PDFPage, op: DrawOp) {
  switch (op.kind) {
    case "text":
      page.drawText(op.text, {
        x: op.x,
        y: op.y,
        size: op.size,
        color: grayscale(0),
      });
      return;
    case "rect":
      page.drawRectangle({
        x: op.x,
        y: op.y,
        width: op.width,
        height: op.height,
        ...(op.fillGray === undefined ? {} : { color: grayscale(op.fillGray) }),
        ...(op.stroke ? { borderColor: grayscale(0), borderWidth: STYLE.border } : {}),
      });
      return;
    case "line":
      page.drawLine({
        start: { x: op.x1, y: op.y1 },
        end: { x: op.x2, y: op.y2 },
        thickness: op.thickness,
        color: grayscale(0),
      });
      return;
  }
}

export interface BuiltDocument {
  doc: PDFDocument;
  pages: LaidOutPage[];
}

/**
 * Draws the document into a pdf-lib PDFDocument that is not saved yet, so a caller can add the
 * first signature's placeholder before the one and only save (see preparePdfSignature).
 */
export async function buildDocument(spec: DocumentSpec): Promise<BuiltDocument> {
  const { font: baseFont } = await loadBaseFont();
  const measure = measurerFor(baseFont);
  const pages = layoutDocument(spec, measure);
  const characters = charactersOf(pages);
  const missing = measure.missing(characters);
  if (missing.length > 0) {
    throw new FontError(`the font has no glyph for: ${missing.join(" ")}`);
  }

  // updateMetadata: false, then set every entry ourselves: no clock read, stable bytes.
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(spec.title, { showInWindowTitleBar: true });
  if (spec.author) doc.setAuthor(spec.author);
  if (spec.subject) doc.setSubject(spec.subject);
  doc.setCreator("bidhall");
  doc.setProducer("bidhall (pdf-lib)");
  doc.setLanguage("zh-CN");
  doc.setCreationDate(spec.createdAt);
  doc.setModificationDate(spec.createdAt);

  const font = await embedDocumentFont(doc, characters);
  for (const laidOut of pages) {
    const page = doc.addPage([A4.width, A4.height]);
    page.setFont(font);
    for (const op of laidOut.ops) draw(page, op);
  }
  return { doc, pages };
}

/** The document saved with a classic xref table, ready for incremental signatures. */
export async function renderDocument(spec: DocumentSpec): Promise<Uint8Array> {
  const { doc } = await buildDocument(spec);
  return doc.save({ useObjectStreams: false });
}
