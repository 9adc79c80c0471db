import { describe, expect, it } from "vitest";
import { cleanFileName, sniffEvidenceType } from "./evidence.ts";

describe("sniffEvidenceType", () => {
  it.each([
    [[0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37], "application/pdf"],
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "image/png"],
    [[0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46], "image/jpeg"],
    [[0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0], null], // a ZIP (or .docx) named .pdf
    [[0x3c, 0x73, 0x76, 0x67, 0x20, 0, 0, 0], null], // SVG
    [[], null],
  ])("%j → %s", (bytes, type) => expect(sniffEvidenceType(new Uint8Array(bytes))).toBe(type));
});

describe("cleanFileName", () => {
  it("keeps the last path segment, drops control characters, NFC, caps the length", () => {
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("C:\\证据\\合同.pdf")).toBe("合同.pdf");
    expect(cleanFileName("a\u0000b.pdf")).toBe("ab.pdf");
    expect(cleanFileName("e\u0301.png")).toBe("\u00e9.png");
    expect(Array.from(cleanFileName("长".repeat(300))!)).toHaveLength(120);
    expect(cleanFileName("..")).toBeNull();
    expect(cleanFileName("  ")).toBeNull();
  });
});
