import { webcrypto, X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { renderSampleRecord } from "#app/server/pdf/render/sample-record.server.ts";
import { preparePdfSignature, type PreparedPdfSignature } from "#app/server/pdf/sign/sign-pdf.server.ts";
import { createTestPki, type TestPki } from "#test/fixtures/pdf/pki.ts";
import { checkPreparedSignature, lastByteRange } from "./check-prepared.ts";

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);

/** The browser refuses to sign anything but the signed attributes of the document it shows, for its own certificate (decision 55). */
describe("checkPreparedSignature", () => {
  let pki: TestPki;
  let prepared: PreparedPdfSignature;
  let certificateDer: Uint8Array;

  beforeAll(async () => {
    pki = createTestPki();
    certificateDer = der(pki.person.certPem);
    prepared = await preparePdfSignature(await renderSampleRecord(), {
      fieldName: "party1",
      reason: "测试",
      location: "bidhall",
      signerName: "张三",
      signingTime: new Date("2026-11-23T01:00:00Z"),
      signerCertificateDer: certificateDer,
    });
  });

  const check = (over: Partial<{ pdf: Uint8Array; signedAttributesDer: Uint8Array; certificateDer: Uint8Array }> = {}) =>
    checkPreparedSignature({ pdf: prepared.prepared, signedAttributesDer: prepared.signedAttributesDer, certificateDer, subtle, ...over });

  it("accepts the attributes the server prepared for this document and certificate, and gives the document's SHA-256", async () => {
    const { documentSha256 } = await check();
    expect(documentSha256).toBe(Buffer.from(await subtle.digest("SHA-256", new Uint8Array(prepared.prepared))).toString("hex"));
    expect(lastByteRange(prepared.prepared)).toEqual(prepared.byteRange);
  });

  it("refuses another document, a document with bytes after the signature, and another certificate", async () => {
    const altered = new Uint8Array(prepared.prepared);
    altered[100] = altered[100]! ^ 1;
    await expect(check({ pdf: altered })).rejects.toThrow(/digest of the document shown/);
    const appended = new Uint8Array([...prepared.prepared, ...new TextEncoder().encode("\n% more\n")]);
    await expect(check({ pdf: appended })).rejects.toThrow(/whole document/);
    await expect(check({ certificateDer: der(pki.platform.certPem) })).rejects.toThrow(/another certificate/);
  });

  it("refuses bytes that are not exactly the three signed attributes: a challenge, a JWS input, an extra attribute", async () => {
    await expect(check({ signedAttributesDer: new TextEncoder().encode("bidhall/key-possession/v1\0xxxxxxxxxxxxxxxx") })).rejects.toThrow(
      /not DER signed attributes|not a SET/,
    );
    await expect(check({ signedAttributesDer: new TextEncoder().encode("eyJhbGciOiJSUzI1NiJ9.e30") })).rejects.toThrow();
    // The same SET with a fourth attribute (signing-time) appended: the length grows by the attribute's size.
    const signingTime = Uint8Array.from([
      0x30,
      0x1c,
      0x06,
      0x09,
      0x2a,
      0x86,
      0x48,
      0x86,
      0xf7,
      0x0d,
      0x01,
      0x09,
      0x05,
      0x31,
      0x0f,
      0x17,
      0x0d,
      ...new TextEncoder().encode("261123010000Z"),
    ]);
    const original = prepared.signedAttributesDer;
    const [headerLength, contentLength] =
      original[1]! < 0x80
        ? [2, original[1]!]
        : [2 + (original[1]! & 0x7f), Number(`0x${Buffer.from(original.subarray(2, 2 + (original[1]! & 0x7f))).toString("hex")}`)];
    const content = new Uint8Array([...original.subarray(headerLength, headerLength + contentLength), ...signingTime]);
    const extended = new Uint8Array([0x31, 0x81, content.length, ...content]);
    expect(content.length).toBeLessThan(256);
    expect(content.length).toBeGreaterThan(127);
    await expect(check({ signedAttributesDer: extended })).rejects.toThrow(/unexpected attributes/);
  });
});
