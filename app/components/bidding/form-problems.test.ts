import { describe, expect, it } from "vitest";
import { makeCitizenId } from "#app/domain/shared/citizen-id.ts";
import { DEFAULT_OPENING_FORM, type OpeningForm } from "#app/domain/tendering/opening-form.ts";
import { documentProblem, emptyValues, formProblems, securityProblem, toBidFields, type FormValues } from "./form-problems.ts";

const ID = makeCitizenId("35010219800101123");

function filled(overrides: Partial<FormValues> = {}): FormValues {
  return {
    price: "12,345,678.90",
    durationDays: "540",
    quality: "合格",
    projectManager: { name: "李建国", idNumber: ID },
    ...overrides,
  };
}

describe("what is wrong with each input of the opening form (decision 45)", () => {
  it("finds nothing wrong with a complete form, and turns it into bid.json fields", () => {
    expect(formProblems(DEFAULT_OPENING_FORM, filled())).toEqual({});
    expect(toBidFields(DEFAULT_OPENING_FORM, filled())).toEqual({
      price: "1234567890",
      durationDays: 540,
      quality: "合格",
      projectManager: { name: "李建国", idNumber: ID },
    });
  });

  it("marks every required input of an empty form, a person's name and number each on its own", () => {
    expect(formProblems(DEFAULT_OPENING_FORM, emptyValues(DEFAULT_OPENING_FORM))).toEqual({
      price: { kind: "required" },
      durationDays: { kind: "required" },
      quality: { kind: "choice" },
      "projectManager.name": { kind: "required" },
      "projectManager.idNumber": { kind: "required" },
    });
  });

  it("says what is wrong with an ID number: its length, a character and where, the birth date, the check digit", () => {
    const idProblem = (idNumber: string) =>
      formProblems(DEFAULT_OPENING_FORM, filled({ projectManager: { name: "李建国", idNumber } }))["projectManager.idNumber"];
    expect(idProblem(ID.slice(0, 17))).toEqual({ kind: "citizenId", problem: { kind: "length", length: 17 } });
    expect(idProblem(`${ID.slice(0, 5)}O${ID.slice(6)}`)).toEqual({
      kind: "citizenId",
      problem: { kind: "character", character: "O", position: 6 },
    });
    expect(idProblem(makeCitizenId("35010219800231123"))).toEqual({
      kind: "citizenId",
      problem: { kind: "birthDate", birthDate: "19800231" },
    });
    const wrongLast = ID.slice(0, 17) + (ID.endsWith("1") ? "2" : "1");
    expect(idProblem(wrongLast)).toMatchObject({ kind: "citizenId", problem: { kind: "checkDigit" } });
    // A valid checksum is not enough: the opening's schema refuses a number starting with 0.
    expect(idProblem(makeCitizenId("05010219800101123"))).toEqual({ kind: "divisionCode" });
    expect(idProblem(` ${ID.toLowerCase()} `)).toBeUndefined();
  });

  it("marks the name when only the number was given, and the number when only the name was", () => {
    expect(formProblems(DEFAULT_OPENING_FORM, filled({ projectManager: { name: " ", idNumber: ID } }))).toEqual({
      "projectManager.name": { kind: "required" },
    });
    expect(formProblems(DEFAULT_OPENING_FORM, filled({ projectManager: { name: "李建国", idNumber: "" } }))).toEqual({
      "projectManager.idNumber": { kind: "required" },
    });
  });

  it("says why an amount is not a price: decimals, separators, sign, format", () => {
    const price = (v: string) => formProblems(DEFAULT_OPENING_FORM, filled({ price: v })).price;
    expect(price("12,345,678.901")).toEqual({ kind: "money", problem: { kind: "decimals", decimals: 3 } });
    expect(price("1,23")).toEqual({ kind: "money", problem: { kind: "separators" } });
    expect(price("-5")).toEqual({ kind: "money", problem: { kind: "negative" } });
    expect(price("¥100")).toEqual({ kind: "money", problem: { kind: "format" } });
    expect(price("１００")).toEqual({ kind: "money", problem: { kind: "format" } });
  });

  it("holds integers to their range, at its exact bounds", () => {
    const days = (v: string) => formProblems(DEFAULT_OPENING_FORM, filled({ durationDays: v })).durationDays;
    expect(days("1")).toBeUndefined();
    expect(days("3650")).toBeUndefined();
    expect(days("0")).toEqual({ kind: "range", min: 1, max: 3650 });
    expect(days("3651")).toEqual({ kind: "range", min: 1, max: 3650 });
    expect(days("54.5")).toEqual({ kind: "integer" });
    expect(days("99999999999999999999")).toEqual({ kind: "integer" });
  });

  it("refuses control characters and over-long text, counting characters, not UTF-16 units", () => {
    const form: OpeningForm = [
      { key: "price", label: "投标报价", type: "money", required: true },
      { key: "note", label: "备注", type: "text", required: false, maxLength: 3 },
      { key: "startOn", label: "开工日期", type: "date", required: false },
    ];
    const note = (v: string) => formProblems(form, { price: "1", note: v, startOn: "" }).note;
    expect(note("𠀀𠀀𠀀")).toBeUndefined(); // three characters outside the BMP
    expect(note("四个汉字")).toEqual({ kind: "tooLong", max: 3, length: 4 });
    expect(note("a\u0000b")).toEqual({ kind: "control" });
    expect(formProblems(form, { price: "1", note: "", startOn: "2026-02-30" }).startOn).toEqual({ kind: "date" });
    expect(formProblems(form, { price: "1", note: "", startOn: "2028-02-29" }).startOn).toBeUndefined();
  });
});

describe("the bid security's number", () => {
  it("is required, naming what to fill in", () => {
    expect(securityProblem("guarantee", "  ")).toEqual({ kind: "required", security: "guarantee" });
    expect(securityProblem("credit-commitment", "")).toEqual({ kind: "required", security: "credit-commitment" });
    expect(securityProblem("guarantee", "BG-2026-000123")).toBeNull();
  });

  it("is one line of at most 200 characters", () => {
    expect(securityProblem("guarantee", "BG\n2026")).toEqual({ kind: "control" });
    expect(securityProblem("guarantee", "BG\u00002026")).toEqual({ kind: "control" });
    expect(securityProblem("guarantee", "B".repeat(200))).toBeNull();
    expect(securityProblem("guarantee", "B".repeat(201))).toEqual({ kind: "tooLong", max: 200, length: 201 });
  });
});

describe("a chosen file's name", () => {
  it("is refused where the package format refuses it", () => {
    expect(documentProblem({ name: "技术标.pdf" })).toBeNull();
    expect(documentProblem({ name: "a\\b.pdf" })).toBe("backslash");
    expect(documentProblem({ name: "a\u0001.pdf" })).toBe("control");
    expect(documentProblem({ name: `${"x".repeat(513)}.pdf` })).toBe("tooLong");
    expect(documentProblem({ name: "e\u0301.pdf" })).toBeNull(); // sealed under its NFC name
  });
});
