/**
 * Personal data removed from a complaint decision before it is published (decision 0062), as
 * trading centres publish them: a natural person's name becomes its surname and ＊ (张＊＊), an ID
 * number keeps its first 6 and last 4 characters (350102********123X), a phone number its first 3
 * and last 4 digits (138****5678). Pure; the names to hide are given (they are known from the
 * complaint), ID and phone numbers are found in the text.
 */
export interface RedactionInput {
  text: string;
  /** Natural persons' names to hide (the complainant, people named in the decision). */
  personNames: readonly string[];
}

const MASK = "＊";

/** 张三 → 张＊, 欧阳娜娜 → 欧阳＊＊ (a two-character surname when the name has four characters). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return "";
  const surname = chars.length >= 4 ? 2 : 1;
  if (/^[\p{Script=Han}]+$/u.test(chars.join(""))) return chars.slice(0, surname).join("") + MASK.repeat(chars.length - surname);
  // A name in Latin letters: initials kept.
  return name
    .trim()
    .split(/\s+/)
    .map((w) => Array.from(w)[0] + MASK.repeat(Math.max(1, Array.from(w).length - 1)))
    .join(" ");
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** ID numbers: 17 digits and a digit or X, not inside a longer run of digits. */
const ID_PATTERN = /(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])/g;
/** Mobile numbers (1[3-9] + 9 digits), optionally +86, with spaces or dashes between groups. */
const MOBILE_PATTERN = /(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/g;
/** Fixed lines: an area code 0 + 2–3 digits, a dash or space, 7–8 digits. */
const LANDLINE_PATTERN = /(?<!\d)(0\d{2,3})[\s-](\d{7,8})(?!\d)/g;

export function redactPersonalData(input: RedactionInput): string {
  let text = input.text;
  // Longest names first, so 欧阳娜娜 is hidden before a shorter name inside it.
  const names = [...new Set(input.personNames.map((n) => n.trim()).filter((n) => Array.from(n).length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  for (const name of names) text = text.replace(new RegExp(escape(name), "g"), maskName(name));
  // Any 18-character run shaped like an ID number, valid check digit or not: a typo is still personal.
  text = text.replace(ID_PATTERN, (_w, area: string, _birth: string, tail: string) => `${area}${"*".repeat(8)}${tail.toUpperCase()}`);
  text = text.replace(MOBILE_PATTERN, (_w, a: string, _b: string, c: string) => `${a}****${c}`);
  text = text.replace(LANDLINE_PATTERN, (_w, area: string, num: string) => `${area}-${"*".repeat(num.length - 4)}${num.slice(-4)}`);
  return text;
}
