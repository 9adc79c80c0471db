import { describe, expect, it } from "vitest";
import { citizenIdCheckCharacter, citizenIdSchema, makeCitizenId, validateCitizenId } from "#app/domain/shared/citizen-id.ts";

// The two examples printed in GB 11643-1999.
const WITH_X = "11010519491231002X";
const BORN_1880 = "440524188001010014";

describe("validateCitizenId", () => {
  it.each([WITH_X, BORN_1880])("accepts the GB 11643 example %s", (id) => {
    expect(validateCitizenId(id)).toEqual({ ok: true, value: id });
  });

  it("normalises: trims and upper-cases the x", () => {
    expect(validateCitizenId(" 11010519491231002x ")).toEqual({ ok: true, value: WITH_X });
  });

  it.each([
    ["", 0],
    ["11010519491231002", 17],
    ["11010519491231002X1", 19],
    ["110105491231002", 15], // the old 15-digit form has no check digit: refused
  ])("refuses %j: length %i", (input, length) => {
    expect(validateCitizenId(input)).toEqual({ ok: false, problem: { kind: "length", length } });
  });

  it.each([
    ["X1010519491231002X", "X", 1],
    ["1101051949123100X2", "X", 17], // X only in the last position
    ["11010519491231002Y", "Y", 18],
    ["110105 9491231002X", " ", 7],
    ["11010519491231002０", "０", 18], // full-width digit
  ])("refuses %j: character %j at %i", (input, character, position) => {
    expect(validateCitizenId(input)).toEqual({
      ok: false,
      problem: { kind: "character", character, position },
    });
  });

  it.each([
    ["19000229", false], // 1900 is not a leap year
    ["20000229", true], // 2000 is
    ["20240229", true],
    ["20230229", false],
    ["19900431", false],
    ["19901231", true],
    ["19901301", false],
    ["19900001", false],
    ["19900100", false],
    ["18491231", false], // implausibly early
    ["18500101", true],
  ])("birth date %s real: %s", (birthDate, real) => {
    const id = makeCitizenId(`110105${birthDate}002`);
    expect(validateCitizenId(id)).toEqual(real ? { ok: true, value: id } : { ok: false, problem: { kind: "birthDate", birthDate } });
  });

  it("reports a wrong check character with the expected one", () => {
    expect(validateCitizenId("110105194912310021")).toEqual({
      ok: false,
      problem: { kind: "checkDigit", expected: "X", actual: "1" },
    });
  });

  it("catches a transposition of two adjacent digits", () => {
    expect(validateCitizenId("11010519491213002X")).toMatchObject({
      problem: { kind: "checkDigit" },
    });
  });
});

describe("citizenIdCheckCharacter / makeCitizenId", () => {
  it("computes the check characters of the examples", () => {
    expect(citizenIdCheckCharacter("11010519491231002")).toBe("X");
    expect(makeCitizenId("44052418800101001")).toBe(BORN_1880);
  });

  it("yields every check character 0–9 and X", () => {
    const seen = new Set<string>();
    for (let seq = 0; seq < 1000 && seen.size < 11; seq++) {
      seen.add(citizenIdCheckCharacter(`11010519900101${String(seq).padStart(3, "0")}`));
    }
    expect([...seen].sort().join("")).toBe("0123456789X");
  });

  it("refuses anything but 17 digits", () => {
    expect(() => citizenIdCheckCharacter("1101051949123100")).toThrow(RangeError);
    expect(() => citizenIdCheckCharacter("1101051949123100X")).toThrow(RangeError);
  });
});

describe("citizenIdSchema", () => {
  it("outputs the canonical number", () => {
    expect(citizenIdSchema.parse("11010519491231002x")).toBe(WITH_X);
  });

  it("reports a translatable issue with params", () => {
    const result = citizenIdSchema.safeParse(makeCitizenId("11010519490230002"));
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        code: "custom",
        message: "citizenId.birthDate",
        params: { birthDate: "19490230" },
      }),
    ]);
  });
});
