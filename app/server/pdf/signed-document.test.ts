import { X509Certificate, webcrypto } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki } from "#test/fixtures/pdf/pki.ts";
import type { TestPki } from "#test/fixtures/pdf/pki.ts";
import { countDarkPixels, decodePng } from "#test/fixtures/pdf/png.ts";
import { nssDatabaseTrusting, pdfsig, tool } from "#test/fixtures/pdf/poppler.ts";
import { fontkit, loadBaseFont, measurerFor } from "./render/font.server.ts";
import { charactersOf, layoutDocument } from "./render/layout.server.ts";
import { buildSampleRecord, renderSampleRecord, sampleRecordSpec } from "./render/sample-record.server.ts";
import { readContents, signedBytes } from "./sign/byte-range.server.ts";
import { appendIncrementalUpdate, lastTrailerSize } from "./sign/incremental.server.ts";
import { PdfSigningError, embedPdfSignature, preparePdfSignature, signPdf } from "./sign/sign-pdf.server.ts";
import { platformSigner } from "./sign/signer.server.ts";
import type { Signer } from "./sign/signer.server.ts";
import { verifyPdf } from "./verify.server.ts";

/**
 * The PDF module end to end, checked by independent tools: poppler renders and extracts the
 * Chinese text, pdfsig (NSS) validates every signature against a trusted throwaway root, and
 * OpenSSL's CMS verifier re-checks our SignedData.
 */

let dir: string;
let pki: TestPki;
let nssDir: string;
let platform: Signer;
let person: Signer;
let now: Date;
let once: Uint8Array; // the sample record signed by the platform (placeholder added before save)
let twice: Uint8Array; // … then countersigned by a bidder as an incremental update

const details = (signing: Date) => ({
  reason: "开标记录确认",
  location: "bidhall 公共资源交易平台",
  signingTime: signing,
});

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bidhall-pdf-"));
  // Real time: pdfsig checks certificate validity against the system clock.
  now = new Date();
  pki = createTestPki({ now });
  nssDir = await nssDatabaseTrusting(join(dir, "nss"), pki.root.certPem);
  platform = platformSigner(pki.platform.keyPem, [pki.platform.certPem, pki.issuing.certPem]);
  person = platformSigner(pki.person.keyPem, [pki.person.certPem, pki.issuing.certPem]);

  const { doc } = await buildSampleRecord();
  once = await signPdf(doc, platform, {
    ...details(now),
    fieldName: "platform",
    signerName: "某市公共资源交易中心",
  });
  twice = await signPdf(once, person, {
    ...details(now),
    fieldName: "bidder-zhangsan",
    signerName: "张三",
  });
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a rendered Chinese document", () => {
  it("embeds a TrueType subset holding exactly the characters drawn", async () => {
    const pdf = await renderSampleRecord();
    expect(pdf.length).toBeLessThan(60_000); // the whole font is 10.5 MB

    const doc = await PDFDocument.load(pdf);
    const fontFiles = doc.context
      .enumerateIndirectObjects()
      .flatMap(([, object]) => (object instanceof PDFDict && object.has(PDFName.of("FontFile2")) ? [object] : []));
    expect(fontFiles).toHaveLength(1);
    const stream = fontFiles[0]!.lookup(PDFName.of("FontFile2"));
    if (!(stream instanceof PDFRawStream)) throw new Error("FontFile2 is not a stream");
    const font = fontkit.create(decodePDFRawStream(stream).decode());

    const { font: base } = await loadBaseFont();
    const drawn = charactersOf(layoutDocument(sampleRecordSpec(), measurerFor(base)));
    const expected = [...drawn].map((ch) => ch.codePointAt(0)!).sort((a, b) => a - b);
    // fontkit lists format 4's closing 0xFFFF segment too; it maps to .notdef.
    const mapped = font.characterSet.filter((cp) => font.glyphForCodePoint(cp).id !== 0);
    expect(mapped.sort((a, b) => a - b)).toEqual(expected);
    expect(font.numGlyphs).toBe(expected.length + 1); // + .notdef
  });

  it("renders the same bytes from the same spec (so a hash taken before signing holds)", async () => {
    expect(Buffer.from(await renderSampleRecord())).toEqual(Buffer.from(await renderSampleRecord()));
  });

  it("extracts as Chinese text with pdftotext", async () => {
    const file = await write("record.pdf", await renderSampleRecord());
    const text = (await tool("pdftotext", [file, "-"])).replace(/\s+/g, "");
    for (const expected of [
      "开标记录表",
      "某市第一中学教学楼改扩建工程施工",
      "某某建设集团有限公司",
      "12,345,678.90",
      "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整",
      "文件编号：KBJL-2025-000123",
      "第1页/共1页",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("renders glyphs with pdftoppm, in the title and in the table", async () => {
    const file = await write("render.pdf", await renderSampleRecord());
    await tool("pdftoppm", ["-png", "-r", "50", "-f", "1", "-l", "1", file, join(dir, "page")]);
    const image = decodePng(await readFile(join(dir, "page-1.png")));
    expect(image.width).toBe(414); // A4 at 50 dpi
    // 50 dpi: a point is 50/72 px. Title band ~ 62–90 pt from the top, centred.
    const px = (pt: number) => Math.round((pt * 50) / 72);
    const title = countDarkPixels(image, {
      x: px(240),
      y: px(62),
      width: px(120),
      height: px(30),
    });
    const table = countDarkPixels(image, {
      x: px(60),
      y: px(250),
      width: px(480),
      height: px(150),
    });
    const margin = countDarkPixels(image, {
      x: 0,
      y: 0,
      width: image.width,
      height: px(50),
    });
    expect(title).toBeGreaterThan(100);
    expect(table).toBeGreaterThan(1000);
    expect(margin).toBe(0);
  });

  it("runs a long table over several pages with the header row on each", async () => {
    const file = await write("long.pdf", await renderSampleRecord({ repeat: 15 }));
    const pages = (await tool("pdftotext", [file, "-"])).split("\f").filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => {
      const text = page.replace(/\s+/g, "");
      expect(text).toContain("投标人名称");
      expect(text).toContain(`第${i + 1}页/共${pages.length}页`);
    });
  });
});

describe("signatures", () => {
  it("add the second signature without changing a byte of the first revision", () => {
    expect(Buffer.from(twice.subarray(0, once.length))).toEqual(Buffer.from(once));
    // A signature costs its 32 KB of reserved hex plus ~1 KB of objects and xref.
    expect(twice.length - once.length).toBeLessThan(2 * 16_384 + 2_000);
  });

  it("are valid, trusted and PAdES (ETSI.CAdES.detached) for pdfsig; the newest covers the file", async () => {
    const report = await pdfsig(nssDir, await write("twice.pdf", twice));
    expect(report.map((s) => s.fieldName).sort()).toEqual(["bidder-zhangsan", "platform"]);
    for (const signature of report) {
      expect(signature.lines).toContain("Signature Validation: Signature is Valid.");
      expect(signature.lines).toContain("Certificate Validation: Certificate is Trusted.");
      expect(signature.lines).toContain("Signature Type: ETSI.CAdES.detached");
      expect(signature.lines).toContain("Signing Hash Algorithm: SHA-256");
    }
    const byName = Object.fromEntries(report.map((s) => [s.fieldName, s.lines]));
    expect(byName["bidder-zhangsan"]).toContain("Total document signed");
    expect(byName["bidder-zhangsan"]).toContain("Signer Certificate Common Name: 张三");
    expect(byName["platform"]).toContain("Not total document signed");
    expect(byName["platform"]).toContain("Signer Certificate Common Name: bidhall 平台电子签章");

    const [only] = await pdfsig(nssDir, await write("once.pdf", once));
    expect(only!.lines).toContain("Total document signed");
    expect(only!.lines).toContain("Signature Validation: Signature is Valid.");
  });

  it("pass our verifier: integrity, coverage, signer, chain to the root, B-B profile", async () => {
    const result = await verifyPdf(twice, {
      trustedRoots: [pki.root.certPem],
      validationTime: now,
    });
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
    const [first, second] = result.signatures;
    expect(first).toMatchObject({
      fieldName: "platform",
      subFilter: "ETSI.CAdES.detached",
      declaredName: "某市公共资源交易中心",
      reason: "开标记录确认",
      coversWholeDocument: false,
      signedRevisionLength: once.length,
      integrity: { valid: true },
      chain: { trusted: true },
      pades: { baselineB: true },
    });
    expect(first!.signer!.subject).toContain("CN=bidhall 平台电子签章");
    expect(first!.chain!.path).toHaveLength(3);
    expect(second).toMatchObject({
      fieldName: "bidder-zhangsan",
      declaredName: "张三",
      coversWholeDocument: true,
    });
    expect(second!.signer!.subject).toContain("CN=张三");
    expect(second!.claimedSigningTime!.getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000);
  });

  it("carry a SignedData that OpenSSL's CMS verifier accepts, signing-certificate-v2 included", async () => {
    const result = await verifyPdf(twice);
    const { byteRange } = result.signatures[1]!;
    await write("content.bin", signedBytes(twice, byteRange));
    const contents = readContents(twice, byteRange);
    await write("signature.der", contents);
    await writeFile(join(dir, "root.pem"), pki.root.certPem);
    // OpenSSL prints its verdict on stderr; stdout (-out) stays empty. Exit 0 means verified.
    await tool("openssl", [
      "cms",
      "-verify",
      "-binary",
      "-inform",
      "DER",
      "-in",
      join(dir, "signature.der"),
      "-content",
      join(dir, "content.bin"),
      "-CAfile",
      join(dir, "root.pem"),
      "-purpose",
      "any",
      "-out",
      join(dir, "verified.out"),
    ]);
    const certs = await tool("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", join(dir, "signature.der")]);
    expect(certs).toContain("signingCertificateV2");
    expect(certs).not.toContain("signingTime");
  });

  it("split across a browser: prepare on the server, sign with WebCrypto, embed on the server", async () => {
    const signerCertificateDer = new Uint8Array(new X509Certificate(pki.person.certPem).raw);
    const { prepared, signedAttributesDer, byteRange } = await preparePdfSignature(once, {
      ...details(now),
      fieldName: "bidder-browser",
      signerName: "张三",
      signerCertificateDer,
    });
    expect(byteRange[2] + byteRange[3]).toBe(prepared.length);

    const pkcs8 = new Uint8Array(Buffer.from(pki.person.keyPem.replace(/-----[^-]+-----|\s/g, ""), "base64"));
    const key = await webcrypto.subtle.importKey("pkcs8", pkcs8, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    const signature = new Uint8Array(await webcrypto.subtle.sign("RSASSA-PKCS1-v1_5", key, Uint8Array.from(signedAttributesDer)));
    const signed = embedPdfSignature(prepared, signature, person.certificateChainDer);

    const result = await verifyPdf(signed, {
      trustedRoots: [pki.root.certPem],
      validationTime: now,
    });
    expect(result.valid).toBe(true);
    const [report] = await pdfsig(nssDir, await write("browser.pdf", signed)).then((all) =>
      all.filter((s) => s.fieldName === "bidder-browser"),
    );
    expect(report!.lines).toContain("Signature Validation: Signature is Valid.");
    expect(report!.lines).toContain("Total document signed");
  });

  it("refuse to embed a signature made with another key", async () => {
    const { prepared, signedAttributesDer } = await preparePdfSignature(once, {
      ...details(now),
      fieldName: "bidder-wrong-key",
      signerName: "张三",
      signerCertificateDer: new Uint8Array(new X509Certificate(pki.person.certPem).raw),
    });
    const wrong = await platform.sign(signedAttributesDer);
    expect(() => embedPdfSignature(prepared, wrong, person.certificateChainDer)).toThrow(PdfSigningError);
  });
});

describe("tampering", () => {
  it("one changed byte inside the first revision breaks both signatures, for us and for pdfsig", async () => {
    const tampered = Uint8Array.from(twice);
    tampered[11] = tampered[11]! ^ 0x01; // inside the header's binary comment: still parses
    const result = await verifyPdf(tampered, {
      trustedRoots: [pki.root.certPem],
      validationTime: now,
    });
    expect(result.valid).toBe(false);
    for (const signature of result.signatures) {
      expect(signature.integrity.valid).toBe(false);
      expect(signature.integrity.problems.join()).toMatch(/message digest does not match/);
    }
    const report = await pdfsig(nssDir, await write("tampered.pdf", tampered));
    expect(report).toHaveLength(2);
    for (const signature of report) {
      expect(signature.lines).not.toContain("Signature Validation: Signature is Valid.");
    }
  });

  it("a changed byte in the second revision breaks only the second signature", async () => {
    const tampered = Uint8Array.from(twice);
    // A hex digit of the countersignature's /Reason: the file still parses, the reason reads
    // differently, and the bytes lie only in the second signature's range.
    const marker = "/Reason <FEFF";
    const at = Buffer.from(twice).indexOf(marker, once.length, "latin1") + marker.length;
    expect(at).toBeGreaterThan(once.length + marker.length);
    tampered[at] = tampered[at] === 0x35 ? 0x36 : 0x35;
    const result = await verifyPdf(tampered);
    const byName = Object.fromEntries(result.signatures.map((s) => [s.fieldName, s.integrity.valid]));
    expect(byName).toEqual({ platform: true, "bidder-zhangsan": false });
    const report = await pdfsig(nssDir, await write("tampered-2.pdf", tampered));
    const lines = Object.fromEntries(report.map((s) => [s.fieldName, s.lines]));
    expect(lines["platform"]).toContain("Signature Validation: Signature is Valid.");
    expect(lines["bidder-zhangsan"]).not.toContain("Signature Validation: Signature is Valid.");
  });

  it("an unsigned update appended after the newest signature is reported", async () => {
    const size = lastTrailerSize(twice);
    const doc = await PDFDocument.load(twice);
    const appended = appendIncrementalUpdate(
      twice,
      [
        {
          objectNumber: size,
          generation: 0,
          body: new Uint8Array(Buffer.from("(appended)", "latin1")),
        },
      ],
      { size: size + 1, root: doc.context.trailerInfo.Root!.toString() },
    );
    const result = await verifyPdf(appended);
    expect(result.valid).toBe(false);
    expect(result.problems.join()).toMatch(/appended after the newest signature/);
    const report = await pdfsig(nssDir, await write("appended.pdf", appended));
    for (const signature of report) {
      expect(signature.lines).toContain("Not total document signed");
      expect(signature.lines).toContain("Signature Validation: Signature is Valid.");
    }
  });

  it("a person's certificate is judged when the signature is proven to exist, the platform's at its own signing time", async () => {
    const later = new Date(now.getTime() + 2 * 365 * 24 * 3600_000);
    const result = await verifyPdf(twice, {
      trustedRoots: [pki.root.certPem],
      validationTime: later,
    });
    expect(result.valid).toBe(false);
    const [platformSignature, personSignature] = result.signatures;
    // Nothing proves when the person signed but the verification time, when the certificate has expired.
    expect(personSignature).toMatchObject({ checkedAt: later, checkedAtSource: "verification time" });
    expect(personSignature!.chain!.problems.join()).toMatch(/not valid at/);
    // The platform is trusted for its own clock (its /M), like a receipt's receivedAt (decision 28).
    expect(platformSignature).toMatchObject({ checkedAtSource: "the platform's own signing time", chain: { trusted: true } });
    expect(platformSignature!.checkedAt!.getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000);

    // A proof of existence (an anchor's block time) moves the person's check back to it.
    const anchored = await verifyPdf(twice, {
      trustedRoots: [pki.root.certPem],
      validationTime: later,
      existedAt: { at: now, source: "the ledger anchor's block time" },
    });
    expect(anchored.problems).toEqual([]);
    expect(anchored.signatures[1]).toMatchObject({ checkedAt: now, checkedAtSource: "the ledger anchor's block time" });
  });

  it("a document without signatures is not valid", async () => {
    const result = await verifyPdf(await renderSampleRecord());
    expect(result).toMatchObject({ valid: false, signatures: [] });
    expect(result.problems).toContain("the document has no signatures");
  });

  it("a chain to another root is not trusted", async () => {
    const other = createTestPki({ now });
    const result = await verifyPdf(twice, {
      trustedRoots: [other.root.certPem],
      validationTime: now,
    });
    expect(result.valid).toBe(false);
    for (const signature of result.signatures) {
      expect(signature.integrity.valid).toBe(true);
      expect(signature.chain!.trusted).toBe(false);
    }
  });
});
