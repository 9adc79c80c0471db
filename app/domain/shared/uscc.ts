import { schemaFromValidation, type Validation } from "#app/domain/shared/validation.ts";

/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): the 18-character identifier of
 * every Chinese organisation. It names the bidder in bid packages, certificates
 * (organizationIdentifier) and receipts, so a mistyped code must be caught at the door, with a
 * message that says which character is wrong.
 *
 * Only the character set, the length and the final check character (position 18) are checked.
 * The structure inside (registration authority, category, division code, the organisation code
 * and its own GB 11714 check) is deliberately not: old and special codes vary, and the check
 * character already catches single-character typos and most transpositions.
 */

/** The 31 characters allowed, in value order (0–30): no I, O, S, V, Z. */
export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** Weights of positions 1–17: 3^(i−1) mod 31 for position i. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export const USCC_LENGTH = 18;

export type UsccProblem =
  /** Not 18 characters (after trimming). */
  | { kind: "length"; length: number }
  /** A character outside {@link USCC_ALPHABET}, as typed, with its 1-based position. */
  | { kind: "character"; character: string; position: number }
  /** Well formed, but the 18th character is not the one the first 17 call for. */
  | { kind: "checkDigit"; expected: string; actual: string };

export type UsccResult = Validation<string, UsccProblem>;

/**
 * Checks a USCC. Surrounding whitespace is ignored and letters are upper-cased, so the value
 * returned is the canonical form to store and compare. Problems are reported in the order a
 * person fixes them: length, then the first bad character, then the check character.
 */
export function validateUscc(input: string): UsccResult {
  const trimmed = input.trim();
  // Code points, so that a full-width or astral character counts as one position.
  const typed = Array.from(trimmed);
  if (typed.length !== USCC_LENGTH) {
    return { ok: false, problem: { kind: "length", length: typed.length } };
  }
  const value = asciiUpper(trimmed);
  for (let i = 0; i < typed.length; i++) {
    const c = typed[i]!;
    if (!USCC_ALPHABET.includes(asciiUpper(c))) {
      return { ok: false, problem: { kind: "character", character: c, position: i + 1 } };
    }
  }
  const expected = checkCharacter(value.slice(0, 17));
  const actual = value.charAt(17);
  if (expected !== actual) {
    return { ok: false, problem: { kind: "checkDigit", expected, actual } };
  }
  return { ok: true, value };
}

/**
 * The check character (position 18) for the first 17 characters: 31 − (Σ value × weight mod
 * 31), where 31 becomes 0. Throws on input that is not 17 characters of the alphabet, since
 * that is a programming error, not user input.
 */
export function usccCheckCharacter(first17: string): string {
  const upper = asciiUpper(first17);
  if (upper.length !== 17) {
    throw new RangeError(`usccCheckCharacter needs 17 characters, got ${first17.length}`);
  }
  for (const c of upper) {
    if (!USCC_ALPHABET.includes(c)) {
      throw new RangeError(`usccCheckCharacter: "${c}" is not a USCC character`);
    }
  }
  return checkCharacter(upper);
}

/**
 * The full 18-character code for 17 given characters; test factories use it to make valid
 * codes (e.g. `makeUscc("91350100M000100Y4")` → `"91350100M000100Y43"`).
 */
export function makeUscc(first17: string): string {
  return asciiUpper(first17) + usccCheckCharacter(first17);
}

/** Upper-cases a–z only: `"ß".toUpperCase()` is `"SS"`, which would shift positions. */
function asciiUpper(s: string): string {
  return s.replace(/[a-z]/g, (c) => c.toUpperCase());
}

/** Assumes 17 valid upper-case characters. */
function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += USCC_ALPHABET.indexOf(first17.charAt(i)) * WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET.charAt(check);
}

/**
 * Form/JSON schema: a string in, the canonical USCC out. Issues: `uscc.length` `{ length }`,
 * `uscc.character` `{ character, position }`, `uscc.checkDigit` `{ expected, actual }` (issue
 * shape: `ProblemIssueParams` in validation.ts).
 */
export const usccSchema = schemaFromValidation("uscc", validateUscc);
