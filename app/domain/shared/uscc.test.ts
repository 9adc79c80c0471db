import { describe, expect, it } from "vitest";
import { z } from "zod";
import { makeUscc, USCC_ALPHABET, usccCheckCharacter, usccSchema, validateUscc } from "#app/domain/shared/uscc.ts";

const KNOWN = "91350100M000100Y43";

describe("validateUscc", () => {
  it("accepts the GB 32100 example", () => {
    expect(validateUscc(KNOWN)).toEqual({ ok: true, value: KNOWN });
  });

  it("normalises: trims and upper-cases", () => {
    expect(validateUscc("  91350100m000100y43\t")).toEqual({ ok: true, value: KNOWN });
  });

  it.each([
    ["", 0],
    ["91350100M000100Y4", 17],
    ["91350100M000100Y433", 19],
  ])("refuses %j: length %i", (input, length) => {
    expect(validateUscc(input)).toEqual({ ok: false, problem: { kind: "length", length } });
  });

  it("counts a full-width or astral character as one position", () => {
    expect(validateUscc("91350100M000100Y4３")).toEqual({
      ok: false,
      problem: { kind: "character", character: "３", position: 18 },
    });
    expect(validateUscc("9135010😀M000100Y43")).toEqual({
      ok: false,
      problem: { kind: "character", character: "😀", position: 8 },
    });
  });

  it.each(["I", "O", "S", "V", "Z", "i", "o", "-", " "])("refuses the character %j and names its 1-based position", (bad) => {
    const input = `91350100${bad}000100Y43`;
    expect(validateUscc(input)).toEqual({
      ok: false,
      problem: { kind: "character", character: bad, position: 9 },
    });
  });

  it("reports the first bad character at the boundaries (position 1 and 18)", () => {
    expect(validateUscc("O1350100M000100Y43")).toMatchObject({
      problem: { kind: "character", position: 1 },
    });
    expect(validateUscc("91350100M000100Y4I")).toMatchObject({
      problem: { kind: "character", character: "I", position: 18 },
    });
  });

  it("does not let upper-casing shift positions (ß → SS)", () => {
    expect(validateUscc("91350100ß000100Y43")).toEqual({
      ok: false,
      problem: { kind: "character", character: "ß", position: 9 },
    });
  });

  it("reports a wrong check character with the expected one", () => {
    expect(validateUscc("91350100M000100Y44")).toEqual({
      ok: false,
      problem: { kind: "checkDigit", expected: "3", actual: "4" },
    });
  });

  it("catches a transposition of two adjacent characters", () => {
    expect(validateUscc("91351000M000100Y43")).toMatchObject({ ok: false });
    expect(validateUscc("19350100M000100Y43")).toMatchObject({ ok: false });
  });

  it("accepts every check character value, including 0 (31 → 0) and Y (30)", () => {
    const seen = new Set<string>();
    for (let n = 0; seen.size < 31 && n < 100_000; n++) {
      const first17 = `913501${String(n).padStart(11, "0")}`;
      const code = makeUscc(first17);
      seen.add(code.charAt(17));
      expect(validateUscc(code)).toEqual({ ok: true, value: code });
    }
    expect([...seen].sort().join("")).toBe([...USCC_ALPHABET].sort().join(""));
  });
});

describe("usccCheckCharacter / makeUscc", () => {
  it("computes the example's check character", () => {
    expect(usccCheckCharacter("91350100M000100Y4")).toBe("3");
    expect(makeUscc("91350100m000100y4")).toBe(KNOWN);
  });

  it("gives 0 when the weighted sum is a multiple of 31", () => {
    expect(usccCheckCharacter("00000000000000000")).toBe("0");
  });

  it("refuses input that is not 17 USCC characters", () => {
    expect(() => usccCheckCharacter("91350100M000100Y")).toThrow(RangeError);
    expect(() => usccCheckCharacter("91350100I000100Y4")).toThrow(/"I"/);
  });
});

describe("usccSchema", () => {
  it("outputs the canonical code", () => {
    expect(usccSchema.parse(" 91350100m000100y43 ")).toBe(KNOWN);
  });

  it.each([
    ["91350100M000100Y4", "uscc.length", { length: 17 }],
    ["91350100I000100Y43", "uscc.character", { character: "I", position: 9 }],
    ["91350100M000100Y44", "uscc.checkDigit", { expected: "3", actual: "4" }],
  ])("reports %j as a translatable issue %s", (input, message, params) => {
    const result = usccSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ code: "custom", message, params, path: [] })]);
  });

  it("keeps the issue path inside an object schema", () => {
    const result = z.object({ bidderUscc: usccSchema }).safeParse({ bidderUscc: "x" });
    expect(result.error?.issues[0]).toMatchObject({
      message: "uscc.length",
      path: ["bidderUscc"],
    });
  });
});
