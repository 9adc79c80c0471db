import { describe, expect, it } from "vitest";
import { DEFAULT_OPENING_FORM, type OpeningForm } from "#app/domain/tendering/opening-form.ts";
import type { DecidedOutcome, DecryptionResult, DecryptionRule } from "./decryption.ts";
import { readingOutRows, ReadingOutInputError, type ReadingOutBid } from "./reading-out.ts";
import { t } from "./test-facts.ts";

const outcome = (result: DecryptionResult, rule: DecryptionRule, at: string): DecidedOutcome => ({
  decided: true,
  result,
  rule,
  at: t(at),
  incidentIds: [],
  reclassifications: [],
});

const ID_NUMBER = "11010519491231002X";
const fieldsOf = (price: string, manager = "张三") => ({
  price,
  durationDays: 365,
  quality: "合格",
  projectManager: { name: manager, idNumber: ID_NUMBER },
});

const haixia: ReadingOutBid = {
  bidderName: "福建海峡建设工程有限公司",
  bidderUscc: "91350100M000100Y43",
  outcome: outcome("decrypted", "DECRYPTED", "2026-12-10T02:09:00Z"),
  fields: fieldsOf("123456789"),
};
const minjiang: ReadingOutBid = {
  bidderName: "闽江路桥集团有限公司",
  bidderUscc: "91350100M000200A11",
  outcome: outcome("decrypted", "REMEDY_ACCEPTED", "2026-12-10T02:07:00Z"),
  fields: fieldsOf("100000000", "李四"),
};
const ludao: ReadingOutBid = {
  bidderName: "厦门鹭岛建筑有限公司",
  bidderUscc: "91350200M000300B22",
  outcome: outcome("deemedRevoked", "WRONG_KEY", "2026-12-10T02:35:00Z"),
  fields: null,
};
const anping: ReadingOutBid = {
  bidderName: "泉州安平建设有限公司",
  bidderUscc: "91350500M000400C33",
  outcome: outcome("deemedWithdrawn", "PLATFORM_INCIDENT", "2026-12-10T02:35:00Z"),
  fields: null,
};

describe("the reading-out", () => {
  it("reads each decrypted bid's price in figures and Chinese capitals, and the form's other fields", () => {
    const [row] = readingOutRows(DEFAULT_OPENING_FORM, [haixia]);
    expect(row).toEqual({
      order: 1,
      bidderName: "福建海峡建设工程有限公司",
      bidderUscc: "91350100M000100Y43",
      result: "decrypted",
      rule: "DECRYPTED",
      decidedAt: t("2026-12-10T02:09:00Z"),
      price: { fen: 123456789n, figures: "1,234,567.89", capitals: "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分" },
      fields: [
        { key: "durationDays", label: "工期（日历天）", type: "integer", display: "365" },
        { key: "quality", label: "质量标准", type: "enum", display: "合格" },
        { key: "projectManager", label: "项目经理", type: "person", display: "张三" },
      ],
    });
  });

  it("never shows a person's ID number", () => {
    const rows = readingOutRows(DEFAULT_OPENING_FORM, [haixia, minjiang]);
    const text = JSON.stringify(rows, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(text).not.toContain(ID_NUMBER);
    expect(text).toContain("李四");
  });

  it("lists decrypted bids in decryption order, then the others with their result and rule, ties by USCC", () => {
    const rows = readingOutRows(DEFAULT_OPENING_FORM, [anping, haixia, ludao, minjiang]);
    expect(rows.map((r) => [r.order, r.bidderUscc, r.result, r.rule])).toEqual([
      [1, minjiang.bidderUscc, "decrypted", "REMEDY_ACCEPTED"],
      [2, haixia.bidderUscc, "decrypted", "DECRYPTED"],
      [3, ludao.bidderUscc, "deemedRevoked", "WRONG_KEY"],
      [4, anping.bidderUscc, "deemedWithdrawn", "PLATFORM_INCIDENT"],
    ]);
    expect(rows[2]).toMatchObject({ price: null, fields: [] });
    // The same input in any order gives the same rows.
    expect(readingOutRows(DEFAULT_OPENING_FORM, [minjiang, ludao, haixia, anping])).toEqual(rows);
  });

  it("shows other money fields in figures and capitals, and an empty optional field as empty", () => {
    const form: OpeningForm = [
      { key: "price", label: "投标报价", type: "money", required: true },
      { key: "provisionalSum", label: "暂列金额", type: "money", required: false },
      { key: "note", label: "备注", type: "text", required: false, maxLength: 200 },
      { key: "rate", label: "下浮率（%）", type: "decimal", required: true, scale: 2 },
    ];
    const [row] = readingOutRows(form, [{ ...haixia, fields: { price: "0", provisionalSum: "1050000", rate: "3.50" } }]);
    expect(row?.price).toEqual({ fen: 0n, figures: "0.00", capitals: "零元整" });
    expect(row?.fields).toEqual([
      {
        key: "provisionalSum",
        label: "暂列金额",
        type: "money",
        display: "10,500.00",
        money: { fen: 1050000n, figures: "10,500.00", capitals: "壹万零伍佰元整" },
      },
      { key: "note", label: "备注", type: "text", display: null },
      { key: "rate", label: "下浮率（%）", type: "decimal", display: "3.50" },
    ]);
  });

  it("refuses input that would contradict itself", () => {
    expect(() => readingOutRows(DEFAULT_OPENING_FORM, [haixia, haixia])).toThrow(ReadingOutInputError);
    expect(() => readingOutRows(DEFAULT_OPENING_FORM, [{ ...haixia, fields: null }])).toThrow(/decrypted but has no fields/);
    expect(() => readingOutRows(DEFAULT_OPENING_FORM, [{ ...ludao, fields: fieldsOf("1") }])).toThrow(/not decrypted yet carries fields/);
    expect(() => readingOutRows(DEFAULT_OPENING_FORM, [{ ...haixia, fields: { ...fieldsOf("1"), price: 100 } }])).toThrow(
      ReadingOutInputError,
    );
  });
});
