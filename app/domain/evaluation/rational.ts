/**
 * A tiny exact rational number over bigint (decision 65): price scores are ratios of prices
 * (fen) and must come out the same on every machine, so they are never floating point. Always
 * normalised: the denominator is positive and shares no factor with the numerator.
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const abs = (x: bigint) => (x < 0n ? -x : x);

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function rational(n: bigint | number, d: bigint | number = 1n): Rational {
  let num = BigInt(n);
  let den = BigInt(d);
  if (den === 0n) throw new RangeError("division by zero");
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den) || 1n;
  return { n: num / g, d: den / g };
}

export const ZERO = rational(0);
export const add = (a: Rational, b: Rational) => rational(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational) => rational(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational) => rational(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational) => rational(a.n * b.d, a.d * b.n);
export const cmp = (a: Rational, b: Rational): -1 | 0 | 1 => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};
export const max = (a: Rational, b: Rational) => (cmp(a, b) >= 0 ? a : b);
export const isExact = (r: Rational, places: number) => (r.n * 10n ** BigInt(places)) % r.d === 0n;

/** The value scaled by 10^places and rounded half away from zero: the stored "hundredths" of a score. */
export function toScaled(r: Rational, places: number): bigint {
  const scaled = r.n * 10n ** BigInt(places);
  const q = scaled / r.d;
  const rem = abs(scaled % r.d);
  if (rem * 2n >= r.d) return scaled < 0n ? q - 1n : q + 1n;
  return q;
}

/** A scaled integer as a decimal string: `formatScaled(2485n, 2)` → `"24.85"`. */
export function formatScaled(v: bigint, places: number): string {
  const neg = v < 0n;
  const digits = abs(v)
    .toString()
    .padStart(places + 1, "0");
  const int = digits.slice(0, digits.length - places);
  const frac = places > 0 ? `.${digits.slice(digits.length - places)}` : "";
  return `${neg ? "-" : ""}${int}${frac}`;
}

/** Rounded half away from zero to `places` decimals, e.g. `toFixed(rational(2, 3), 4)` → `"0.6667"`. */
export const toFixed = (r: Rational, places: number) => formatScaled(toScaled(r, places), places);
