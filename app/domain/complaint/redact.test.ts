import { describe, expect, it } from "vitest";
import { maskName, redactPersonalData } from "./redact.ts";

describe("maskName", () => {
  it.each([
    ["张三", "张＊"],
    ["李小明", "李＊＊"],
    ["欧阳娜娜", "欧阳＊＊"],
    ["John Smith", "J＊＊＊ S＊＊＊＊"],
  ])("%s → %s", (name, masked) => expect(maskName(name)).toBe(masked));
});

describe("redactPersonalData", () => {
  it("masks the named natural persons, ID numbers and phone numbers, and keeps organisations", () => {
    const text =
      "投诉人李小明（身份证号 11010519491231002X，电话 138 1234 5678、0591-87654321）称：某某建设集团有限公司的项目经理李小明之友王五提供虚假业绩。";
    const out = redactPersonalData({ text, personNames: ["李小明", "王五"] });
    expect(out).toBe(
      "投诉人李＊＊（身份证号 110105********002X，电话 138****5678、0591-****4321）称：某某建设集团有限公司的项目经理李＊＊之友王＊提供虚假业绩。",
    );
  });

  it("masks an ID-shaped number even with a wrong check digit, but not a longer run of digits or a USCC", () => {
    expect(redactPersonalData({ text: "号码110105194912310021。", personNames: [] })).toBe("号码110105********0021。");
    expect(redactPersonalData({ text: "编号 E3504219400202018001", personNames: [] })).toBe("编号 E3504219400202018001");
    expect(redactPersonalData({ text: "信用代码 91350100M000100Y43", personNames: [] })).toBe("信用代码 91350100M000100Y43");
  });

  it("masks mobile numbers with +86 and dashes", () => {
    expect(redactPersonalData({ text: "联系 +86-139-0000-1111 或 13900001111", personNames: [] })).toBe("联系 139****1111 或 139****1111");
  });

  it("leaves text without personal data alone", () => {
    const text = "开标时间为 2025年10月20日 09:30，最高限价 13,000,000.00 元。";
    expect(redactPersonalData({ text, personNames: [] })).toBe(text);
  });
});
