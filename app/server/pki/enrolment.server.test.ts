/**
 * The browser's enrolment flow end to end, in Node's WebCrypto, against the server CA and the
 * OpenSSL CLI: key pair → CSR → certificate → PKCS#12 backup → non-extractable keys → proof of
 * possession.
 */
import { constants, createPrivateKey, publicEncrypt, randomBytes, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import forge from "node-forge";
import { bytesToBinary, derToPem, pemToDer } from "#app/crypto/pki/der.ts";
import { buildCsr, generateEnrolmentKey, importNonExtractableKeys } from "#app/crypto/pki/enrolment.ts";
import { signChallenge } from "#app/crypto/pki/key-possession.ts";
import { buildPkcs12Backup, readPkcs12Backup } from "#app/crypto/pki/pkcs12.ts";
import { createIssuingCa, createRootCa, issuePersonCertificate, type CertificateWithKey } from "./ca.server.ts";
import { TempDir } from "./testing/openssl.server.ts";
import { verifySignedChallenge } from "./verify.server.ts";

const subtle = globalThis.crypto.subtle;
const NOW = new Date("2026-03-01T08:00:00Z");
const SOON = new Date("2026-03-01T09:00:00Z");

let dir: TempDir;
let root: CertificateWithKey;
let issuing: CertificateWithKey;
let keys: CryptoKeyPair;
let pkcs8: Uint8Array<ArrayBuffer>;
let certificatePem: string;

beforeAll(async () => {
  dir = new TempDir();
  [root, keys] = await Promise.all([
    createRootCa({ commonName: "bidhall Root CA", organization: "bidhall", now: NOW, years: 20 }),
    generateEnrolmentKey(subtle),
  ]);
  issuing = await createIssuingCa(root, {
    commonName: "bidhall Issuing CA",
    organization: "bidhall",
    now: NOW,
    years: 10,
  });
  certificatePem = issuePersonCertificate({
    issuing,
    csrPem: await buildCsr(keys, subtle, { commonName: "张三" }),
    subject: {
      personName: "张三",
      organizationName: "福建某某建设有限公司",
      uscc: "91350100M000100Y43",
    },
    now: NOW,
    validityDays: 730,
    crlDistributionUrl: "https://bidhall.example/pki/issuing.crl",
  }).certificatePem;
  pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", keys.privateKey));
  dir.write("root.pem", root.certificatePem);
  dir.write("issuing.pem", issuing.certificatePem);
  dir.write("person.pem", certificatePem);
  dir.write("person.key", derToPem("PRIVATE KEY", pkcs8));
}, 60_000);

afterAll(() => dir?.remove());

const sameKey = (a: Uint8Array, b: Uint8Array) =>
  createPrivateKey({ key: Buffer.from(a), format: "der", type: "pkcs8" }).equals(
    createPrivateKey({ key: Buffer.from(b), format: "der", type: "pkcs8" }),
  );

describe("PKCS#12 backup", () => {
  it("opens in openssl pkcs12 with AES-256-CBC / PBKDF2 / hmacWithSHA256 and the right key", () => {
    const p12 = buildPkcs12Backup({
      privateKeyPkcs8Der: pkcs8,
      certificatePem,
      chainPem: [issuing.certificatePem, root.certificatePem],
      password: "Backup-Pass-2026",
      friendlyName: "张三 — 福建某某建设有限公司",
    });
    dir.write("backup.p12", p12);
    const info = dir.openssl(["pkcs12", "-info", "-in", "backup.p12", "-passin", "pass:Backup-Pass-2026", "-nodes"]);
    expect(info.status, info.stderr).toBe(0);
    expect(info.output).toContain("MAC: sha256, Iteration 100000");
    expect(info.output).toContain("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256");
    expect(info.output.match(/Certificate bag/g)).toHaveLength(3);
    // OpenSSL 3.0 prints BMPString attributes as ASCII only, so read the name back with forge
    expect(info.output.match(/localKeyID: [0-9A-F ]+/g)).toHaveLength(2); // key and its certificate
    const pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytesToBinary(p12)), "Backup-Pass-2026");
    const friendly = pfx.getBags({ friendlyName: "张三 — 福建某某建设有限公司" }).friendlyName ?? [];
    expect(friendly.map((b) => b.type).sort()).toEqual([forge.pki.oids.certBag, forge.pki.oids.pkcs8ShroudedKeyBag].sort());

    const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(info.stdout)?.[0];
    expect(keyPem).toBeDefined();
    expect(sameKey(pemToDer(keyPem!, "PRIVATE KEY"), pkcs8)).toBe(true);

    // the certificates come out unchanged
    const certs = dir.openssl(["pkcs12", "-in", "backup.p12", "-passin", "pass:Backup-Pass-2026", "-nokeys", "-clcerts"]).stdout;
    expect(new X509Certificate(certs).fingerprint256).toBe(new X509Certificate(certificatePem).fingerprint256);

    // and a wrong password is refused by OpenSSL too
    const wrong = dir.openssl(["pkcs12", "-info", "-in", "backup.p12", "-passin", "pass:nope", "-nodes"]);
    expect(wrong.status).not.toBe(0);
    expect(wrong.output).toMatch(/mac verify (error|failure)/i);

    const back = readPkcs12Backup(p12, "Backup-Pass-2026");
    expect(sameKey(back.privateKeyPkcs8Der, pkcs8)).toBe(true);
    expect(pemToDer(back.certificatePem, "CERTIFICATE")).toEqual(pemToDer(certificatePem, "CERTIFICATE"));
    expect(back.chainPem.map((p) => new X509Certificate(p).subject)).toEqual([
      new X509Certificate(issuing.certificatePem).subject,
      new X509Certificate(root.certificatePem).subject,
    ]);
    expect(() => readPkcs12Backup(p12, "nope")).toThrow(expect.objectContaining({ code: "WRONG_PASSWORD" }));
  }, 30_000);

  it("takes a Chinese password the way OpenSSL does (UTF-8 for PBES2, BMPString for the MAC)", () => {
    const password = "备份口令·二〇二六";
    const p12 = buildPkcs12Backup({
      privateKeyPkcs8Der: pkcs8,
      certificatePem,
      chainPem: [issuing.certificatePem],
      password,
      friendlyName: "张三",
      iterations: 2048,
    });
    dir.write("backup-zh.p12", p12);
    const info = dir.openssl(["pkcs12", "-info", "-in", "backup-zh.p12", "-passin", `pass:${password}`, "-nodes"]);
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toContain("-----BEGIN PRIVATE KEY-----");
    expect(sameKey(readPkcs12Backup(p12, password).privateKeyPkcs8Der, pkcs8)).toBe(true);
  });

  it("reads backups made by openssl pkcs12 -export, modern and legacy", () => {
    const modern = dir.openssl([
      "pkcs12",
      "-export",
      "-inkey",
      "person.key",
      "-in",
      "person.pem",
      "-certfile",
      "issuing.pem",
      "-passout",
      "pass:口令",
      "-out",
      "ossl.p12",
    ]);
    expect(modern.status, modern.stderr).toBe(0);
    const a = readPkcs12Backup(readFileSync(dir.file("ossl.p12")), "口令");
    expect(sameKey(a.privateKeyPkcs8Der, pkcs8)).toBe(true);
    expect(a.chainPem).toHaveLength(1);

    const legacy = dir.openssl([
      "pkcs12",
      "-export",
      "-inkey",
      "person.key",
      "-in",
      "person.pem",
      "-keypbe",
      "PBE-SHA1-3DES",
      "-certpbe",
      "PBE-SHA1-3DES",
      "-macalg",
      "sha1",
      "-passout",
      "pass:口令",
      "-out",
      "legacy.p12",
    ]);
    expect(legacy.status, legacy.stderr).toBe(0);
    const b = readPkcs12Backup(readFileSync(dir.file("legacy.p12")), "口令");
    expect(sameKey(b.privateKeyPkcs8Der, pkcs8)).toBe(true);

    const certOnly = dir.openssl(["pkcs12", "-export", "-nokeys", "-in", "person.pem", "-passout", "pass:pw", "-out", "nokey.p12"]);
    expect(certOnly.status, certOnly.stderr).toBe(0);
    expect(() => readPkcs12Backup(readFileSync(dir.file("nokey.p12")), "pw")).toThrow(expect.objectContaining({ code: "NO_KEY" }));
  });
});

describe("keys after enrolment", () => {
  it("are non-extractable, sign challenges the server accepts, and unwrap OAEP-wrapped keys", async () => {
    const p12 = buildPkcs12Backup({
      privateKeyPkcs8Der: pkcs8,
      certificatePem,
      chainPem: [issuing.certificatePem, root.certificatePem],
      password: "pw-on-another-computer",
      friendlyName: "张三",
      iterations: 2048,
    });
    // "on another computer": only the backup and its password
    const restored = readPkcs12Backup(p12, "pw-on-another-computer");
    const { signingKey, decryptionKey } = await importNonExtractableKeys(restored.privateKeyPkcs8Der, subtle);
    expect(signingKey).toMatchObject({
      extractable: false,
      usages: ["sign"],
      algorithm: { name: "RSASSA-PKCS1-v1_5" },
    });
    expect(decryptionKey.extractable).toBe(false);
    expect([...decryptionKey.usages].sort()).toEqual(["decrypt", "unwrapKey"]);
    expect(decryptionKey.algorithm).toMatchObject({ name: "RSA-OAEP", hash: { name: "SHA-256" } });
    await expect(subtle.exportKey("pkcs8", signingKey)).rejects.toThrow();

    const challenge = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const signature = await signChallenge(signingKey, challenge, subtle);
    expect(
      verifySignedChallenge({
        challenge,
        signature,
        certificatePem: restored.certificatePem,
        chainPem: restored.chainPem,
        rootPem: root.certificatePem,
        at: SOON,
      }),
    ).toMatchObject({ ok: true });

    // a bid key wrapped on the server (node:crypto, OAEP SHA-256) unwraps in WebCrypto
    const bidKey = randomBytes(32);
    const wrapped = publicEncrypt(
      {
        key: new X509Certificate(certificatePem).publicKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: "sha256",
      },
      bidKey,
    );
    const aes = await subtle.unwrapKey("raw", wrapped, decryptionKey, { name: "RSA-OAEP" }, { name: "AES-GCM" }, true, ["decrypt"]);
    expect(new Uint8Array(await subtle.exportKey("raw", aes))).toEqual(new Uint8Array(bidKey));
  });
});
