/**
 * How production judges a secret from the environment (SESSION_SECRET, PKI_PASSPHRASE,
 * LEDGER_KEY_SECRET, ID_HASH_SECRET; decision 26). Each one protects something an attacker who
 * guesses it gets whole: forged sessions, the CA's and organisations' private keys, reversed ID
 * numbers. No rule can prove randomness; these refuse the secrets people actually type:
 * - at least {@link MIN_SECRET_LENGTH} characters (`openssl rand -base64 33` gives 44, `-hex 32` 64);
 * - a Shannon entropy of the characters of at least {@link MIN_BITS_PER_CHARACTER} bits each (a
 *   random hex string has about 3.9, base64 about 5; `aaaa…`, `abab…` and `Password1Password1…`
 *   fall far below);
 * - not one short piece repeated (`0123456789012345…` passes the entropy floor but is a period of 10);
 * - no placeholder word (`changeme`, `secret`, `example`…) copied from a sample configuration.
 * Returns the problem in words (never the secret), or undefined when the secret passes.
 */
export const MIN_SECRET_LENGTH = 32;
export const MIN_BITS_PER_CHARACTER = 3;
const PLACEHOLDERS = ["changeme", "change-me", "change_me", "password", "passphrase", "secret", "example", "placeholder", "default"];

/** Shannon entropy of the character distribution, in bits per character. */
export function bitsPerCharacter(value: string): number {
  const chars = [...value];
  if (chars.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** The shortest period when the value is one piece repeated (at least twice), else undefined. */
function repeatedPeriod(value: string): number | undefined {
  for (let period = 1; period <= value.length / 2; period++) {
    let periodic = true;
    for (let i = period; i < value.length && periodic; i++) periodic = value[i] === value[i - period];
    if (periodic) return period;
  }
  return undefined;
}

export function secretWeakness(value: string): string | undefined {
  const length = [...value].length;
  if (length < MIN_SECRET_LENGTH) return `it has ${length} characters; at least ${MIN_SECRET_LENGTH} are required`;
  const lower = value.toLowerCase();
  const placeholder = PLACEHOLDERS.find((w) => lower.includes(w));
  if (placeholder) return `it contains the placeholder word "${placeholder}"`;
  const period = repeatedPeriod(value);
  if (period !== undefined) return `it repeats the same ${period} character${period === 1 ? "" : "s"} over and over`;
  const bits = bitsPerCharacter(value);
  if (bits < MIN_BITS_PER_CHARACTER)
    return `its characters carry ${bits.toFixed(2)} bits of entropy each; at least ${MIN_BITS_PER_CHARACTER} are required (use random text, e.g. \`openssl rand -base64 33\`)`;
  return undefined;
}
