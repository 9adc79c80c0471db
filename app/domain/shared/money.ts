import { schemaFromValidation, type Validation } from "#app/domain/shared/validation.ts";

/**
 * Money is an integer number of fen (分, 0.01 yuan) held in a `bigint`: bid prices reach
 * billions of yuan, and a float cannot hold 0.1 exactly, let alone sum it. JSON carries fen as
 * a decimal string (`"123456789"`), since JSON numbers are doubles.
 *
 * Amounts here are never negative (prices, securities, payments) and at most
 * {@link MAX_FEN}: that keeps every amount inside a PostgreSQL `bigint` and inside the range
 * the Chinese capitals below are defined for (under 1 亿亿 yuan). Only {@link formatYuan}
 * accepts a negative value, to display a difference.
 */
export type Fen = bigint;

/** 9,999,999,999,999,999.99 yuan: the largest amount handled (18 digits of fen). */
export const MAX_FEN: Fen = 10n ** 18n - 1n;

export type MoneyProblem =
  /** Nothing but whitespace. */
  | { kind: "empty" }
  /** A minus sign: amounts are never negative. */
  | { kind: "negative" }
  /** Not a plain decimal number (letters, exponent, "+", ".5", "5.", leading zeros…). */
  | { kind: "format" }
  /** Thousands separators not in groups of three (`"1,23"`, `"12,3456"`) (yuan only). */
  | { kind: "separators" }
  /** More than two decimals: fen are the smallest unit, and rounding is not ours to guess. */
  | { kind: "decimals"; decimals: number }
  /** Above {@link MAX_FEN}; `max` is the limit in the unit of the input (yuan or fen). */
  | { kind: "tooLarge"; max: string };

/** Thrown by {@link parseYuan} and {@link parseFen}; `problem` says what is wrong. */
export class MoneyFormatError extends Error {
  override name = "MoneyFormatError";
  constructor(
    readonly input: string,
    readonly problem: MoneyProblem,
  ) {
    super(`Not an amount of money: ${JSON.stringify(input)} (${explain(problem)})`);
  }
}

function explain(problem: MoneyProblem): string {
  switch (problem.kind) {
    case "empty":
      return "empty";
    case "negative":
      return "negative amounts are not allowed";
    case "format":
      return "expected digits with at most two decimals, e.g. 1234567.89 or 1,234,567.89";
    case "separators":
      return "thousands separators must split the integer part into groups of three";
    case "decimals":
      return `${problem.decimals} decimals; at most 2 (fen) are allowed`;
    case "tooLarge":
      return `more than the maximum ${problem.max}`;
  }
}

/**
 * Checks an amount in yuan as a person types it: `"1234567.89"`, `"1,234,567.89"`, `"0.5"`,
 * `"100"`. Surrounding whitespace is ignored; nothing else is forgiven (no sign, no exponent,
 * no "¥", no full-width digits, no leading zeros, no rounding of a third decimal).
 */
export function validateYuan(input: string): Validation<Fen, MoneyProblem> {
  const s = input.trim();
  if (s === "") return { ok: false, problem: { kind: "empty" } };
  if (s.startsWith("-")) return { ok: false, problem: { kind: "negative" } };
  const match = /^([0-9][0-9,]*)(?:\.([0-9]+))?$/.exec(s);
  if (!match) return { ok: false, problem: { kind: "format" } };
  const [, integerPart = "", decimals = ""] = match;
  if (decimals.length > 2) {
    return { ok: false, problem: { kind: "decimals", decimals: decimals.length } };
  }
  if (integerPart.includes(",") && !/^[0-9]{1,3}(,[0-9]{3})+$/.test(integerPart)) {
    return { ok: false, problem: { kind: "separators" } };
  }
  const digits = integerPart.replaceAll(",", "");
  if (digits.length > 1 && digits.startsWith("0")) {
    return { ok: false, problem: { kind: "format" } }; // one spelling per amount: no "007"
  }
  const fen = BigInt(digits) * 100n + BigInt(decimals.padEnd(2, "0"));
  if (fen > MAX_FEN) return { ok: false, problem: { kind: "tooLarge", max: formatYuan(MAX_FEN) } };
  return { ok: true, value: fen };
}

/**
 * Checks the JSON form, a decimal string of fen in canonical form (`"0"`, `"123456789"`): no
 * whitespace, sign, separators or leading zeros, so that each amount has one spelling.
 */
export function validateFen(input: string): Validation<Fen, MoneyProblem> {
  if (input === "") return { ok: false, problem: { kind: "empty" } };
  if (input.startsWith("-")) return { ok: false, problem: { kind: "negative" } };
  if (!/^(0|[1-9][0-9]*)$/.test(input)) return { ok: false, problem: { kind: "format" } };
  const fen = BigInt(input);
  if (fen > MAX_FEN) return { ok: false, problem: { kind: "tooLarge", max: MAX_FEN.toString() } };
  return { ok: true, value: fen };
}

/** `parseYuan("1,234,567.89")` → `123456789n`; throws {@link MoneyFormatError}. */
export function parseYuan(input: string): Fen {
  const result = validateYuan(input);
  if (!result.ok) throw new MoneyFormatError(input, result.problem);
  return result.value;
}

/** `parseFen("123456789")` → `123456789n` (the JSON form); throws {@link MoneyFormatError}. */
export function parseFen(input: string): Fen {
  const result = validateFen(input);
  if (!result.ok) throw new MoneyFormatError(input, result.problem);
  return result.value;
}

/** The JSON form of an amount: `123456789n` → `"123456789"`. */
export function fenToJson(fen: Fen): string {
  assertAmount(fen, "fenToJson");
  return fen.toString();
}

/**
 * Figures for people: `123456789n` → `"1,234,567.89"`, always two decimals, no currency sign
 * (the page adds "¥" or "元" where it fits). A negative difference shows as `"-1,234.50"`.
 */
export function formatYuan(fen: Fen): string {
  if (typeof fen !== "bigint") throw new TypeError(`formatYuan needs a bigint, got ${typeof fen}`);
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${yuan}.${cents}`;
}

const DIGITS = "零壹贰叁肆伍陆柒捌玖";
const IN_GROUP = ["", "拾", "佰", "仟"] as const;

/**
 * The amount in Chinese capitals (人民币大写) as written on cheques, invoices, award notices
 * and contracts, where figures alone could be altered: `123456789n` →
 * `"壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"`. The caller prefixes "人民币" where the form does
 * not print it.
 *
 * The rules (《支付结算办法》附件一 and 《会计基础工作规范》Art 52), and the choices made
 * where they allow two spellings:
 * - Units: 拾佰仟 inside a group of four digits, 万 and 亿 between groups; 10^12 is 万亿 (the
 *   亿 is written even when the four digits below it are zero: 壹万亿元整). A leading 1 in the
 *   tens is written 壹拾, never bare 拾 (壹拾伍元整).
 * - 元 is written whenever there are whole yuan. Under one yuan there is no 零元:
 *   `5n` → 伍分, `50n` → 伍角整. Zero is 零元整.
 * - 整 follows an amount ending in 元 or 角 (the norm requires it after 角, the settlement rules
 *   allow it); never after 分.
 * - 零: one 零 for each run of zeros between two non-zero digits, including runs that cross
 *   万, 亿 or 元 (10,500 → 壹万零伍佰元整; 100.05 → 壹佰元零伍分; 1,680.32 →
 *   壹仟陆佰捌拾元零叁角贰分). Where the rules make this 零 optional (a zero in the 万 or 元
 *   position before a non-zero 仟 or 角), it is still written: writing it is always correct
 *   and leaves no gap to fill in. So 107,000.53 → 壹拾万零柒仟元零伍角叁分 (the rules'
 *   example shows one 零 or the other; both 零 are individually permitted). Trailing zeros
 *   give no 零 (壹佰万元整).
 *
 * Throws a RangeError for a negative amount or one above {@link MAX_FEN}.
 */
export function toChineseCapitals(fen: Fen): string {
  assertAmount(fen, "toChineseCapitals");
  if (fen === 0n) return "零元整";

  let out = "";
  let started = false; // a non-zero digit has been written
  let pendingZero = false; // zeros seen since the last non-zero digit
  const digit = (d: number, unit: string) => {
    if (d === 0) {
      pendingZero = started;
      return;
    }
    if (pendingZero) out += "零";
    out += DIGITS.charAt(d) + unit;
    started = true;
    pendingZero = false;
  };

  const yuan = fen / 100n;
  if (yuan > 0n) {
    const figures = yuan.toString();
    for (let i = 0; i < figures.length; i++) {
      const power = figures.length - 1 - i;
      digit(Number(figures.charAt(i)), IN_GROUP[power % 4]!);
      if (power === 8) {
        out += "亿"; // yuan has more than 8 digits, so something non-zero stands above
      } else if (power % 4 === 0 && power > 0 && (yuan / 10n ** BigInt(power)) % 10000n !== 0n) {
        out += "万"; // 10^4 or 10^12, only when its own group of four is not all zeros
      }
    }
    out += "元";
  }
  const jiao = Number((fen / 10n) % 10n);
  const fenDigit = Number(fen % 10n);
  digit(jiao, "角");
  digit(fenDigit, "分");
  return fenDigit === 0 ? `${out}整` : out;
}

function assertAmount(fen: Fen, where: string): void {
  if (typeof fen !== "bigint") throw new TypeError(`${where} needs a bigint, got ${typeof fen}`);
  if (fen < 0n) throw new RangeError(`${where}: negative amount ${fen} fen`);
  if (fen > MAX_FEN) throw new RangeError(`${where}: ${fen} fen is above the maximum ${MAX_FEN}`);
}

/**
 * Form schema for an amount typed in yuan; outputs fen. Issues: `money.empty`,
 * `money.negative`, `money.format`, `money.separators`, `money.decimals` `{ decimals }`,
 * `money.tooLarge` `{ max }` (issue shape: `ProblemIssueParams` in validation.ts).
 */
export const yuanSchema = schemaFromValidation("money", validateYuan);

/** JSON schema for fen as a decimal string; outputs fen. Same issues as {@link yuanSchema}. */
export const fenSchema = schemaFromValidation("money", validateFen);
