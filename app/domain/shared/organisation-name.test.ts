import { describe, expect, it } from "vitest";
import { normaliseOrganisationName } from "./organisation-name.ts";

describe("organisation names", () => {
  it.each([
    ["  福建海峡建设工程有限公司  ", "福建海峡建设工程有限公司"],
    ["（福建）海峡建设工程有限公司", "(福建)海峡建设工程有限公司"],
    ["ＡＢＣ　建设\t有限公司", "ABC 建设 有限公司"],
    ["福建  海峡\n\n建设", "福建 海峡 建设"],
    ["㈱海峡", "(株)海峡"],
  ])("normalises %j to %j", (raw, expected) => {
    expect(normaliseOrganisationName(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["a zero-width space", "福建海峡\u200b建设工程有限公司", "U+200B"],
    ["a zero-width joiner", "福建海峡\u200d建设", "U+200D"],
    ["a zero-width non-joiner", "福建\u200c海峡", "U+200C"],
    ["a word joiner", "福建\u2060海峡", "U+2060"],
    ["a byte-order mark", "\ufeff福建海峡", "U+FEFF"],
    ["a soft hyphen", "福建\u00ad海峡", "U+00AD"],
    ["a right-to-left override", "福建海峡\u202e司公限有", "U+202E"],
    ["a left-to-right mark", "福建\u200e海峡", "U+200E"],
    ["a right-to-left isolate", "福建\u2067海峡\u2069", "U+2067"],
    ["an Arabic letter mark", "福建\u061c海峡", "U+061C"],
    ["a Hangul filler", "福建\u3164海峡", "U+3164"],
    ["a combining grapheme joiner", "福建\u034f海峡", "U+034F"],
  ])("refuses %s, naming the character", (_what, raw, codePoint) => {
    expect(normaliseOrganisationName(raw)).toEqual({ ok: false, problem: "invisible", codePoint });
  });

  it("refuses control characters, a NUL byte among them", () => {
    expect(normaliseOrganisationName("福建\u0000海峡")).toEqual({ ok: false, problem: "control", codePoint: "U+0000" });
    expect(normaliseOrganisationName("福建\u0085海峡")).toEqual({ ok: false, problem: "control", codePoint: "U+0085" });
    expect(normaliseOrganisationName("福建\u{e0041}海峡")).toEqual({ ok: false, problem: "control", codePoint: "U+E0041" });
  });

  it("refuses what is empty after normalisation, and what is too long", () => {
    expect(normaliseOrganisationName(" \u3000\t ")).toEqual({ ok: false, problem: "empty" });
    expect(normaliseOrganisationName("建".repeat(201))).toEqual({ ok: false, problem: "tooLong" });
    expect(normaliseOrganisationName("建".repeat(200)).ok).toBe(true);
  });

  it("keeps different legal forms apart: 有限公司 is not 有限责任公司", () => {
    const a = normaliseOrganisationName("海峡建设有限公司");
    const b = normaliseOrganisationName("海峡建设有限责任公司");
    expect(a.ok && b.ok && a.value !== b.value).toBe(true);
  });
});
