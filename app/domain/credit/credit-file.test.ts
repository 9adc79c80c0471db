import { describe, expect, it } from "vitest";
import { parseCreditFile } from "./credit-file.ts";

const HEADER = "uscc,grade,effective_from,effective_to,source,reason,ban_scope,ban_until";

describe("credit file", () => {
  it("refuses a line with a NUL or another control character, naming the line, and imports nothing", () => {
    const file = [
      HEADER,
      "91350100M000100Y43,red,2026-01-01,,信用中国,年度评价,,",
      "91350100M000100Y43,black,2026-01-01,,法院\u0000,失信,,",
    ].join("\n");
    const { lines, problems } = parseCreditFile(file, "c.csv");
    expect(lines).toEqual([]);
    expect(problems).toMatchObject([{ line: 3 }]);
    expect(problems[0]!.zh).toContain("控制字符");
  });

  it("keeps a line break inside a quoted reason", () => {
    const file = [HEADER, '91350100M000100Y43,red,2026-01-01,,信用中国,"年度评价\n第二行",,'].join("\n");
    expect(parseCreditFile(file, "c.csv")).toMatchObject({ problems: [], lines: [{ reason: "年度评价\n第二行" }] });
  });
});
