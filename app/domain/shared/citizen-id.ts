import { schemaFromValidation, type Validation } from "#app/domain/shared/validation.ts";

/**
 * Citizen identity number (公民身份号码, GB 11643-1999): 6-digit division code, 8-digit birth
 * date, 3-digit sequence, check character. A project manager's number feeds the collusion check
 * "same project manager" (条例 Art 40 (3)), so two spellings of one number must compare equal
 * (hence the upper-case X) and a typo must be refused rather than hashed.
 *
 * Only 18-character numbers are accepted: the old 15-digit numbers were replaced by 2013 and
 * carry no check digit. The division code is not checked (codes change; the check digit covers
 * typos).
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = "10X98765432";

export const CITIZEN_ID_LENGTH = 18;

/** Births before this year are not plausible for anyone holding an 18-digit number (1999 on). */
export const EARLIEST_BIRTH_YEAR = 1850;

export type CitizenIdProblem =
  /** Not 18 characters (after trimming). */
  | { kind: "length"; length: number }
  /** Not a digit in positions 1–17, or neither digit nor X in position 18 (1-based). */
  | { kind: "character"; character: string; position: number }
  /** Positions 7–14 are not a real date (YYYYMMDD as written), or it is implausibly early. */
  | { kind: "birthDate"; birthDate: string }
  /** Well formed, but the 18th character is not the one the first 17 call for. */
  | { kind: "checkDigit"; expected: string; actual: string };

export type CitizenIdResult = Validation<string, CitizenIdProblem>;

/**
 * Checks an 18-character citizen ID number. Surrounding whitespace is ignored and a lower-case
 * x is upper-cased, so the value returned is the canonical form to hash and compare. Problems
 * come in the order a person fixes them: length, first bad character, birth date, check digit.
 * The birth date is not compared with today (that needs a clock; a service may add it).
 */
export function validateCitizenId(input: string): CitizenIdResult {
  const trimmed = input.trim();
  const typed = Array.from(trimmed);
  if (typed.length !== CITIZEN_ID_LENGTH) {
    return { ok: false, problem: { kind: "length", length: typed.length } };
  }
  for (let i = 0; i < typed.length; i++) {
    const c = typed[i]!;
    const allowed = i < 17 ? /^[0-9]$/ : /^[0-9Xx]$/;
    if (!allowed.test(c)) {
      return { ok: false, problem: { kind: "character", character: c, position: i + 1 } };
    }
  }
  const value = trimmed.toUpperCase(); // only digits and x/X by now
  const birthDate = value.slice(6, 14);
  if (!isPlausibleBirthDate(birthDate)) {
    return { ok: false, problem: { kind: "birthDate", birthDate } };
  }
  const expected = checkCharacter(value.slice(0, 17));
  const actual = value.charAt(17);
  if (expected !== actual) {
    return { ok: false, problem: { kind: "checkDigit", expected, actual } };
  }
  return { ok: true, value };
}

/**
 * The check character for the first 17 digits: `"10X98765432"[Σ digit × weight mod 11]`.
 * Throws on anything but 17 ASCII digits (a programming error, not user input).
 */
export function citizenIdCheckCharacter(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) {
    throw new RangeError(`citizenIdCheckCharacter needs 17 digits, got "${first17}"`);
  }
  return checkCharacter(first17);
}

/**
 * The full number for 17 given digits; test factories use it to make valid numbers
 * (`makeCitizenId("11010519491231002")` → `"11010519491231002X"`). Does not check the date.
 */
export function makeCitizenId(first17: string): string {
  return first17 + citizenIdCheckCharacter(first17);
}

function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * WEIGHTS[i]!;
  return CHECK_CHARACTERS.charAt(sum % 11);
}

/** YYYYMMDD is a real Gregorian date from {@link EARLIEST_BIRTH_YEAR} on. */
function isPlausibleBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < EARLIEST_BIRTH_YEAR || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= daysInMonth;
}

/**
 * Form/JSON schema: a string in, the canonical number out. Issues: `citizenId.length`
 * `{ length }`, `citizenId.character` `{ character, position }`, `citizenId.birthDate`
 * `{ birthDate }`, `citizenId.checkDigit` `{ expected, actual }` (issue shape:
 * `ProblemIssueParams` in validation.ts).
 */
export const citizenIdSchema = schemaFromValidation("citizenId", validateCitizenId);
