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
import { alterAndCountersign } from "#test/fixtures/pdf/forgery.ts";
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
    // Issued two years ago: its person certificate has expired since.
    const old = createTestPki({ bits: 2048, now: new Date(Date.now() - 2 * 365 * 86_400_000) });
    fs.writeFileSync(file("root-ca.pem"), pki.root.certPem);
    fs.writeFileSync(file("other-root.pem"), other.root.certPem);
    fs.writeFileSync(file("old-root.pem"), old.root.certPem);
    fs.writeFileSync(file("platform.pem"), pki.platform.certPem);
    fs.writeFileSync(file("other-platform.pem"), other.platform.certPem);
    const b64 = (pem: string) => new X509Certificate(pem).raw.toString("base64");
    const receipt = (signer: { keyPem: string; certPem: string }, issuing: string, receivedAt: Date) =>
      signJson(
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
          receivedAt: receivedAt.toISOString(),
        },
        { key: createPrivateKey(signer.keyPem), x5c: [b64(signer.certPem), b64(issuing)] },
      );
    fs.writeFileSync(file("receipt.jws"), await receipt(pki.platform, pki.issuing.certPem, new Date()));
    // A bidder's own certificate signs a "receipt" with the receivedAt it likes.
    fs.writeFileSync(file("bidder-receipt.jws"), await receipt(pki.person, pki.issuing.certPem, new Date()));
    // An expired bidder certificate, with a receivedAt from when it was valid.
    fs.writeFileSync(
      file("backdated-receipt.jws"),
      await receipt(old.person, old.issuing.certPem, new Date(Date.now() - 700 * 86_400_000)),
    );
    const signer = platformSigner(pki.platform.keyPem, [pki.platform.certPem, pki.issuing.certPem]);
    const pdf = await signPdf(await renderSampleRecord(), signer, {
      fieldName: "platform",
      reason: "开标记录",
      location: "福州",
      signerName: "bidhall",
      signingTime: new Date(),
    });
    fs.writeFileSync(file("record.pdf"), pdf);
    const bidder = platformSigner(pki.person.keyPem, [pki.person.certPem, pki.issuing.certPem]);
    fs.writeFileSync(file("forged-record.pdf"), await alterAndCountersign(pdf, bidder, "page-content", new Date()));
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("accepts a receipt signed by the platform, trusted under its root, and names the signer by certificate", async () => {
    const result = await run([file("receipt.jws"), "--trust", file("root-ca.pem")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("bidhall-receipt+jws: signature valid");
    expect(result.stdout).toContain("signer: platform: CN=bidhall 平台电子签章, O=某市公共资源交易中心");
    expect(result.stdout).toMatch(/chain: trusted at .* \(the platform's receivedAt\)/);
  });

  it("refuses a receipt signed by a bidder's certificate of the same CA, and never checks it at the receivedAt the bidder chose", async () => {
    const result = await run([file("bidder-receipt.jws"), "--trust", file("root-ca.pem")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("signer: person: CN=张三, O=某某建设集团有限公司");
    expect(result.stderr).toContain("a receipt must be signed by the platform, not by person: CN=张三, O=某某建设集团有限公司");
    const backdated = await run([file("backdated-receipt.jws"), "--trust", file("old-root.pem")]);
    expect(backdated.code).toBe(1);
    expect(backdated.stderr).toMatch(/chain: EXPIRED/);
    expect(backdated.stderr).toContain("a receipt must be signed by the platform");
  });

  it("a receipt is refused when nothing establishes its signer as the platform, or another platform is pinned", async () => {
    const untrusted = await run([file("receipt.jws")]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain("the signer is not established as the platform");
    const pinned = await run([file("receipt.jws"), "--platform", file("platform.pem")]);
    expect(pinned.code).toBe(0);
    const elsewhere = await run([file("receipt.jws"), "--trust", file("root-ca.pem"), "--platform", file("other-platform.pem")]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain("carries the platform's purpose but is not one of the platform's certificates");
  });

  it("refuses the receipt under another root, in one line", async () => {
    const result = await run([file("receipt.jws"), "--trust", file("other-root.pem")]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/chain: UNTRUSTED/);
  });

  it("refuses a platform record changed after signing and countersigned by a bidder of the same CA", async () => {
    const result = await run([file("forged-record.pdf"), "--trust", file("root-ca.pem")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('signature 1/2 "platform": platform: CN=bidhall 平台电子签章, O=某市公共资源交易中心');
    expect(result.stdout).toContain('signature 2/2 "countersignature": person: CN=张三, O=某某建设集团有限公司');
    expect(result.stdout).not.toContain("福州市公共资源交易中心");
    expect(result.stdout).toContain("CHANGED AFTER SIGNING");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/platform: changed after signing: object \d+ \(stream\) changed after signing/);
  });

  it("checks a signed PDF: integrity, whole-document coverage and the chain", async () => {
    const ok = await run([file("record.pdf"), "--trust", file("root-ca.pem")]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/integrity valid, covers the whole document, chain trusted/);
    expect(ok.stdout).toContain('platform signature: "platform"');
    const bytes = fs.readFileSync(file("record.pdf"));
    const i = bytes.indexOf("开标") >= 0 ? bytes.indexOf("/Type /Page") : 2000;
    bytes[i + 2] = bytes[i + 2]! ^ 0x01;
    fs.writeFileSync(file("tampered.pdf"), bytes);
    const bad = await run([file("tampered.pdf"), "--trust", file("root-ca.pem")]);
    expect(bad.code).toBe(1);
  });
});
