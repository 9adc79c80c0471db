/**
 * Page layout for formal A4 documents, with no PDF or font objects: text is measured through a
 * `Measurer`, and the result is a list of drawing operations per page. Keeping it pure lets the
 * renderer collect every character before subsetting the font, and lets tests check pagination
 * without parsing PDFs.
 */

import { breakLines } from "./line-break.server.ts";
import type { Measurer } from "./line-break.server.ts";

export { breakLines, breakUnits } from "./line-break.server.ts";
export type { Measurer } from "./line-break.server.ts";

export type Align = "left" | "center" | "right";

export interface TableColumn {
  header: string;
  /** Relative weight; columns share the content width in proportion. */
  width: number;
  align?: Align;
}

export type Block =
  /** Label–value pairs under the title ("项目名称：…"); values wrap beside their label. */
  | {
      type: "fields";
      rows: readonly (readonly [label: string, value: string])[];
    }
  /** A ruled table; the header row repeats at the top of every page the table runs onto. */
  | {
      type: "table";
      columns: readonly TableColumn[];
      rows: readonly (readonly string[])[];
    }
  | { type: "heading"; text: string }
  | { type: "paragraph"; text: string; align?: Align }
  | { type: "spacer"; height: number };

export interface DocumentSpec {
  /** Printed in every footer, e.g. "KBJL-2025-000123". */
  documentId: string;
  title: string;
  subtitle?: string;
  blocks: readonly Block[];
  /** /CreationDate and /ModDate; passed in so the same spec renders the same bytes. */
  createdAt: Date;
  author?: string;
  subject?: string;
  /** Footer texts; defaults are Chinese. */
  footer?: {
    documentId?: (documentId: string) => string;
    pageNumber?: (page: number, pageCount: number) => string;
  };
}

export type DrawOp =
  | { kind: "text"; x: number; y: number; size: number; text: string }
  | {
      kind: "rect";
      x: number;
      y: number;
      width: number;
      height: number;
      fillGray?: number;
      stroke: boolean;
    }
  | {
      kind: "line";
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      thickness: number;
    };

export interface LaidOutPage {
  ops: DrawOp[];
}

export const A4 = { width: 595.28, height: 841.89 } as const;

/** All sizes in points. 10.5 pt is 五号, the usual body size of Chinese official documents. */
export const STYLE = {
  marginLeft: 56.7, // 20 mm
  marginRight: 56.7,
  marginTop: 62,
  marginBottom: 68,
  titleSize: 18,
  subtitleSize: 11,
  headingSize: 12,
  bodySize: 10.5,
  tableSize: 9.5,
  footerSize: 8,
  lineHeight: 1.5,
  cellPaddingX: 4,
  cellPaddingY: 3,
  blockGap: 10,
  border: 0.5,
  headerGray: 0.9,
} as const;

export class LayoutError extends Error {
  override name = "LayoutError";
}

// ---------------------------------------------------------------------------------------------
// Pages

class PageCursor {
  readonly pages: LaidOutPage[] = [];
  y = 0;
  private page!: LaidOutPage;

  constructor(readonly measure: Measurer) {
    this.newPage();
  }

  get left() {
    return STYLE.marginLeft;
  }
  get contentWidth() {
    return A4.width - STYLE.marginLeft - STYLE.marginRight;
  }
  get bottom() {
    return STYLE.marginBottom;
  }
  /** Height left on this page. */
  get room() {
    return this.y - this.bottom;
  }
  get fullPageRoom() {
    return A4.height - STYLE.marginTop - STYLE.marginBottom;
  }
  get atTop() {
    return this.y === A4.height - STYLE.marginTop;
  }

  newPage() {
    this.page = { ops: [] };
    this.pages.push(this.page);
    this.y = A4.height - STYLE.marginTop;
  }

  ensure(height: number) {
    if (height > this.room && !this.atTop) this.newPage();
  }

  op(op: DrawOp) {
    this.page.ops.push(op);
  }

  /** One line of text whose line box starts at `top`; the ideographic em box is centred in it. */
  text(text: string, x: number, top: number, size: number, width: number, align: Align = "left") {
    if (!text) return;
    const lineHeight = size * STYLE.lineHeight;
    // Noto Sans SC's em box runs from -0.12 em to 0.88 em (OS/2 typo descender/ascender).
    const baseline = top - (lineHeight - size) / 2 - 0.88 * size;
    const textWidth = this.measure.width(text, size);
    const dx = align === "right" ? width - textWidth : align === "center" ? (width - textWidth) / 2 : 0;
    this.op({ kind: "text", x: x + dx, y: baseline, size, text });
  }
}

function layoutLines(cursor: PageCursor, lines: readonly string[], size: number, align: Align) {
  const lineHeight = size * STYLE.lineHeight;
  for (const line of lines) {
    cursor.ensure(lineHeight);
    cursor.text(line, cursor.left, cursor.y, size, cursor.contentWidth, align);
    cursor.y -= lineHeight;
  }
}

function layoutFields(cursor: PageCursor, rows: readonly (readonly [string, string])[]) {
  const size = STYLE.bodySize;
  const lineHeight = size * STYLE.lineHeight;
  const labels = rows.map(([label]) => `${label}：`);
  const labelWidth = Math.max(0, ...labels.map((label) => cursor.measure.width(label, size)));
  const valueWidth = cursor.contentWidth - labelWidth;
  if (valueWidth < size * 4) throw new LayoutError("field labels leave no room for values");
  rows.forEach(([, value], i) => {
    const lines = breakLines(value, valueWidth, size, cursor.measure);
    lines.forEach((line, j) => {
      cursor.ensure(lineHeight);
      // The label repeats on a new page so a value split by a page break stays attributed.
      if (j === 0 || cursor.atTop) cursor.text(labels[i]!, cursor.left, cursor.y, size, labelWidth);
      cursor.text(line, cursor.left + labelWidth, cursor.y, size, valueWidth);
      cursor.y -= lineHeight;
    });
  });
}

interface TableRowLines {
  cells: string[][];
  lineCount: number;
}

function layoutTable(cursor: PageCursor, columns: readonly TableColumn[], rows: readonly (readonly string[])[]) {
  if (columns.length === 0) throw new LayoutError("a table needs columns");
  const size = STYLE.tableSize;
  const lineHeight = size * STYLE.lineHeight;
  const padX = STYLE.cellPaddingX;
  const padY = STYLE.cellPaddingY;
  const total = columns.reduce((sum, column) => sum + column.width, 0);
  const widths = columns.map((column) => (column.width / total) * cursor.contentWidth);
  const xs = widths.map((_, i) => cursor.left + widths.slice(0, i).reduce((a, b) => a + b, 0));

  const wrap = (cells: readonly string[]): TableRowLines => {
    if (cells.length !== columns.length) {
      throw new LayoutError(`a row has ${cells.length} cells, the table ${columns.length} columns`);
    }
    const lines = cells.map((cell, i) => breakLines(cell, widths[i]! - 2 * padX, size, cursor.measure));
    return {
      cells: lines,
      lineCount: Math.max(1, ...lines.map((l) => l.length)),
    };
  };
  const header = wrap(columns.map((column) => column.header));
  const headerHeight = header.lineCount * lineHeight + 2 * padY;

  const drawRow = (row: TableRowLines, from: number, to: number, isHeader: boolean) => {
    const height = (to - from) * lineHeight + 2 * padY;
    row.cells.forEach((lines, i) => {
      cursor.op({
        kind: "rect",
        x: xs[i]!,
        y: cursor.y - height,
        width: widths[i]!,
        height,
        stroke: true,
        ...(isHeader ? { fillGray: STYLE.headerGray } : {}),
      });
      const align = isHeader ? "center" : (columns[i]!.align ?? "left");
      lines.slice(from, to).forEach((line, j) => {
        const top = cursor.y - padY - j * lineHeight;
        cursor.text(line, xs[i]! + padX, top, size, widths[i]! - 2 * padX, align);
      });
    });
    cursor.y -= height;
  };
  const startPage = () => drawRow(header, 0, header.lineCount, true);

  if (headerHeight + lineHeight + 2 * padY > cursor.room) cursor.newPage();
  startPage();
  let freshPage = false;
  for (const cells of rows) {
    const row = wrap(cells);
    let from = 0;
    while (from < row.lineCount) {
      const remaining = row.lineCount - from;
      const needed = remaining * lineHeight + 2 * padY;
      if (needed <= cursor.room) {
        drawRow(row, from, row.lineCount, false);
        freshPage = false;
        break;
      }
      const fitting = Math.floor((cursor.room - 2 * padY) / lineHeight);
      // Keep a row whole when it fits on a fresh page; split only rows taller than a page.
      const fitsFreshPage = needed <= cursor.fullPageRoom - headerHeight;
      if (fitting < 1 && freshPage) throw new LayoutError("the table header leaves no room for rows");
      if (fitsFreshPage || fitting < 1) {
        freshPage = true;
        cursor.newPage();
        startPage();
        continue;
      }
      drawRow(row, from, from + fitting, false);
      from += fitting;
      freshPage = true;
      cursor.newPage();
      startPage();
    }
  }
}

function addFooters(pages: LaidOutPage[], spec: DocumentSpec, measure: Measurer) {
  const size = STYLE.footerSize;
  const idText = spec.footer?.documentId ?? ((id: string) => `文件编号：${id}`);
  const pageText = spec.footer?.pageNumber ?? ((page: number, count: number) => `第 ${page} 页 / 共 ${count} 页`);
  const left = STYLE.marginLeft;
  const right = A4.width - STYLE.marginRight;
  const baseline = STYLE.marginBottom / 2 - size / 2;
  pages.forEach((page, i) => {
    const rule = baseline + size * 1.6;
    page.ops.push({
      kind: "line",
      x1: left,
      y1: rule,
      x2: right,
      y2: rule,
      thickness: 0.4,
    });
    page.ops.push({
      kind: "text",
      x: left,
      y: baseline,
      size,
      text: idText(spec.documentId),
    });
    const pageLabel = pageText(i + 1, pages.length);
    page.ops.push({
      kind: "text",
      x: right - measure.width(pageLabel, size),
      y: baseline,
      size,
      text: pageLabel,
    });
  });
}

/** Lays out the whole document: title, blocks, page breaks, footers with page x / y. */
export function layoutDocument(spec: DocumentSpec, measure: Measurer): LaidOutPage[] {
  const cursor = new PageCursor(measure);
  layoutLines(cursor, breakLines(spec.title, cursor.contentWidth, STYLE.titleSize, measure), STYLE.titleSize, "center");
  if (spec.subtitle) {
    layoutLines(cursor, breakLines(spec.subtitle, cursor.contentWidth, STYLE.subtitleSize, measure), STYLE.subtitleSize, "center");
  }
  cursor.y -= STYLE.blockGap;
  for (const block of spec.blocks) {
    switch (block.type) {
      case "fields":
        layoutFields(cursor, block.rows);
        break;
      case "table":
        layoutTable(cursor, block.columns, block.rows);
        break;
      case "heading":
        cursor.ensure(STYLE.headingSize * STYLE.lineHeight * 3); // keep a heading with its text
        layoutLines(cursor, breakLines(block.text, cursor.contentWidth, STYLE.headingSize, measure), STYLE.headingSize, "left");
        break;
      case "paragraph":
        layoutLines(cursor, breakLines(block.text, cursor.contentWidth, STYLE.bodySize, measure), STYLE.bodySize, block.align ?? "left");
        break;
      case "spacer":
        cursor.y -= block.height;
        if (cursor.room < 0) cursor.newPage();
        continue;
    }
    cursor.y -= STYLE.blockGap;
  }
  addFooters(cursor.pages, spec, measure);
  return cursor.pages;
}

/** Every character drawn, for subsetting the font to exactly these. */
export function charactersOf(pages: readonly LaidOutPage[]): string {
  const set = new Set<string>();
  for (const page of pages) {
    for (const op of page.ops) if (op.kind === "text") for (const ch of op.text) set.add(ch);
  }
  return [...set].sort().join("");
}
