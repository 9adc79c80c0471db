/**
 * Fuzz: mutated envelopes (bit flips, truncations, length-field edits, insertions, deletions,
 * swapped recipients) of a small plaintext through the parser and the one-shot opener. Each
 * must open to the original bytes or be refused with an EnvelopeError; nothing else may escape
 * (no RangeError from a bad length, no OperationError from WebCrypto, no hang, no huge
 * allocation). Deterministic: a seeded PRNG, the seed in every failure message.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeIdentities, makeTempDir, opensslSeal } from "#test/fixtures/envelope/pki.ts";
import type { TestIdentity } from "#test/fixtures/envelope/pki.ts";
import { decodeTlvHeader, encodeLength } from "./der.ts";
import {
  EnvelopeError,
  EnvelopeStreamParser,
  openWithContentKey,
  parseEnvelope,
  sealWithWebCrypto,
  unwrapContentKeyWithWebCrypto,
} from "./index.ts";

const SEED = 0x5eed_b1d;

/** mulberry32: small, fast, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Tlv {
  offset: number;
  headerLength: number;
  length: number | null;
}

/** Every TLV of the envelope outside the ciphertext, for length-field edits. */
function walkTlvs(b: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  const walk = (start: number, end: number | null, depth: number): number => {
    let pos = start;
    while (pos < (end ?? b.length) && depth < 20) {
      const h = decodeTlvHeader(b, pos);
      if (h === null) return b.length;
      if (h.tag === 0 && h.length === 0 && end === null) return pos + 2;
      out.push({ offset: pos, headerLength: h.headerLength, length: h.length });
      if (h.constructed) {
        const inner = walk(h.valueOffset, h.length === null ? null : h.valueOffset + h.length, depth + 1);
        pos = h.length === null ? inner : h.valueOffset + h.length;
      } else {
        pos = h.valueOffset + h.length!;
      }
    }
    return pos;
  };
  walk(0, null, 0);
  return out;
}

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

interface Base {
  name: string;
  bytes: Uint8Array;
  key: Uint8Array;
  tlvs: Tlv[];
  /** [start, end) of the two KeyTransRecipientInfos and of their encryptedKey contents. */
  recipients: { start: number; end: number; keyStart: number; keyEnd: number }[];
}

function mutate(base: Base, rnd: () => number): { kind: string; bytes: Uint8Array } {
  const b = base.bytes;
  const int = (n: number) => Math.floor(rnd() * n);
  // Half the edits land in the header, where the parser has work to do.
  const headerEnd = base.recipients[base.recipients.length - 1]!.end + 80;
  const pos = () => (rnd() < 0.5 ? int(Math.min(headerEnd, b.length)) : int(b.length));
  const kind = int(8);
  switch (kind) {
    case 0: {
      const m = new Uint8Array(b);
      for (let k = 1 + int(3); k > 0; k--) m[pos()]! ^= 1 << int(8);
      return { kind: "bit-flip", bytes: m };
    }
    case 1:
      return { kind: "truncate", bytes: b.subarray(0, int(b.length)) };
    case 2: {
      const m = new Uint8Array(b);
      m[pos()] = int(256);
      return { kind: "byte", bytes: m };
    }
    case 3:
    case 4: {
      const t = base.tlvs[int(base.tlvs.length)]!;
      const lengthAt = t.offset + 1;
      const oldLengthOctets = t.headerLength - 1;
      const old = t.length ?? 0;
      const choices = [
        () => encodeLength(Math.max(0, old + (rnd() < 0.5 ? -1 : 1))),
        () => encodeLength(Math.max(0, old + int(64) - 32)),
        () => encodeLength(int(0x7fffffff)),
        () => encodeLength(2 ** 40 + int(1000)),
        () => encodeLength(0),
        () => Uint8Array.of(0x80), // indefinite
        () => Uint8Array.of(0x82, (old >> 8) & 0xff, old & 0xff), // non-minimal
        () => Uint8Array.of(0xff),
        () => Uint8Array.of(0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
      ];
      return { kind: "length", bytes: splice(b, lengthAt, oldLengthOctets, choices[int(choices.length)]!()) };
    }
    case 5: {
      // Swap the encrypted keys of the two recipients (equal lengths under RSA-3072).
      const [r0, r1] = base.recipients as [Base["recipients"][0], Base["recipients"][0]];
      const m = new Uint8Array(b);
      m.set(b.subarray(r1.keyStart, r1.keyEnd), r0.keyStart);
      m.set(b.subarray(r0.keyStart, r0.keyEnd), r1.keyStart);
      // …and sometimes flip a bit too, so it is not always the same envelope.
      if (rnd() < 0.5) m[pos()]! ^= 1 << int(8);
      return { kind: "swap-keys", bytes: m };
    }
    case 6: {
      // Swap the two recipient infos whole (order within a SET OF does not matter).
      const [r0, r1] = base.recipients as [Base["recipients"][0], Base["recipients"][0]];
      const m = new Uint8Array(b);
      const first = b.subarray(r1.start, r1.end);
      const second = b.subarray(r0.start, r0.end);
      m.set(first, r0.start);
      m.set(second, r0.start + first.length);
      if (rnd() < 0.3) m[pos()]! ^= 1 << int(8);
      return { kind: "swap-recipients", bytes: m };
    }
    default: {
      const at = pos();
      return rnd() < 0.5
        ? { kind: "insert", bytes: splice(b, at, 0, Uint8Array.of(int(256))) }
        : { kind: "delete", bytes: splice(b, at, 1 + int(4), new Uint8Array(0)) };
    }
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

let tmp: ReturnType<typeof makeTempDir>;
let ids: Record<"alice" | "bob", TestIdentity>;
let aliceKey: CryptoKey;
const plain = randomBytes(2048);
const bases: Base[] = [];

async function makeBase(name: string, envelope: Uint8Array): Promise<Base> {
  // A plain Uint8Array: on a Buffer, `slice` would be a view and mutations would leak into the base.
  const bytes = new Uint8Array(envelope);
  const parsed = parseEnvelope(bytes);
  const key = await unwrapContentKeyWithWebCrypto(parsed.header, ids.alice.certDer, aliceKey);
  const tlvs = walkTlvs(bytes);
  const recipients = parsed.header.recipients.map((r) => {
    const start = r.offset;
    const h = decodeTlvHeader(bytes, start)!;
    const end = h.valueOffset + h.length!;
    const ek = r.kind === "keyTrans" ? r.encryptedKey : new Uint8Array(0);
    const keyEnd = end; // encryptedKey is the last field of a KeyTransRecipientInfo
    return { start, end, keyStart: keyEnd - ek.length, keyEnd };
  });
  return { name, bytes, key, tlvs, recipients };
}

beforeAll(async () => {
  tmp = makeTempDir();
  ids = await makeIdentities(tmp.dir, ["alice", "bob"]);
  aliceKey = await globalThis.crypto.subtle.importKey("pkcs8", ids.alice.pkcs8Der, { name: "RSA-OAEP", hash: "SHA-256" }, false, [
    "decrypt",
  ]);
  const recipients = [{ certificateDer: ids.alice.certDer }, { certificateDer: ids.bob.certDer }];
  bases.push(await makeBase("webcrypto-der", await sealWithWebCrypto(plain, recipients)));
  const inPath = join(tmp.dir, "plain.bin");
  writeFileSync(inPath, plain);
  for (const [name, stream, keyid] of [
    ["openssl-der", false, false],
    ["openssl-ber", true, false],
    ["openssl-ber-keyid", true, true],
  ] as const) {
    const outPath = join(tmp.dir, `${name}.p7m`);
    opensslSeal({ inPath, outPath, recipients: [ids.alice, ids.bob], stream, keyid });
    bases.push(await makeBase(name, readFileSync(outPath)));
  }
}, 60_000);

afterAll(() => tmp?.cleanup());

describe("fuzz", () => {
  it("10,000 mutated envelopes: the original bytes or an EnvelopeError, nothing else", async () => {
    const rnd = prng(SEED);
    const outcomes = new Map<string, number>();
    const failures: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const base = bases[i % bases.length]!;
      const { kind, bytes } = mutate(base, rnd);
      const where = `seed ${SEED} #${i} ${base.name} ${kind}`;
      let outcome: string;
      try {
        // The streaming parser on a random split, then the one-shot opener.
        const parser = new EnvelopeStreamParser();
        const cut = Math.floor(rnd() * (bytes.length + 1));
        let streamed = 0;
        try {
          for (const s of parser.push(bytes.subarray(0, cut))) streamed += s.length;
          for (const s of parser.push(bytes.subarray(cut))) streamed += s.length;
          parser.finish();
        } catch (e) {
          if (!(e instanceof EnvelopeError)) throw e;
        }
        const opened = await openWithContentKey(bytes, base.key);
        if (!equal(opened, plain)) failures.push(`${where}: opened to different bytes`);
        if (streamed !== plain.length) failures.push(`${where}: stream parser saw ${streamed} ciphertext bytes`);
        outcome = "opened";
      } catch (e) {
        if (!(e instanceof EnvelopeError)) {
          failures.push(`${where}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
          continue;
        }
        outcome = e.code;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(failures.slice(0, 20)).toEqual([]);
    // The mutations reached every layer.
    for (const code of ["opened", "MALFORMED", "TRUNCATED", "AUTHENTICATION_FAILED", "NOT_CMS", "UNSUPPORTED_ALGORITHM"]) {
      expect(outcomes.get(code) ?? 0, `${code} in ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
    }
  }, 60_000);

  it("300 mutated envelopes through the full RSA-OAEP unwrap", async () => {
    const rnd = prng(SEED + 1);
    const failures: string[] = [];
    const codes = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const base = bases[i % bases.length]!;
      const { kind, bytes } = mutate(base, rnd);
      try {
        const key = await unwrapContentKeyWithWebCrypto(bytes, ids.alice.certDer, aliceKey);
        const opened = await openWithContentKey(bytes, key);
        if (!equal(opened, plain)) failures.push(`seed ${SEED + 1} #${i} ${kind}: opened to different bytes`);
        codes.add("opened");
      } catch (e) {
        if (e instanceof EnvelopeError) codes.add(e.code);
        else failures.push(`seed ${SEED + 1} #${i} ${base.name} ${kind}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(codes.has("AUTHENTICATION_FAILED")).toBe(true); // swapped keys fail the OAEP unwrap
    expect(codes.has("opened")).toBe(true);
  }, 60_000);
});
