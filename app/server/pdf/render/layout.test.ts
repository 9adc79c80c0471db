import { describe, expect, it } from "vitest";
import { A4, STYLE, charactersOf, layoutDocument } from "./layout.server.ts";
import { breakLines, breakUnits } from "./line-break.server.ts";
import type { DocumentSpec, DrawOp, Measurer } from "./layout.server.ts";

/** Every character one em wide except ASCII at half an em: close to Noto Sans SC, easy to reason about. */
const measure: Measurer = {
  width: (text, size) => [...text].reduce((sum, ch) => sum + (ch.charCodeAt(0) < 128 ? 0.5 : 1), 0) * size,
};

const texts = (ops: readonly DrawOp[]) => ops.flatMap((op) => (op.kind === "text" ? [op.text] : []));

describe("line breaking", () => {
  it("wraps Chinese per character", () => {
    expect(breakLines("某某建设集团有限公司", 4 * 10, 10, measure)).toEqual(["某某建设", "集团有限", "公司"]);
  });

  it("keeps Latin words and figures whole", () => {
    expect(breakUnits("报价 12,345,678.90 元")).toEqual(["报", "价", " ", "12,345,678.90", " ", "元"]);
    expect(breakLines("total 12,345,678.90", 8 * 10, 10, measure)).toEqual(["total", "12,345,678.90"]);
  });

  it("never starts a line with closing punctuation nor ends one with an opening bracket", () => {
    expect(breakUnits("公司（联合体）。")).toEqual(["公", "司", "（联", "合", "体）。"]);
    const lines = breakLines("甲乙丙，丁戊（己庚）", 3 * 10, 10, measure);
    for (const line of lines.slice(1)) expect("，。、）》").not.toContain(line[0]);
    for (const line of lines) expect("（《").not.toContain(line[line.length - 1]);
    expect(lines.join("")).toBe("甲乙丙，丁戊（己庚）");
  });

  it("splits a unit wider than the line, and honours explicit newlines", () => {
    expect(breakLines("ABCDEFGH", 2 * 10, 10, measure)).toEqual(["ABCD", "EFGH"]);
    expect(breakLines("一\n二", 100, 10, measure)).toEqual(["一", "二"]);
  });
});

const row = (i: number) => [String(i), `投标人${i}有限公司`, "1,000.00", "壹仟元整"];
const spec = (rows: number): DocumentSpec => ({
  documentId: "TEST-0001",
  title: "开标记录表",
  createdAt: new Date("2025-06-18T01:45:00Z"),
  blocks: [
    { type: "fields", rows: [["项目名称", "测试项目"]] },
    {
      type: "table",
      columns: [
        { header: "序号", width: 1, align: "center" },
        { header: "投标人名称", width: 3 },
        { header: "投标报价（元）", width: 2, align: "right" },
        { header: "大写", width: 2 },
      ],
      rows: Array.from({ length: rows }, (_, i) => row(i + 1)),
    },
  ],
});

describe("page layout", () => {
  it("puts a short document on one page with its footer", () => {
    const pages = layoutDocument(spec(3), measure);
    expect(pages).toHaveLength(1);
    expect(texts(pages[0]!.ops)).toEqual(expect.arrayContaining(["开标记录表", "文件编号：TEST-0001", "第 1 页 / 共 1 页"]));
  });

  it("breaks a long table across pages and repeats its header row on each", () => {
    const pages = layoutDocument(spec(120), measure);
    expect(pages.length).toBeGreaterThan(2);
    pages.forEach((page, i) => {
      const pageTexts = texts(page.ops);
      expect(pageTexts.filter((t) => t === "投标人名称")).toHaveLength(1);
      expect(pageTexts).toContain(`第 ${i + 1} 页 / 共 ${pages.length} 页`);
    });
    // every row exactly once, in order
    const names = pages.flatMap((page) => texts(page.ops)).filter((t) => /^投标人\d+有限公司$/.test(t));
    expect(names).toEqual(Array.from({ length: 120 }, (_, i) => `投标人${i + 1}有限公司`));
    // nothing drawn below the bottom margin except the footer
    for (const page of pages) {
      for (const op of page.ops) {
        if (op.kind === "rect") expect(op.y).toBeGreaterThanOrEqual(STYLE.marginBottom - 0.001);
        if (op.kind === "text" && !/页|文件编号/.test(op.text)) expect(op.y).toBeGreaterThan(STYLE.marginBottom);
      }
    }
  });

  it("splits only a row taller than a page, repeating the header above the rest", () => {
    const tall = "很长的备注".repeat(400);
    const pages = layoutDocument(
      {
        ...spec(0),
        blocks: [
          {
            type: "table",
            columns: [
              { header: "序号", width: 1 },
              { header: "说明", width: 3 },
            ],
            rows: [
              ["1", "短"],
              ["2", tall],
            ],
          },
        ],
      },
      measure,
    );
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(texts(page.ops)).toContain("说明");
    // The tall row's text arrives whole across the pages: 400 times "很长的备注".
    const cells = pages.flatMap((page) => texts(page.ops)).filter((t) => /^[很长的备注]+$/.test(t));
    expect(cells.join("")).toBe(tall);
  });

  it("right-aligns figures inside their cell", () => {
    const [page] = layoutDocument(spec(1), measure);
    const price = page!.ops.find((op) => op.kind === "text" && op.text === "1,000.00")!;
    const cellRight = STYLE.marginLeft + ((1 + 3 + 2) / 8) * (A4.width - STYLE.marginLeft - STYLE.marginRight);
    expect(price.kind === "text" && price.x + measure.width("1,000.00", price.size)).toBeCloseTo(cellRight - STYLE.cellPaddingX);
  });

  it("collects exactly the characters drawn", () => {
    const chars = charactersOf(layoutDocument(spec(1), measure));
    expect(chars).toContain("开");
    expect(chars).toContain("页");
    expect(chars).not.toContain("X");
    expect(new Set(chars).size).toBe([...chars].length);
  });
});
