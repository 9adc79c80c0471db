/**
 * The Node streaming sealer/opener against the openssl CLI and the WebCrypto path, and the
 * refusals (with no output left behind).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EnvelopeError,
  OID,
  openWithContentKey as openInMemory,
  parseEnvelopeHeader,
  sealWithWebCrypto,
  unwrapContentKeyWithWebCrypto,
} from "#app/crypto/envelope/index.ts";
import type { EnvelopeErrorCode } from "#app/crypto/envelope/index.ts";
import { makeIdentities, makeTempDir, opensslCms, opensslOpen, opensslSeal } from "#test/fixtures/envelope/pki.ts";
import type { TestIdentity } from "#test/fixtures/envelope/pki.ts";
import { inspectEnvelope, openFile, openWithContentKey, sealFile, sealStream, unwrapContentKey } from "./index.server.ts";

let tmp: ReturnType<typeof makeTempDir>;
let ids: Record<"alice" | "bob" | "eve", TestIdentity>;
let n = 0;

function path(name: string): string {
  return join(tmp.dir, `${n++}-${name}`);
}

function write(name: string, bytes: Uint8Array): string {
  const p = path(name);
  writeFileSync(p, bytes);
  return p;
}

async function expectCode(p: Promise<unknown>, code: EnvelopeErrorCode): Promise<EnvelopeError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected EnvelopeError ${code}`).toBeInstanceOf(EnvelopeError);
  expect((error as EnvelopeError).code, (error as Error).message).toBe(code);
  return error as EnvelopeError;
}

/** No output and no temporary file beside it. */
function expectNothingAt(outPath: string): void {
  expect(existsSync(outPath)).toBe(false);
  const base = outPath.slice(tmp.dir.length + 1);
  expect(readdirSync(tmp.dir).filter((f) => f.includes(base))).toEqual([]);
}

beforeAll(async () => {
  tmp = makeTempDir();
  ids = await makeIdentities(tmp.dir, ["alice", "bob", "eve"]);
}, 60_000);

afterAll(() => tmp?.cleanup());

describe("sealFile", () => {
  for (const size of [0, 1, 70_000, 1_000_003]) {
    it(`${size} bytes: openssl cms -decrypt gives identical bytes`, async () => {
      const plain = randomBytes(size);
      const inPath = write("plain", plain);
      const outPath = path("env.p7m");
      const result = await sealFile({ inPath, outPath, recipients: [ids.alice.certPem] });
      const env = readFileSync(outPath);
      expect(result.envelopeLength).toBe(env.length);
      expect(result.contentLength).toBe(size);
      expect(opensslOpen({ inPath: outPath, outPath: path("out"), recipient: ids.alice }).equals(plain)).toBe(true);
      // OpenSSL's own parse agrees it is DER (re-encoding changes nothing).
      expect(opensslCms(["-cmsout", "-inform", "DER", "-outform", "DER"], env).equals(env)).toBe(true);
      const opened = path("opened");
      await openFile({ inPath: outPath, outPath: opened, privateKey: ids.alice.keyPem, certificate: ids.alice.certPem });
      expect(readFileSync(opened).equals(plain)).toBe(true);
    });
  }

  it("two recipients each open it (ours and openssl); a third certificate gets NO_RECIPIENT_FOR_CERTIFICATE", async () => {
    const plain = randomBytes(50_000);
    const inPath = write("plain", plain);
    const outPath = path("two.p7m");
    // DER certificate for one, PEM for the other.
    await sealFile({ inPath, outPath, recipients: [ids.alice.certDer, ids.bob.certPem] });
    for (const id of [ids.alice, ids.bob]) {
      const opened = path(`opened-${id.name}`);
      await openFile({ inPath: outPath, outPath: opened, privateKey: id.keyPem, certificate: id.certDer });
      expect(readFileSync(opened).equals(plain)).toBe(true);
      expect(opensslOpen({ inPath: outPath, outPath: path("o"), recipient: id }).equals(plain)).toBe(true);
    }
    const denied = path("denied");
    await expectCode(
      openFile({ inPath: outPath, outPath: denied, privateKey: ids.eve.keyPem, certificate: ids.eve.certPem }),
      "NO_RECIPIENT_FOR_CERTIFICATE",
    );
    expectNothingAt(denied);
    // DER throughout, recipient infos sorted as a DER SET OF: OpenSSL's re-encoding is identical.
    const env = readFileSync(outPath);
    expect(opensslCms(["-cmsout", "-inform", "DER", "-outform", "DER"], env).equals(env)).toBe(true);
    const info = await inspectEnvelope(outPath);
    const bySerial = [...info.recipients].sort((a, b) => (a.serialNumber! < b.serialNumber! ? -1 : 1));
    expect(bySerial).toMatchObject([
      { kind: "keyTrans", serialNumber: "1000ABABABABABABABAB", issuer: "O=bidhall test,CN=bidhall test CA" },
      { kind: "keyTrans", serialNumber: "1001ABABABABABABABAB", issuer: "O=bidhall test,CN=bidhall test CA" },
    ]);
    expect(info).toMatchObject({
      contentLength: 50_000,
      contentEncoding: "primitive",
      definiteLengths: true,
      envelopeLength: env.length,
      contentEncryption: { algorithm: "AES-256-GCM", oid: OID.aes256Gcm, nonceLength: 12, icvLength: 16 },
    });
  });

  it("sealStream refuses input longer or shorter than declared", async () => {
    const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
    await expect(
      sealStream({ input: Readable.from([Buffer.alloc(10)]), output: sink(), recipients: [ids.alice.certPem], contentLength: 11 }),
    ).rejects.toThrow(/not the declared 11/);
    await expect(
      sealStream({ input: Readable.from([Buffer.alloc(12)]), output: sink(), recipients: [ids.alice.certPem], contentLength: 11 }),
    ).rejects.toThrow(/longer than the declared 11/);
  });
});

describe("openFile on openssl envelopes", () => {
  for (const stream of [false, true]) {
    it(`opens openssl cms -encrypt -aes-256-gcm OAEP${stream ? " -stream (BER)" : ""}`, async () => {
      const plain = randomBytes(300_001);
      const inPath = write("plain", plain);
      const envPath = path("openssl.p7m");
      opensslSeal({ inPath, outPath: envPath, recipients: [ids.bob, ids.alice], stream });
      for (const id of [ids.alice, ids.bob]) {
        const outPath = path("out");
        const r = await openFile({ inPath: envPath, outPath, privateKey: id.keyPem, certificate: id.certPem });
        expect(readFileSync(outPath).equals(plain)).toBe(true);
        expect(r.contentLength).toBe(plain.length);
      }
      const info = await inspectEnvelope(envPath);
      expect(info.contentLength).toBe(plain.length);
      expect(info.contentEncoding).toBe(stream ? "constructed" : "primitive");
      expect(info.definiteLengths).toBe(!stream);
      expect(info.recipients).toHaveLength(2);
    });
  }
});

describe("subjectKeyIdentifier recipients", () => {
  it("openFile opens openssl -keyid envelopes; inspectEnvelope shows the key identifiers", async () => {
    const plain = randomBytes(4000);
    const envPath = path("keyid.p7m");
    opensslSeal({ inPath: write("plain", plain), outPath: envPath, recipients: [ids.alice], keyid: true, stream: true });
    const outPath = path("out");
    await openFile({ inPath: envPath, outPath, privateKey: ids.alice.keyPem, certificate: ids.alice.certPem });
    expect(readFileSync(outPath).equals(plain)).toBe(true);
    const info = await inspectEnvelope(envPath);
    expect(info.recipients[0]!.subjectKeyIdentifier).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe("refusals leave nothing behind", () => {
  let envPath: string;
  let env: Buffer;
  const plain = randomBytes(200_000);

  beforeAll(async () => {
    envPath = path("good.p7m");
    await sealFile({ inPath: write("plain", plain), outPath: envPath, recipients: [ids.alice.certPem] });
    env = readFileSync(envPath);
  });

  async function refuse(bytes: Uint8Array, code: EnvelopeErrorCode): Promise<EnvelopeError> {
    const inPath = write("bad.p7m", bytes);
    const outPath = path("out");
    const err = await expectCode(openFile({ inPath, outPath, privateKey: ids.alice.keyPem, certificate: ids.alice.certPem }), code);
    expectNothingAt(outPath);
    return err;
  }

  it("a flipped byte in the ciphertext or the tag is AUTHENTICATION_FAILED", async () => {
    const { headerLength } = parseEnvelopeHeader(env);
    for (const at of [headerLength, headerLength + 150_000, env.length - 1]) {
      const bad = Buffer.from(env);
      bad[at]! ^= 0x04;
      await refuse(bad, "AUTHENTICATION_FAILED");
    }
  });

  it("truncation is TRUNCATED", async () => {
    for (const n of [5, 400, env.length - 100_000, env.length - 10]) await refuse(env.subarray(0, n), "TRUNCATED");
    await expectCode(inspectEnvelope(write("t.p7m", env.subarray(0, env.length - 100_000))), "TRUNCATED");
  });

  it("non-CMS is NOT_CMS; EnvelopedData is WRONG_CONTENT_TYPE", async () => {
    await refuse(randomBytes(1000), "NOT_CMS");
    await refuse(Buffer.from(ids.alice.certPem), "NOT_CMS");
    const cbc = path("cbc.p7m");
    opensslSeal({ inPath: write("p", plain), outPath: cbc, recipients: [ids.alice], cipher: "-aes-256-cbc" });
    expect((await refuse(readFileSync(cbc), "WRONG_CONTENT_TYPE")).oid).toBe(OID.envelopedData);
  });

  it("a PKCS#1 v1.5 recipient and AES-CBC content are UNSUPPORTED_ALGORITHM", async () => {
    const v15 = path("v15.p7m");
    opensslSeal({ inPath: write("p", plain), outPath: v15, recipients: [ids.alice], oaep: false });
    expect((await refuse(readFileSync(v15), "UNSUPPORTED_ALGORITHM")).oid).toBe(OID.rsaEncryption);
    const gcmOid = Buffer.from("060960864801650304012e", "hex"); // id-aes256-GCM
    const at = env.indexOf(gcmOid);
    expect(at).toBeGreaterThan(0);
    const cbc = Buffer.from(env);
    cbc[at + gcmOid.length - 1] = 0x2a; // id-aes256-CBC
    expect((await refuse(cbc, "UNSUPPORTED_ALGORITHM")).oid).toBe(OID.aes256Cbc);
  });

  it("the wrong content key or private key is AUTHENTICATION_FAILED", async () => {
    const outPath = path("out");
    await expectCode(openWithContentKey({ inPath: envPath, outPath, contentKey: randomBytes(32) }), "AUTHENTICATION_FAILED");
    expectNothingAt(outPath);
    expect(() => unwrapContentKey(env.subarray(0, 4096), ids.bob.keyPem, ids.alice.certPem)).toThrow(/AUTHENTICATION_FAILED/);
  });

  it("an existing output file is replaced only on success", async () => {
    const outPath = write("existing", Buffer.from("previous"));
    const bad = Buffer.from(env);
    bad[env.length - 1]! ^= 1;
    await expectCode(
      openFile({ inPath: write("bad.p7m", bad), outPath, privateKey: ids.alice.keyPem, certificate: ids.alice.certPem }),
      "AUTHENTICATION_FAILED",
    );
    expect(readFileSync(outPath, "utf8")).toBe("previous");
    await openFile({ inPath: envPath, outPath, privateKey: ids.alice.keyPem, certificate: ids.alice.certPem });
    expect(readFileSync(outPath).equals(plain)).toBe(true);
  });
});

describe("WebCrypto ↔ Node streaming", () => {
  it("a WebCrypto envelope opens with openFile", async () => {
    const plain = randomBytes(123_456);
    const env = await sealWithWebCrypto(plain, [{ certificateDer: ids.bob.certDer }, { certificateDer: ids.alice.certDer }]);
    const outPath = path("out");
    await openFile({ inPath: write("wc.p7m", env), outPath, privateKey: ids.alice.keyPem, certificate: ids.alice.certPem });
    expect(readFileSync(outPath).equals(plain)).toBe(true);
  });

  it("a sealFile envelope: the browser unwraps the key, the server stream-decrypts with it", async () => {
    const plain = randomBytes(77_777);
    const envPath = path("node.p7m");
    await sealFile({ inPath: write("plain", plain), outPath: envPath, recipients: [ids.alice.certPem, ids.bob.certPem] });
    const env = readFileSync(envPath);
    const privateKey = await globalThis.crypto.subtle.importKey("pkcs8", ids.bob.pkcs8Der, { name: "RSA-OAEP", hash: "SHA-256" }, false, [
      "decrypt",
    ]);
    // The browser fetches only the header bytes.
    const { headerLength } = parseEnvelopeHeader(env);
    const key = await unwrapContentKeyWithWebCrypto(env.subarray(0, headerLength), ids.bob.certDer, privateKey);
    const outPath = path("out");
    await openWithContentKey({ inPath: envPath, outPath, contentKey: key });
    expect(readFileSync(outPath).equals(plain)).toBe(true);
    // The one-shot opener agrees, and the Node unwrap gives the same key.
    expect(Buffer.from(await openInMemory(env, key)).equals(plain)).toBe(true);
    expect(unwrapContentKey(env, ids.bob.keyPem, ids.bob.certPem).equals(key)).toBe(true);
  });
});
