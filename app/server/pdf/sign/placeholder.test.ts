import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber } from "pdf-lib";
import type { PDFString } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { latin1, tinyPdf } from "#test/fixtures/pdf/tiny-pdf.ts";
import { BYTE_RANGE_PLACEHOLDER } from "./byte-range.server.ts";
import { SignatureFieldError, addSignaturePlaceholder, appendSignaturePlaceholder, fieldNames } from "./placeholder.server.ts";

const options = (fieldName: string) => ({
  fieldName,
  reason: "开标记录确认",
  location: "bidhall 公共资源交易平台",
  signerName: "张三",
  signingTime: new Date("2025-06-18T01:45:00Z"),
});

async function signatureDict(pdf: Uint8Array, fieldName: string): Promise<PDFDict> {
  const doc = await PDFDocument.load(pdf);
  const acroForm = doc.catalog.lookup(PDFName.of("AcroForm"), PDFDict);
  const fields = acroForm.lookup(PDFName.of("Fields"), PDFArray);
  for (let i = 0; i < fields.size(); i++) {
    const field = fields.lookup(i, PDFDict);
    if ((field.get(PDFName.of("T")) as PDFString | PDFHexString).decodeText() === fieldName) {
      return field.lookup(PDFName.of("V"), PDFDict);
    }
  }
  throw new Error(`no field ${fieldName}`);
}

describe("appendSignaturePlaceholder (incremental)", () => {
  it("adds field, widget and placeholder after the untouched original bytes", async () => {
    const original = tinyPdf();
    const updated = await appendSignaturePlaceholder(original, options("platform"));
    expect(Buffer.from(updated.subarray(0, original.length))).toEqual(Buffer.from(original));
    expect(latin1(updated)).toContain(BYTE_RANGE_PLACEHOLDER);

    const doc = await PDFDocument.load(updated);
    expect(fieldNames(doc)).toEqual(["platform"]);
    const acroForm = doc.catalog.lookup(PDFName.of("AcroForm"), PDFDict);
    expect(acroForm.lookup(PDFName.of("SigFlags"), PDFNumber).asNumber()).toBe(3);
    expect(doc.getPage(0).node.lookup(PDFName.of("Annots"), PDFArray).size()).toBe(1);

    const sig = await signatureDict(updated, "platform");
    expect(sig.lookup(PDFName.of("SubFilter"), PDFName).decodeText()).toBe("ETSI.CAdES.detached");
    expect(sig.lookup(PDFName.of("Reason"), PDFHexString).decodeText()).toBe("开标记录确认");
    expect(sig.lookup(PDFName.of("Name"), PDFHexString).decodeText()).toBe("张三");
    expect(sig.lookup(PDFName.of("Location"), PDFHexString).decodeText()).toBe("bidhall 公共资源交易平台");
  });

  it("keeps earlier fields when adding another, each under its own name", async () => {
    const once = await appendSignaturePlaceholder(tinyPdf(), options("platform"));
    const twice = await appendSignaturePlaceholder(once, options("bidder-1"));
    expect(Buffer.from(twice.subarray(0, once.length))).toEqual(Buffer.from(once));
    const doc = await PDFDocument.load(twice);
    expect(fieldNames(doc)).toEqual(["platform", "bidder-1"]);
    expect(doc.getPage(0).node.lookup(PDFName.of("Annots"), PDFArray).size()).toBe(2);
  });

  it("updates an indirect /Annots array and an inline /AcroForm in place of the page", async () => {
    const original = tinyPdf(["[]"], {
      catalog: "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /DA (/Helv 0 Tf 0 g) >> >>",
      page: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots 4 0 R >>",
    });
    const updated = await appendSignaturePlaceholder(original, options("platform"));
    const tail = latin1(updated.subarray(original.length));
    expect(tail).toMatch(/^4 0 obj\n\[ \d+ 0 R \]/m); // the annotation array, rewritten
    expect(tail).not.toMatch(/^3 0 obj/m); // the page itself is unchanged
    expect(tail).toMatch(/^1 0 obj/m); // the catalog now points at a form object
    const doc = await PDFDocument.load(updated);
    expect(fieldNames(doc)).toEqual(["platform"]);
    const acroForm = doc.catalog.lookup(PDFName.of("AcroForm"), PDFDict);
    expect(acroForm.get(PDFName.of("DA"))).toBeDefined(); // existing entries carried over
  });

  it("refuses a name already used, or one that is not a plain partial name", async () => {
    const once = await appendSignaturePlaceholder(tinyPdf(), options("platform"));
    await expect(appendSignaturePlaceholder(once, options("platform"))).rejects.toThrow(SignatureFieldError);
    await expect(appendSignaturePlaceholder(tinyPdf(), options("a.b"))).rejects.toThrow(/must match/);
    await expect(appendSignaturePlaceholder(tinyPdf(), options("签名"))).rejects.toThrow(/must match/);
  });
});

describe("addSignaturePlaceholder (pdf-lib, before the first save)", () => {
  it("adds one placeholder and a field to a document being built", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    addSignaturePlaceholder(doc, options("platform"));
    const saved = await doc.save({ useObjectStreams: false });
    expect(latin1(saved).split(BYTE_RANGE_PLACEHOLDER)).toHaveLength(2);
    const reloaded = await PDFDocument.load(saved);
    expect(fieldNames(reloaded)).toEqual(["platform"]);
    const sig = await signatureDict(saved, "platform");
    expect(sig.lookup(PDFName.of("Reason"), PDFHexString).decodeText()).toBe("开标记录确认");
  });
});
