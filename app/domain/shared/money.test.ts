import { describe, expect, it } from "vitest";
import {
  fenSchema,
  fenToJson,
  formatYuan,
  MAX_FEN,
  MoneyFormatError,
  parseFen,
  parseYuan,
  toChineseCapitals,
  validateFen,
  validateYuan,
  yuanSchema,
} from "#app/domain/shared/money.ts";

describe("parseYuan", () => {
  it.each([
    ["1234567.89", 123456789n],
    ["1,234,567.89", 123456789n],
    ["0", 0n],
    ["0.00", 0n],
    ["0.5", 50n],
    ["0.05", 5n],
    ["0.01", 1n],
    ["100", 10000n],
    ["999", 99900n],
    ["1,000", 100000n],
    ["12,345.6", 1234560n],
    ["  42.10\n", 4210n],
    ["9999999999999999.99", MAX_FEN],
    ["9,999,999,999,999,999.99", MAX_FEN],
    // a float would be off here: 0.1 + 0.2, 1.15 × 100 = 114.99999999999999
    ["1.15", 115n],
    ["4.35", 435n],
  ])("%j → %s fen", (input, fen) => {
    expect(parseYuan(input)).toBe(fen);
  });

  it.each([
    ["", { kind: "empty" }],
    ["   ", { kind: "empty" }],
    ["-1", { kind: "negative" }],
    ["-0.01", { kind: "negative" }],
    ["+1", { kind: "format" }],
    ["1.", { kind: "format" }],
    [".5", { kind: "format" }],
    ["1e5", { kind: "format" }],
    ["1 000", { kind: "format" }],
    ["¥100", { kind: "format" }],
    ["１００", { kind: "format" }], // full-width digits
    ["00", { kind: "format" }],
    ["01.50", { kind: "format" }],
    ["0,100", { kind: "format" }],
    ["1.2.3", { kind: "format" }],
    ["1,000.5,0", { kind: "format" }],
    ["NaN", { kind: "format" }],
    ["1.234", { kind: "decimals", decimals: 3 }],
    ["0.001", { kind: "decimals", decimals: 3 }],
    ["1.10000", { kind: "decimals", decimals: 5 }],
    ["1,23", { kind: "separators" }],
    ["12,3456", { kind: "separators" }],
    ["1234,567", { kind: "separators" }],
    [",123", { kind: "format" }],
    ["123,", { kind: "separators" }],
    ["1,,234", { kind: "separators" }],
    ["10000000000000000", { kind: "tooLarge", max: "9,999,999,999,999,999.99" }],
  ])("refuses %j: %o", (input, problem) => {
    expect(validateYuan(input)).toEqual({ ok: false, problem });
    expect(() => parseYuan(input)).toThrow(MoneyFormatError);
  });

  it("names the input and the problem in its error", () => {
    expect(() => parseYuan("1.234")).toThrow('Not an amount of money: "1.234" (3 decimals; at most 2 (fen) are allowed)');
    try {
      parseYuan("-5");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MoneyFormatError);
      expect(e).toMatchObject({ input: "-5", problem: { kind: "negative" } });
    }
  });
});

describe("parseFen / fenToJson (the JSON form)", () => {
  it.each([
    ["0", 0n],
    ["1", 1n],
    ["123456789", 123456789n],
    ["999999999999999999", MAX_FEN],
  ])("%j ↔ %s", (json, fen) => {
    expect(parseFen(json)).toBe(fen);
    expect(fenToJson(fen)).toBe(json);
  });

  it.each([
    ["", { kind: "empty" }],
    ["-1", { kind: "negative" }],
    ["007", { kind: "format" }],
    [" 1", { kind: "format" }],
    ["1.00", { kind: "format" }],
    ["1,000", { kind: "format" }],
    ["1e3", { kind: "format" }],
    ["1000000000000000000", { kind: "tooLarge", max: "999999999999999999" }],
  ])("refuses %j: %o", (input, problem) => {
    expect(validateFen(input)).toEqual({ ok: false, problem });
    expect(() => parseFen(input)).toThrow(MoneyFormatError);
  });

  it("refuses to serialise a negative or oversized amount", () => {
    expect(() => fenToJson(-1n)).toThrow(RangeError);
    expect(() => fenToJson(MAX_FEN + 1n)).toThrow(RangeError);
  });
});

describe("formatYuan", () => {
  it.each([
    [0n, "0.00"],
    [1n, "0.01"],
    [10n, "0.10"],
    [100n, "1.00"],
    [99999n, "999.99"],
    [100000n, "1,000.00"],
    [123456789n, "1,234,567.89"],
    [100000000000n, "1,000,000,000.00"],
    [MAX_FEN, "9,999,999,999,999,999.99"],
    [-123450n, "-1,234.50"],
    [-5n, "-0.05"],
  ])("%s fen → %j", (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it("round-trips through parseYuan", () => {
    for (const fen of [0n, 7n, 1000n, 123456789n, 100000000001n, MAX_FEN]) {
      expect(parseYuan(formatYuan(fen))).toBe(fen);
    }
  });
});

describe("toChineseCapitals", () => {
  it("writes the examples of DOMAIN.md and the brief", () => {
    expect(toChineseCapitals(123456789n)).toBe("壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分");
    expect(toChineseCapitals(100n)).toBe("壹元整");
    expect(toChineseCapitals(0n)).toBe("零元整");
    expect(toChineseCapitals(10005n)).toBe("壹佰元零伍分");
    expect(toChineseCapitals(100000000n)).toBe("壹佰万元整");
    expect(toChineseCapitals(100050000n)).toBe("壹佰万零伍佰元整");
    expect(toChineseCapitals(10000000001n)).toBe("壹亿元零壹分");
    expect(toChineseCapitals(1000000000001n)).toBe("壹佰亿元零壹分");
  });

  // Each row checked by hand, digit by digit, against 《支付结算办法》附件一 and
  // 《会计基础工作规范》Art 52 (see the choices documented on toChineseCapitals).
  it.each([
    // under one yuan: no 零元; 整 after 角, never after 分
    ["0.01", "壹分"],
    ["0.09", "玖分"],
    ["0.10", "壹角整"],
    ["0.90", "玖角整"],
    ["0.11", "壹角壹分"],
    // units and 壹拾
    ["1", "壹元整"],
    ["1.50", "壹元伍角整"],
    ["1.05", "壹元零伍分"],
    ["10", "壹拾元整"],
    ["15", "壹拾伍元整"],
    ["101", "壹佰零壹元整"],
    ["110", "壹佰壹拾元整"],
    ["1,001", "壹仟零壹元整"],
    ["1,010", "壹仟零壹拾元整"],
    ["1,100", "壹仟壹佰元整"],
    // the rules' own examples (settlement rules, annex 1)
    ["1,409.50", "壹仟肆佰零玖元伍角整"], // rules: 壹仟肆佰零玖元伍角 (整 after 角 optional there, required by the norm)
    ["6,007.14", "陆仟零柒元壹角肆分"],
    ["1,680.32", "壹仟陆佰捌拾元零叁角贰分"], // 元 position zero, 角 not: 零 written
    ["107,000.53", "壹拾万零柒仟元零伍角叁分"], // both optional 零 written
    ["16,409.02", "壹万陆仟肆佰零玖元零贰分"], // 角 zero, 分 not: 零 required
    ["325.04", "叁佰贰拾伍元零肆分"],
    // 元 position zero before 角
    ["10.50", "壹拾元零伍角整"],
    ["100,000.50", "壹拾万元零伍角整"],
    ["5,000.06", "伍仟元零陆分"],
    // 万 group
    ["10,000", "壹万元整"],
    ["10,500", "壹万零伍佰元整"],
    ["11,000", "壹万壹仟元整"],
    ["100,005", "壹拾万零伍元整"],
    ["101,000", "壹拾万零壹仟元整"],
    ["200,100", "贰拾万零壹佰元整"],
    ["1,050,000", "壹佰零伍万元整"],
    ["20,000,000", "贰仟万元整"],
    ["1,000,500", "壹佰万零伍佰元整"],
    ["1,234,567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"],
    // 亿 group: 万 omitted when its four digits are zero
    ["100,000,000", "壹亿元整"],
    ["100,000,010", "壹亿零壹拾元整"],
    ["100,010,000", "壹亿零壹万元整"],
    ["100,101,000", "壹亿零壹拾万零壹仟元整"],
    ["102,000,000", "壹亿零贰佰万元整"],
    ["110,000,000", "壹亿壹仟万元整"],
    ["100,000,000.01", "壹亿元零壹分"],
    ["1,000,000,000", "壹拾亿元整"],
    ["10,000,000,000.01", "壹佰亿元零壹分"],
    ["12,345,678,901.20", "壹佰贰拾叁亿肆仟伍佰陆拾柒万捌仟玖佰零壹元贰角整"],
    // 万亿: 亿 kept even when the four digits under it are zero
    ["1,000,000,000,000", "壹万亿元整"],
    ["1,000,000,000,001", "壹万亿零壹元整"],
    ["1,000,010,000,000", "壹万亿零壹仟万元整"],
    ["1,000,100,000,000", "壹万零壹亿元整"],
    ["1,100,000,000,000", "壹万壹仟亿元整"],
    ["1,234,567,890,123.45", "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"],
    ["100,010,000,000,000", "壹佰万零壹佰亿元整"],
    ["9,999,999,999,999,999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"],
  ])("%s yuan → %s", (yuan, capitals) => {
    expect(toChineseCapitals(parseYuan(yuan))).toBe(capitals);
  });

  it("refuses a negative amount or one beyond 亿亿", () => {
    expect(() => toChineseCapitals(-1n)).toThrow(RangeError);
    expect(() => toChineseCapitals(MAX_FEN + 1n)).toThrow(/maximum/);
  });

  it("refuses a number (a float has no place in money)", () => {
    expect(() => toChineseCapitals(1.5 as unknown as bigint)).toThrow(TypeError);
  });
});

describe("yuanSchema / fenSchema", () => {
  it("parse to fen", () => {
    expect(yuanSchema.parse("1,234.50")).toBe(123450n);
    expect(fenSchema.parse("123450")).toBe(123450n);
  });

  it("report translatable issues", () => {
    expect(yuanSchema.safeParse("1.234").error?.issues).toEqual([
      expect.objectContaining({ message: "money.decimals", params: { decimals: 3 } }),
    ]);
    expect(fenSchema.safeParse("-3").error?.issues).toEqual([expect.objectContaining({ message: "money.negative", params: {} })]);
  });
});
