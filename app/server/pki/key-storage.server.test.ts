import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptPrivateKey, encryptPrivateKey } from "./key-storage.server.ts";
import { TempDir } from "./testing/openssl.server.ts";

let dir: TempDir;
let key: KeyObject;
let pem: string;

beforeAll(() => {
  dir = new TempDir();
  // The format does not depend on key size; 2048 bits keeps the test fast.
  key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  pem = key.export({ type: "pkcs8", format: "pem" }) as string;
});

afterAll(() => dir?.remove());

const same = (a: string, b: KeyObject) => createPrivateKey(a).equals(b);

describe("encryptPrivateKey / decryptPrivateKey", () => {
  it("round-trips, and the stored form is PBES2 scrypt + AES-256-CBC that OpenSSL opens", () => {
    const encrypted = encryptPrivateKey(pem, "correct horse battery staple");
    expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(encrypted).not.toContain(pem.split("\n")[1]!);
    expect(same(decryptPrivateKey(encrypted, "correct horse battery staple"), key)).toBe(true);

    dir.write("enc.pem", encrypted);
    const parsed = dir.openssl(["asn1parse", "-in", "enc.pem"]).stdout;
    expect(parsed).toContain(":PBES2");
    expect(parsed).toContain(":scrypt");
    expect(parsed).toContain(":aes-256-cbc");
    const opened = dir.openssl(["pkey", "-in", "enc.pem", "-passin", "pass:correct horse battery staple"]);
    expect(opened.status, opened.stderr).toBe(0);
    expect(same(opened.stdout, key)).toBe(true);
  });

  it("uses a fresh salt and IV every time", () => {
    expect(encryptPrivateKey(pem, "pw")).not.toBe(encryptPrivateKey(pem, "pw"));
  });

  it("handles a non-ASCII passphrase the way OpenSSL does (UTF-8)", () => {
    const encrypted = encryptPrivateKey(pem, "口令-密码-2026");
    dir.write("enc-zh.pem", encrypted);
    const opened = dir.openssl(["pkey", "-in", "enc-zh.pem", "-passin", "pass:口令-密码-2026"]);
    expect(opened.status, opened.stderr).toBe(0);
    expect(same(decryptPrivateKey(encrypted, "口令-密码-2026"), key)).toBe(true);
  });

  it("refuses a wrong passphrase with WRONG_PASSPHRASE", () => {
    const encrypted = encryptPrivateKey(pem, "right");
    expect(() => decryptPrivateKey(encrypted, "wrong")).toThrow(expect.objectContaining({ name: "PkiError", code: "WRONG_PASSPHRASE" }));
  });

  it("reads keys encrypted by node's own export (PBKDF2) and by openssl", () => {
    const nodeEncrypted = key.export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "pw",
    }) as string;
    expect(same(decryptPrivateKey(nodeEncrypted, "pw"), key)).toBe(true);

    dir.write("plain.pem", pem);
    const ossl = dir.openssl([
      "pkcs8",
      "-topk8",
      "-in",
      "plain.pem",
      "-v2",
      "aes-256-cbc",
      "-v2prf",
      "hmacWithSHA512",
      "-passout",
      "pass:pw",
    ]);
    expect(same(decryptPrivateKey(ossl.stdout, "pw"), key)).toBe(true);
  });

  it("refuses input that is not what it should be", () => {
    expect(() => encryptPrivateKey("not a key", "pw")).toThrow(expect.objectContaining({ code: "INVALID_KEY" }));
    expect(() => encryptPrivateKey(pem, "")).toThrow(expect.objectContaining({ code: "WRONG_PASSPHRASE" }));
    expect(() => decryptPrivateKey(pem, "pw")).toThrow(expect.objectContaining({ code: "INVALID_KEY" }));
  });
});
