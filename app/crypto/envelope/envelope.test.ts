/**
 * The shared format and the WebCrypto paths, checked against the openssl CLI both ways.
 * (Test code may use Node; the module under test may not.)
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeIdentities, makeTempDir, opensslCms, opensslOpen, opensslSeal } from "#test/fixtures/envelope/pki.ts";
import type { TestIdentity } from "#test/fixtures/envelope/pki.ts";
import {
  EnvelopeError,
  EnvelopeStreamParser,
  OID,
  buildEnvelopeHeader,
  formatName,
  formatSerialNumber,
  openWithContentKey,
  parseCertificate,
  parseEnvelope,
  parseEnvelopeHeader,
  sealWithWebCrypto,
  unwrapContentKeyWithWebCrypto,
} from "./index.ts";
import type { EnvelopeErrorCode } from "./index.ts";

let tmp: ReturnType<typeof makeTempDir>;
let ids: Record<"alice" | "bob" | "eve", TestIdentity>;
const subtle = globalThis.crypto.subtle;

async function oaepKey(id: TestIdentity): Promise<CryptoKey> {
  // As the browser holds it: non-extractable, RSA-OAEP SHA-256 (ARCHITECTURE.md §3).
  return subtle.importKey("pkcs8", id.pkcs8Der, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt"]);
}

async function openAs(envelope: Uint8Array, id: TestIdentity): Promise<Uint8Array> {
  const key = await unwrapContentKeyWithWebCrypto(envelope, id.certDer, await oaepKey(id));
  return openWithContentKey(envelope, key);
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: EnvelopeErrorCode): Promise<EnvelopeError> {
  let error: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(error, `expected EnvelopeError ${code}`).toBeInstanceOf(EnvelopeError);
  expect((error as EnvelopeError).code, (error as Error).message).toBe(code);
  return error as EnvelopeError;
}

function file(name: string, bytes?: Uint8Array): string {
  const p = join(tmp.dir, name);
  if (bytes !== undefined) writeFileSync(p, bytes);
  return p;
}

beforeAll(async () => {
  tmp = makeTempDir();
  ids = await makeIdentities(tmp.dir, ["alice", "bob", "eve"]);
}, 60_000);

afterAll(() => tmp?.cleanup());

describe("certificate fields", () => {
  it("reads issuer and serial verbatim, and formats them for people", () => {
    const c = parseCertificate(ids.alice.certDer);
    expect(formatName(c.issuer)).toBe("O=bidhall test,CN=bidhall test CA");
    expect(formatSerialNumber(c.serialNumber)).toBe("1000ABABABABABABABAB");
    expect(c.publicKeyAlgorithm).toBe(OID.rsaEncryption);
    expect(c.subjectKeyIdentifier?.length).toBe(20);
    // The issuer bytes occur verbatim in the certificate.
    expect(Buffer.from(ids.alice.certDer).includes(Buffer.from(c.issuer))).toBe(true);
  });
});

describe("header builder and parser", () => {
  it("builds a DER header whose lengths the parser agrees with", () => {
    const c = parseCertificate(ids.alice.certDer);
    const header = buildEnvelopeHeader({
      recipients: [{ issuer: c.issuer, serialNumber: c.serialNumber, encryptedKey: new Uint8Array(384).fill(7) }],
      nonce: new Uint8Array(12).fill(1),
      contentLength: 5_000_000_000, // > 2^32: lengths must not be 32-bit
    });
    const parsed = parseEnvelopeHeader(header);
    expect(parsed.headerLength).toBe(header.length);
    expect(parsed.encryptedContent).toEqual({ form: "primitive", length: 5_000_000_000 });
    expect(parsed.definiteLengths).toBe(true);
    expect(parsed.contentEncryption.icvLength).toBe(16);
    expect(parsed.enclosing.contentInfo).toBe(header.length + 5_000_000_000 + 18);
    // A shorter prefix is TRUNCATED, whatever its length.
    for (const n of [1, 2, 17, 200, header.length - 1]) {
      expect(() => parseEnvelopeHeader(header.subarray(0, n))).toThrow(/TRUNCATED/);
    }
  });
});

describe("WebCrypto seal ↔ openssl", () => {
  it("openssl cms -decrypt opens a WebCrypto envelope to identical bytes", async () => {
    const plain = randomBytes(100_000);
    const env = await sealWithWebCrypto(plain, [{ certificateDer: ids.alice.certDer }]);
    const out = opensslOpen({ inPath: file("wc.p7m", env), outPath: file("wc.out"), recipient: ids.alice });
    expect(out.equals(plain)).toBe(true);
    // And so do we.
    expect(Buffer.from(await openAs(env, ids.alice)).equals(plain)).toBe(true);
  });

  it("seals an empty plaintext", async () => {
    const env = await sealWithWebCrypto(new Uint8Array(0), [{ certificateDer: ids.alice.certDer }]);
    expect(opensslOpen({ inPath: file("empty.p7m", env), outPath: file("empty.out"), recipient: ids.alice }).length).toBe(0);
    expect((await openAs(env, ids.alice)).length).toBe(0);
  });

  for (const stream of [false, true]) {
    it(`opens an openssl -aes-256-gcm OAEP envelope${stream ? " (-stream, BER)" : ""}`, async () => {
      const plain = randomBytes(70_000);
      const inPath = file(`p${stream}.bin`, plain);
      const outPath = file(`o${stream}.p7m`);
      opensslSeal({ inPath, outPath, recipients: [ids.alice, ids.bob], stream });
      const env = readFileSync(outPath);
      const parsed = parseEnvelope(env);
      expect(parsed.header.encryptedContent.form).toBe(stream ? "constructed" : "primitive");
      expect(parsed.header.definiteLengths).toBe(!stream);
      expect(parsed.ciphertext.length).toBe(plain.length);
      expect(Buffer.from(await openAs(env, ids.alice)).equals(plain)).toBe(true);
      expect(Buffer.from(await openAs(env, ids.bob)).equals(plain)).toBe(true);
      await expectCode(openAs(env, ids.eve), "NO_RECIPIENT_FOR_CERTIFICATE");
    });
  }

  it("opens an openssl envelope whose recipients are named by subjectKeyIdentifier (-keyid)", async () => {
    const plain = randomBytes(1000);
    const inPath = file("keyid.bin", plain);
    const outPath = file("keyid.p7m");
    opensslSeal({ inPath, outPath, recipients: [ids.alice, ids.bob], keyid: true });
    const env = readFileSync(outPath);
    const { recipients } = parseEnvelopeHeader(env);
    expect(recipients.map((r) => r.kind === "keyTrans" && r.version)).toEqual([2, 2]);
    expect(Buffer.from(await openAs(env, ids.bob)).equals(plain)).toBe(true);
    await expectCode(openAs(env, ids.eve), "NO_RECIPIENT_FOR_CERTIFICATE");
  });

  it("parses a BER envelope fed one byte at a time", () => {
    const plain = randomBytes(9_000);
    const inPath = file("bytewise.bin", plain);
    const outPath = file("bytewise.p7m");
    opensslSeal({ inPath, outPath, recipients: [ids.alice], stream: true });
    const env = readFileSync(outPath);
    const whole = parseEnvelope(env);
    const parser = new EnvelopeStreamParser();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < env.length; i++) for (const s of parser.push(env.subarray(i, i + 1))) parts.push(new Uint8Array(s));
    const { mac, envelopeLength } = parser.finish();
    expect(Buffer.concat(parts).equals(Buffer.from(whole.ciphertext))).toBe(true);
    expect(Buffer.from(mac).equals(Buffer.from(whole.mac))).toBe(true);
    expect(envelopeLength).toBe(env.length);
  });
});

describe("recipients", () => {
  it("two recipients each open; a third certificate is refused", async () => {
    const plain = randomBytes(3000);
    const env = await sealWithWebCrypto(plain, [{ certificateDer: ids.alice.certDer }, { certificateDer: ids.bob.certDer }]);
    expect(parseEnvelope(env).header.recipients).toHaveLength(2);
    expect(Buffer.from(await openAs(env, ids.alice)).equals(plain)).toBe(true);
    expect(Buffer.from(await openAs(env, ids.bob)).equals(plain)).toBe(true);
    const err = await expectCode(openAs(env, ids.eve), "NO_RECIPIENT_FOR_CERTIFICATE");
    expect(err.message).toContain("1000ABABABABABABABAB".replace("1000", "1002"));
    expect(opensslOpen({ inPath: file("two.p7m", env), outPath: file("two.out"), recipient: ids.bob }).equals(plain)).toBe(true);
  });

  it("the wrong private key for a recipient's certificate is AUTHENTICATION_FAILED", async () => {
    const env = await sealWithWebCrypto(randomBytes(10), [{ certificateDer: ids.alice.certDer }]);
    await expectCode(unwrapContentKeyWithWebCrypto(env, ids.alice.certDer, await oaepKey(ids.bob)), "AUTHENTICATION_FAILED");
  });
});

describe("sealing refuses unusable certificates", () => {
  it("an EC certificate is UNSUPPORTED_ALGORITHM (no RSA key transport)", async () => {
    const key = file("ec.key");
    const cert = file("ec.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-subj",
        "/CN=ec",
        "-days",
        "1",
      ],
      { stdio: "pipe" },
    );
    const err = await expectCode(sealWithWebCrypto(new Uint8Array(1), [{ certificateDer: readFileSync(cert) }]), "UNSUPPORTED_ALGORITHM");
    expect(err.oid).toBe("1.2.840.10045.2.1");
  });

  it("garbage instead of a certificate is MALFORMED", async () => {
    await expectCode(sealWithWebCrypto(new Uint8Array(1), [{ certificateDer: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00) }]), "MALFORMED");
    await expect(sealWithWebCrypto(new Uint8Array(1), [])).rejects.toThrow(RangeError);
  });
});

describe("refusals", () => {
  let good: Uint8Array;
  let key: Uint8Array;
  const plain = randomBytes(5000);

  beforeAll(async () => {
    good = await sealWithWebCrypto(plain, [{ certificateDer: ids.alice.certDer }]);
    key = await unwrapContentKeyWithWebCrypto(good, ids.alice.certDer, await oaepKey(ids.alice));
  });

  it("a flipped ciphertext or tag byte is AUTHENTICATION_FAILED", async () => {
    const header = parseEnvelopeHeader(good);
    for (const at of [header.headerLength, header.headerLength + 2500, good.length - 1, good.length - 16]) {
      const bad = new Uint8Array(good);
      bad[at]! ^= 0x01;
      await expectCode(openWithContentKey(bad, key), "AUTHENTICATION_FAILED");
    }
    // A flipped nonce byte, too.
    const bad = new Uint8Array(good);
    const nonceAt = Buffer.from(bad).indexOf(Buffer.from(header.contentEncryption.nonce));
    bad[nonceAt]! ^= 0x80;
    await expectCode(openWithContentKey(bad, key), "AUTHENTICATION_FAILED");
    await expectCode(openWithContentKey(good, new Uint8Array(32)), "AUTHENTICATION_FAILED");
  });

  it("truncation is TRUNCATED wherever it falls", async () => {
    for (const n of [1, 10, 300, 700, good.length - 5000, good.length - 100, good.length - 17, good.length - 1]) {
      await expectCode(openWithContentKey(good.subarray(0, n), key), "TRUNCATED");
    }
  });

  it("trailing bytes are MALFORMED", async () => {
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    await expectCode(openWithContentKey(longer, key), "MALFORMED");
  });

  it("non-CMS input is NOT_CMS", async () => {
    await expectCode(openWithContentKey(new Uint8Array(0), key), "NOT_CMS");
    await expectCode(openWithContentKey(new TextEncoder().encode("PK\x03\x04 a zip"), key), "NOT_CMS");
    await expectCode(openWithContentKey(new TextEncoder().encode(ids.alice.certPem), key), "NOT_CMS");
    await expectCode(openWithContentKey(ids.alice.certDer, key), "NOT_CMS"); // a SEQUENCE, but not a ContentInfo
    const pem = opensslCms(["-cmsout", "-inform", "DER", "-outform", "PEM"], good);
    await expectCode(openWithContentKey(pem, key), "NOT_CMS");
  });

  it("EnvelopedData is WRONG_CONTENT_TYPE", async () => {
    const inPath = file("cbc.bin", plain);
    const outPath = file("cbc.p7m");
    opensslSeal({ inPath, outPath, recipients: [ids.alice], cipher: "-aes-256-cbc" });
    const err = await expectCode(openAs(readFileSync(outPath), ids.alice), "WRONG_CONTENT_TYPE");
    expect(err.oid).toBe(OID.envelopedData);
  });

  it("a PKCS#1 v1.5 recipient is UNSUPPORTED_ALGORITHM", async () => {
    const inPath = file("v15.bin", plain);
    const outPath = file("v15.p7m");
    opensslSeal({ inPath, outPath, recipients: [ids.alice], oaep: false });
    const err = await expectCode(openAs(readFileSync(outPath), ids.alice), "UNSUPPORTED_ALGORITHM");
    expect(err.oid).toBe(OID.rsaEncryption);
  });

  it("OAEP with SHA-1 (openssl's OAEP default) is UNSUPPORTED_ALGORITHM naming SHA-1", async () => {
    const inPath = file("sha1.bin", plain);
    const outPath = file("sha1.p7m");
    opensslSeal({ inPath, outPath, recipients: [ids.alice], oaep: "sha1" });
    const err = await expectCode(openAs(readFileSync(outPath), ids.alice), "UNSUPPORTED_ALGORITHM");
    expect(err.oid).toBe(OID.sha1);
  });

  it("AES-CBC (or AES-128-GCM) content encryption is UNSUPPORTED_ALGORITHM naming the OID", async () => {
    // Same-length OID edits: id-aes256-GCM (…1.46) → id-aes256-CBC (…1.42) / id-aes128-GCM (…1.6).
    const gcm = Uint8Array.of(0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2e);
    const at = Buffer.from(good).indexOf(Buffer.from(gcm));
    expect(at).toBeGreaterThan(0);
    for (const [last, oid] of [
      [0x2a, OID.aes256Cbc],
      [0x06, OID.aes128Gcm],
    ] as const) {
      const bad = new Uint8Array(good);
      bad[at + gcm.length - 1] = last;
      const err = await expectCode(openWithContentKey(bad, key), "UNSUPPORTED_ALGORITHM");
      expect(err.oid).toBe(oid);
    }
  });
});
