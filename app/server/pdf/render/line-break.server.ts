/**
 * Line breaking for mixed Chinese and Latin text, measured through a `Measurer` so it needs no
 * font objects.
 */

export interface Measurer {
  /** Advance width of `text` at `size` points. */
  width(text: string, size: number): number;
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFE30-\uFE4F\uFF00-\uFFEF]/u;
// 禁则 (GB/T 15834 practice): these never start a line …
const NO_LINE_START = new Set([..."，。、；：？！）》」』】〕〉’”…—～·%‰℃,.;:?!)]}"]);
// … and these never end one.
const NO_LINE_END = new Set([..."（《「『【〔〈‘“([{"]);

/**
 * Units that may not be split across lines: one ideograph each (CJK wraps per character), a run
 * of other non-space characters (a Latin word, a number such as 12,345,678.90), or a space.
 * Punctuation that may not start a line is glued to the unit before it, and opening brackets to
 * the unit after them.
 */
export function breakUnits(text: string): string[] {
  const raw: string[] = [];
  let word = "";
  for (const ch of text) {
    if (ch === " " || WIDE.test(ch)) {
      if (word) raw.push(word);
      word = "";
      raw.push(ch);
    } else {
      word += ch;
    }
  }
  if (word) raw.push(word);

  const units: string[] = [];
  let carry = "";
  for (const unit of raw) {
    const first = [...unit][0]!;
    const previous = units[units.length - 1];
    if (NO_LINE_START.has(first) && previous !== undefined && previous !== " " && !carry) {
      units[units.length - 1] = previous + unit;
    } else if (unit.length === 1 && NO_LINE_END.has(unit)) {
      carry += unit;
    } else {
      units.push(carry + unit);
      carry = "";
    }
  }
  if (carry) units.push(carry);
  return units;
}

/** Greedy line filling; a unit wider than the line is split per character. */
export function breakLines(text: string, maxWidth: number, size: number, measure: Measurer): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\t/g, " ").split(/\r?\n/)) {
    let line = "";
    let pendingSpace = false;
    const push = () => {
      lines.push(line);
      line = "";
      pendingSpace = false;
    };
    for (const unit of breakUnits(paragraph)) {
      if (unit === " ") {
        if (line) pendingSpace = true;
        continue;
      }
      const candidate = line + (pendingSpace ? " " : "") + unit;
      if (measure.width(candidate, size) <= maxWidth) {
        line = candidate;
        pendingSpace = false;
        continue;
      }
      if (line) push();
      if (measure.width(unit, size) <= maxWidth) {
        line = unit;
        continue;
      }
      for (const ch of unit) {
        if (line && measure.width(line + ch, size) > maxWidth) push();
        line += ch;
      }
    }
    lines.push(line);
  }
  return lines;
}
