import { documentPathProblem, type PathProblem } from "#app/crypto/bid-package/formats.ts";
import { validateCitizenId, type CitizenIdProblem } from "#app/domain/shared/citizen-id.ts";
import { fenToJson, validateYuan, type MoneyProblem } from "#app/domain/shared/money.ts";
import type { OpeningField, OpeningForm } from "#app/domain/tendering/opening-form.ts";

/**
 * What is wrong with each input of the sealing page, precisely enough to say it under the input
 * (decision 45): an ID number's length, a character and its position, the birth date or the check
 * digit; an amount's decimals or separators; an integer's range. The opening checks bid.json
 * against the section's JSON Schema (opening-form.ts); these checks are at least as strict, so a
 * bid the page lets through is never refused for its form at the opening.
 */
export type FieldValue = string | { name: string; idNumber: string };
export type FormValues = Record<string, FieldValue>;

export type FieldProblem =
  | { kind: "required" }
  | { kind: "money"; problem: Exclude<MoneyProblem, { kind: "empty" }> }
  | { kind: "integer" }
  | { kind: "range"; min?: number; max?: number }
  | { kind: "decimal"; scale: number }
  | { kind: "date" }
  | { kind: "choice" }
  | { kind: "tooLong"; max: number; length: number }
  | { kind: "control" }
  | { kind: "citizenId"; problem: CitizenIdProblem }
  /** A division code never starts with 0 (GB/T 2260); the opening's schema refuses it too. */
  | { kind: "divisionCode" };

/** Problems by input: a plain field by its key, a person's two inputs as `key.name` and `key.idNumber`. */
export type FormProblems = Record<string, FieldProblem>;

export const PERSON_NAME_MAX = 50;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function emptyValues(form: OpeningForm): FormValues {
  return Object.fromEntries(form.map((f) => [f.key, f.type === "person" ? { name: "", idNumber: "" } : ""]));
}

function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function textProblem(s: string, max: number): FieldProblem | null {
  if (CONTROL.test(s)) return { kind: "control" };
  const length = Array.from(s).length;
  return length > max ? { kind: "tooLong", max, length } : null;
}

function personProblems(field: OpeningField, v: { name: string; idNumber: string }, out: FormProblems) {
  const name = v.name.trim();
  const id = v.idNumber.trim();
  if (!name && !id) {
    if (field.required) out[`${field.key}.name`] = out[`${field.key}.idNumber`] = { kind: "required" };
    return;
  }
  const nameProblem = name ? textProblem(name, PERSON_NAME_MAX) : ({ kind: "required" } as const);
  if (nameProblem) out[`${field.key}.name`] = nameProblem;
  if (!id) {
    out[`${field.key}.idNumber`] = { kind: "required" };
    return;
  }
  const checked = validateCitizenId(id);
  if (!checked.ok) out[`${field.key}.idNumber`] = { kind: "citizenId", problem: checked.problem };
  else if (checked.value.startsWith("0")) out[`${field.key}.idNumber`] = { kind: "divisionCode" };
}

function valueProblem(field: Exclude<OpeningField, { type: "person" }>, s: string): FieldProblem | null {
  switch (field.type) {
    case "money": {
      const r = validateYuan(s);
      return r.ok || r.problem.kind === "empty" ? null : { kind: "money", problem: r.problem };
    }
    case "integer": {
      if (!/^-?(0|[1-9]\d*)$/.test(s) || !Number.isSafeInteger(Number(s))) return { kind: "integer" };
      const n = Number(s);
      const outside = (field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max);
      return outside
        ? { kind: "range", ...(field.min !== undefined ? { min: field.min } : {}), ...(field.max !== undefined ? { max: field.max } : {}) }
        : null;
    }
    case "decimal": {
      const pattern = field.scale === 0 ? /^-?(0|[1-9]\d*)$/ : new RegExp(`^-?(0|[1-9]\\d*)(\\.\\d{1,${field.scale}})?$`);
      return pattern.test(s) ? null : { kind: "decimal", scale: field.scale };
    }
    case "date":
      return isRealDate(s) ? null : { kind: "date" };
    case "enum":
      return field.options.includes(s) ? null : { kind: "choice" };
    case "text":
      return textProblem(s, field.maxLength);
  }
}

export function formProblems(form: OpeningForm, values: FormValues): FormProblems {
  const out: FormProblems = {};
  for (const f of form) {
    const v = values[f.key];
    if (f.type === "person") {
      personProblems(f, typeof v === "object" ? v : { name: "", idNumber: "" }, out);
      continue;
    }
    const s = typeof v === "string" ? v.trim() : "";
    if (s === "") {
      if (f.required) out[f.key] = { kind: f.type === "enum" ? "choice" : "required" };
      continue;
    }
    const p = valueProblem(f, s);
    if (p) out[f.key] = p;
  }
  return out;
}

/** bid.json `fields`: money as fen (decimal string), integers as numbers, empty optional fields left out. */
export function toBidFields(form: OpeningForm, values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of form) {
    const v = values[f.key];
    if (v === undefined) continue;
    if (f.type === "person") {
      const p = v as { name: string; idNumber: string };
      if (p.name.trim() || p.idNumber.trim()) out[f.key] = { name: p.name.trim(), idNumber: p.idNumber.trim().toUpperCase() };
      continue;
    }
    const s = (v as string).trim();
    if (s === "") continue;
    if (f.type === "money") {
      const parsed = validateYuan(s);
      if (parsed.ok) out[f.key] = fenToJson(parsed.value);
    } else if (f.type === "integer") out[f.key] = Number(s);
    else out[f.key] = s;
  }
  return out;
}

export type SecurityProblem =
  | { kind: "required"; security: "guarantee" | "credit-commitment" }
  | { kind: "control" }
  | { kind: "tooLong"; max: number; length: number };

export const SECURITY_REFERENCE_MAX = 200;

/** The bid security's number: required (the field is marked), one line, at most 200 characters (the upload's limit). */
export function securityProblem(kind: "guarantee" | "credit-commitment", reference: string): SecurityProblem | null {
  const s = reference.trim();
  if (!s) return { kind: "required", security: kind };
  return textProblem(s, SECURITY_REFERENCE_MAX) as SecurityProblem | null;
}

/**
 * A chosen file whose name the package format refuses (ARCHITECTURE.md §4: relative, NFC, no
 * control characters): some systems allow a backslash or a control character in a file name.
 */
export function documentProblem(file: { name: string }): PathProblem | null {
  return documentPathProblem(file.name.normalize("NFC"));
}
