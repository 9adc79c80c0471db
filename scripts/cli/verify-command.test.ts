import { execFile } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECEIPT_TYPE, signJson } from "#app/crypto/jws/signed-json.ts";
import { platformSigner, renderSampleRecord, signPdf } from "#app/server/pdf/index.server.ts";
import { createTestPki, type TestPki } from "#test/fixtures/pdf/pki.ts";

const root = path.resolve(import.meta.dirname, "../..");
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/bidhall.ts", "verify", ...args], { cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe("bidhall verify", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-verify-"));
  const file = (n: string) => path.join(dir, n);
  let pki: TestPki;
  let other: TestPki;

  beforeAll(async () => {
    pki = createTestPki({ bits: 2048 });
    other = createTestPki({ bits: 2048 });
    fs.writeFileSync(file("root-ca.pem"), pki.root.certPem);
    fs.writeFileSync(file("other-root.pem"), other.root.certPem);
    const b64 = (pem: string) => new X509Certificate(pem).raw.toString("base64");
    const receipt = await signJson(
      RECEIPT_TYPE,
      {
        format: "bidhall.receipt/1",
        receiptNo: ulid(),
        sectionId: "sec-1",
        bidderUscc: "91350100M000100Y43",
        version: 1,
        envelopeSha256: "a".repeat(64),
        packageDigest: "b".repeat(64),
        size: 1024,
        receivedAt: new Date().toISOString(),
      },
      { key: createPrivateKey(pki.platform.keyPem), x5c: [b64(pki.platform.certPem), b64(pki.issuing.certPem)] },
    );
    fs.writeFileSync(file("receipt.jws"), receipt);
    const signer = platformSigner(pki.platform.keyPem, [pki.platform.certPem, pki.issuing.certPem]);
    const pdf = await signPdf(await renderSampleRecord(), signer, {
      fieldName: "platform",
      reason: "开标记录",
      location: "福州",
      signerName: "bidhall",
      signingTime: new Date(),
    });
    fs.writeFileSync(file("record.pdf"), pdf);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("accepts a receipt signed by the platform, trusted under its root", async () => {
    const result = await run([file("receipt.jws"), "--trust", file("root-ca.pem")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("bidhall-receipt+jws: signature valid");
    expect(result.stdout).toContain("chain: trusted");
  });

  it("refuses the receipt under another root, in one line", async () => {
    const result = await run([file("receipt.jws"), "--trust", file("other-root.pem")]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/chain: UNTRUSTED/);
  });

  it("checks a signed PDF: integrity, whole-document coverage and the chain", async () => {
    const ok = await run([file("record.pdf"), "--trust", file("root-ca.pem")]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/integrity valid, covers the whole document, chain trusted/);
    const bytes = fs.readFileSync(file("record.pdf"));
    const i = bytes.indexOf("开标") >= 0 ? bytes.indexOf("/Type /Page") : 2000;
    bytes[i + 2] = bytes[i + 2]! ^ 0x01;
    fs.writeFileSync(file("tampered.pdf"), bytes);
    const bad = await run([file("tampered.pdf"), "--trust", file("root-ca.pem")]);
    expect(bad.code).toBe(1);
  });
});
