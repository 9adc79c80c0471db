import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { compileOpeningForm, DEFAULT_OPENING_FORM, OpeningForm } from "./opening-form.ts";

const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(compileOpeningForm(DEFAULT_OPENING_FORM, "urn:bidhall:section:test"));
const good = {
  price: "1234567890",
  durationDays: 365,
  quality: "合格",
  projectManager: { name: "王建国", idNumber: "11010519491231002X" },
};

describe("the opening form", () => {
  it("compiles to a draft 2020-12 schema that accepts a well-formed bid", () => {
    expect(validate(good)).toBe(true);
  });

  it.each([
    ["a price in yuan with decimals", { ...good, price: "12345.67" }],
    ["a price with a leading zero", { ...good, price: "0123" }],
    ["a negative price", { ...good, price: "-1" }],
    ["a price as a number (floats never carry money)", { ...good, price: 1234567890 }],
    ["no price", (({ price: _p, ...rest }) => rest)(good)],
    ["a duration of zero days", { ...good, durationDays: 0 }],
    ["an option not offered", { ...good, quality: "特优" }],
    ["a malformed ID number", { ...good, projectManager: { name: "王建国", idNumber: "12345" } }],
    ["a field the form does not have", { ...good, discount: "5" }],
  ])("refuses %s", (_title, fields) => {
    expect(validate(fields)).toBe(false);
  });

  it("requires a required money field called price, and unique keys", () => {
    expect(OpeningForm.safeParse(DEFAULT_OPENING_FORM.filter((f) => f.key !== "price")).error?.issues[0]?.message).toBe(
      "openingForm.priceRequired",
    );
    expect(
      OpeningForm.safeParse([...DEFAULT_OPENING_FORM, { key: "price", label: "又一个", type: "money", required: true }]).error?.issues[0]
        ?.message,
    ).toBe("openingForm.duplicateKey");
    expect(OpeningForm.safeParse([{ key: "price", label: "报价", type: "money", required: false }]).success).toBe(false);
  });

  it("compiles decimals and text with their limits", () => {
    const schema = compileOpeningForm([
      { key: "price", label: "报价", type: "money", required: true },
      { key: "rate", label: "下浮率（%）", type: "decimal", required: true, scale: 2 },
      { key: "note", label: "备注", type: "text", required: false, maxLength: 10 },
      { key: "start", label: "开工日期", type: "date", required: false },
    ]);
    const v = ajv.compile(schema);
    expect(v({ price: "1", rate: "3.25", note: "好", start: "2026-12-01" })).toBe(true);
    expect(v({ price: "1", rate: "3.255" })).toBe(false);
    expect(v({ price: "1", rate: "3", note: "超过十个字符的备注内容啊" })).toBe(false);
    expect(v({ price: "1", rate: "3", start: "2026-02-30" })).toBe(false);
  });
});
