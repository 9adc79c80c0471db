import { describe, expect, it } from "vitest";
import { latin1, tinyPdf } from "#test/fixtures/pdf/tiny-pdf.ts";
import {
  BYTE_RANGE_PLACEHOLDER,
  ByteRangeError,
  SIGNATURE_CONTENTS_BYTES,
  byteRangeProblems,
  computeByteRange,
  embedSignatureHex,
  fillByteRange,
  findByteRangePlaceholder,
  findPendingSignature,
  formatByteRange,
  readContents,
  scanByteRanges,
  signedBytes,
} from "./byte-range.server.ts";
import { signatureDictionary } from "./placeholder.server.ts";

const options = {
  fieldName: "platform",
  reason: "开标记录确认",
  location: "线上",
  signerName: "平台",
  signingTime: new Date("2025-06-18T01:45:00Z"),
};
const withPlaceholder = () => tinyPdf([latin1(signatureDictionary(options))]);

describe("the signature dictionary", () => {
  it("is a PAdES placeholder: ETSI.CAdES.detached, unfilled ByteRange, 16 KB of zeros, /M in UTC", () => {
    const dict = latin1(signatureDictionary(options));
    expect(dict).toContain("/Type /Sig");
    expect(dict).toContain("/Filter /Adobe.PPKLite");
    expect(dict).toContain("/SubFilter /ETSI.CAdES.detached");
    expect(dict).toContain(`/ByteRange ${BYTE_RANGE_PLACEHOLDER}`);
    expect(dict).toContain(`/Contents <${"0".repeat(2 * SIGNATURE_CONTENTS_BYTES)}>`);
    expect(dict).toContain("/M (D:20250618014500Z)");
    // UTF-16BE with BOM: 开 U+5F00 标 U+6807
    expect(dict).toContain("/Reason <FEFF5F006807");
  });
});

describe("ByteRange byte functions", () => {
  it("find the placeholder and the /Contents hex string of the same dictionary", () => {
    const pdf = withPlaceholder();
    const location = findByteRangePlaceholder(pdf);
    const text = latin1(pdf);
    expect(text.slice(location.byteRangeStart, location.byteRangeEnd)).toBe(BYTE_RANGE_PLACEHOLDER);
    expect(text[location.contentsStart]).toBe("<");
    expect(text[location.contentsEnd - 1]).toBe(">");
    expect(location.contentsEnd - location.contentsStart).toBe(2 * SIGNATURE_CONTENTS_BYTES + 2);
  });

  it("fill the ByteRange in place: same length, only the placeholder bytes change", () => {
    const pdf = withPlaceholder();
    const location = findByteRangePlaceholder(pdf);
    const { pdf: filled, byteRange } = fillByteRange(pdf, location);
    expect(filled.length).toBe(pdf.length);
    expect(byteRange).toEqual([0, location.contentsStart, location.contentsEnd, pdf.length - location.contentsEnd]);
    const changed = [...filled.keys()].filter((i) => filled[i] !== pdf[i]);
    expect(Math.min(...changed)).toBeGreaterThanOrEqual(location.byteRangeStart);
    expect(Math.max(...changed)).toBeLessThan(location.byteRangeEnd);
    expect(latin1(filled)).toContain(`/ByteRange ${formatByteRange(byteRange)}`);
    expect(scanByteRanges(filled)).toEqual([{ byteRange, offset: location.byteRangeStart - "/ByteRange ".length }]);
  });

  it("select every byte except the hex string, angle brackets included", () => {
    const { pdf, byteRange } = fillByteRange(withPlaceholder(), findByteRangePlaceholder(withPlaceholder()));
    const bytes = latin1(signedBytes(pdf, byteRange));
    expect(bytes.length).toBe(pdf.length - (byteRange[2] - byteRange[1]));
    expect(bytes).toContain("/Contents \n/M"); // the gap closes up
    expect(bytes.startsWith("%PDF-1.7")).toBe(true);
    expect(bytes.endsWith("%%EOF\n")).toBe(true);
  });

  it("embed the signature as hex padded with zeros, touching only the gap", () => {
    const { pdf, byteRange } = fillByteRange(withPlaceholder(), findByteRangePlaceholder(withPlaceholder()));
    expect(findPendingSignature(pdf)).toEqual(byteRange);
    const signed = embedSignatureHex(pdf, byteRange, Uint8Array.of(0x30, 0x03, 0xab, 0xcd, 0xef));
    expect(signed.length).toBe(pdf.length);
    expect(latin1(signed.subarray(byteRange[1], byteRange[1] + 12))).toBe("<3003ABCDEF0");
    expect(Buffer.from(signedBytes(signed, byteRange))).toEqual(Buffer.from(signedBytes(pdf, byteRange)));
    expect([...readContents(signed, byteRange).subarray(0, 6)]).toEqual([0x30, 0x03, 0xab, 0xcd, 0xef, 0]);
    expect(() => findPendingSignature(signed)).toThrow(ByteRangeError);
  });

  it("refuse a signature larger than the reserved space", () => {
    const { pdf, byteRange } = fillByteRange(withPlaceholder(), findByteRangePlaceholder(withPlaceholder()));
    expect(() => embedSignatureHex(pdf, byteRange, new Uint8Array(SIGNATURE_CONTENTS_BYTES + 1))).toThrow(/holds 16384/);
  });

  it("refuse two placeholders, and a file without one", () => {
    const dict = latin1(signatureDictionary(options));
    expect(() => findByteRangePlaceholder(tinyPdf([dict, dict]))).toThrow(/more than one/);
    expect(() => findByteRangePlaceholder(tinyPdf())).toThrow(/no ByteRange placeholder/);
  });

  it("report ByteRanges that leave more than the hex string unsigned, or run off the file", () => {
    const { pdf, byteRange } = fillByteRange(withPlaceholder(), findByteRangePlaceholder(withPlaceholder()));
    expect(byteRangeProblems(pdf, byteRange)).toEqual([]);
    const [, b, c, d] = byteRange;
    expect(byteRangeProblems(pdf, [0, b - 10, c, d])).toContain("the unsigned gap is not exactly a hex string");
    expect(byteRangeProblems(pdf, [0, b, c, d + 1])).toContain("ByteRange runs past the end of the file");
    expect(byteRangeProblems(pdf, [5, b, c, d])).toContain("ByteRange does not start at offset 0");
    expect(computeByteRange(1000, { contentsStart: 100, contentsEnd: 200 })).toEqual([0, 100, 200, 800]);
  });
});
