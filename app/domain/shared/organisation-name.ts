/**
 * Organisation names as people type them, made comparable (decision 22): Unicode NFKC (full-width
 * letters, digits, brackets and spaces become their ordinary forms: （福建） → (福建), ＡＢＣ → ABC),
 * trimmed, inner whitespace collapsed to one space. Characters that are invisible or reorder text
 * (zero-width spaces and joiners, bidi controls, other control characters) are refused, not
 * silently dropped: a name that looks the same as another but is not is how an impostor hides.
 *
 * Look-alike duplicates are found in the database (the generated column `organisations.name_key`,
 * db/migrations/0011): the NFKC form, lower-case, without whitespace and punctuation. Words are
 * never folded: 有限公司 and 有限责任公司 are different legal forms, and stay different.
 */
export type OrganisationNameProblem = "empty" | "invisible" | "control" | "tooLong";

export type NormalisedName = { ok: true; value: string } | { ok: false; problem: OrganisationNameProblem; codePoint?: string };

export const ORGANISATION_NAME_MAX = 200;

// Zero-width and invisible formatting characters: ZWSP, ZWNJ, ZWJ, word joiner, invisible operators,
// BOM / ZWNBSP, Mongolian vowel separator, soft hyphen, combining grapheme joiner, Hangul fillers.
// (The combining grapheme joiner U+034F stands outside the brackets: it would combine with its neighbour.)
const INVISIBLE = /[\u00ad\u115f\u1160\u180e\u200b-\u200d\u2060-\u2064\u3164\ufeff\uffa0]|\u034f/u;
// Bidirectional controls: marks (LRM, RLM, ALM), embeddings and overrides, isolates.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// Other control characters (C0, DEL, C1), line and paragraph separators, and tag characters.
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u2028\u2029\u{e0000}-\u{e007f}]/u;

const codePointOf = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

export function normaliseOrganisationName(raw: string): NormalisedName {
  for (const [pattern, problem] of [
    [INVISIBLE, "invisible"],
    [BIDI, "invisible"],
    [CONTROL, "control"],
  ] as const) {
    const found = pattern.exec(raw);
    if (found) return { ok: false, problem, codePoint: codePointOf(found[0]) };
  }
  const value = raw.normalize("NFKC").replace(/\s+/gu, " ").trim();
  // NFKC can produce what it did not get (rarely); check the result once more.
  const again = INVISIBLE.exec(value) ?? BIDI.exec(value) ?? CONTROL.exec(value);
  if (again) return { ok: false, problem: "invisible", codePoint: codePointOf(again[0]) };
  if (value.length === 0) return { ok: false, problem: "empty" };
  if (value.length > ORGANISATION_NAME_MAX) return { ok: false, problem: "tooLong" };
  return { ok: true, value };
}
