import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { alter, alterAndCountersign } from "#test/fixtures/pdf/forgery.ts";
import { createTestPki, type TestPki } from "#test/fixtures/pdf/pki.ts";
import { buildSampleRecord, renderSampleRecord } from "../render/sample-record.server.ts";
import { lastStartXref, lastTrailerSize } from "../sign/incremental.server.ts";
import { signPdf } from "../sign/sign-pdf.server.ts";
import { platformSigner, type Signer } from "../sign/signer.server.ts";
import { verifyPdf } from "../verify.server.ts";
import { FinalRevision, analyseUpdates } from "./modifications.server.ts";

/**
 * Issue 11: a platform record changed in an incremental update and countersigned by a person of
 * the same CA must not verify; every signer is named by its certificate and role; pyHanko's
 * "sneaky" form updates are changes after signing, its honest ones are not.
 */

const PYHANKO = join(import.meta.dirname, "../../../../test/fixtures/pdf/pyhanko");
let pki: TestPki;
let platform: Signer;
let person: Signer;
let now: Date;
let record: Uint8Array; // signed by the platform, field "platform"

const details = (fieldName: string, signerName: string) => ({
  fieldName,
  reason: "开标记录",
  location: "福州",
  signerName,
  signingTime: now,
});

beforeAll(async () => {
  now = new Date("2026-12-10T02:00:00Z");
  pki = createTestPki({ now });
  platform = platformSigner(pki.platform.keyPem, [pki.platform.certPem, pki.issuing.certPem]);
  person = platformSigner(pki.person.keyPem, [pki.person.certPem, pki.issuing.certPem]);
  record = await signPdf((await buildSampleRecord()).doc, platform, details("platform", "福州市公共资源交易中心"));
}, 60_000);

const trusted = () => ({ trustedRoots: [pki.root.certPem], validationTime: now });

describe("signers", () => {
  it("are named by certificate subject and role, never by the /Name the file declares", async () => {
    const countersigned = await signPdf(record, person, details("bidder", "福州市公共资源交易中心"));
    const result = await verifyPdf(countersigned, trusted());
    expect(result.problems).toEqual([]);
    const [first, second] = result.signatures;
    expect(first!.signer).toMatchObject({ role: "platform", roleEstablished: true, commonName: "bidhall 平台电子签章" });
    expect(first!.signer!.description).toBe("platform: CN=bidhall 平台电子签章, O=某市公共资源交易中心");
    expect(second!.declaredName).toBe("福州市公共资源交易中心");
    expect(second!.signer).toMatchObject({
      role: "person",
      roleEstablished: true,
      commonName: "张三",
      organization: "某某建设集团有限公司",
    });
    expect(second!.signer!.description).toBe("person: CN=张三, O=某某建设集团有限公司");
    expect(first!.changesAfter).toEqual({ allowed: ['new signature field "bidder"'], disallowed: [] });
  });

  it("a person's certificate cannot sign the platform's field, whatever /Name says", async () => {
    const forged = await signPdf(await renderSampleRecord(), person, details("platform", "福州市公共资源交易中心"));
    const result = await verifyPdf(forged, trusted());
    expect(result.valid).toBe(false);
    expect(result.problems).toContain("platform: signed by person: CN=张三, O=某某建设集团有限公司, not by the platform");
  });

  it("with pinned platform certificates, only those are the platform: an unpinned one with the purpose is refused", async () => {
    const other = createTestPki({ now });
    const pinnedElsewhere = await verifyPdf(record, { ...trusted(), platformCertificates: [other.platform.certPem] });
    expect(pinnedElsewhere.valid).toBe(false);
    expect(pinnedElsewhere.signatures[0]!.signer).toMatchObject({ role: "person" });
    expect(pinnedElsewhere.problems.join()).toMatch(/carries the platform's purpose but is not one of the platform's certificates/);

    const pinned = await verifyPdf(record, { ...trusted(), platformCertificates: [pki.platform.certPem] });
    expect(pinned.valid).toBe(true);
    expect(pinned.signatures[0]!.signer).toMatchObject({ role: "platform", roleEstablished: true });
  });

  it("a pinned certificate without the purpose is the platform's legacy one", async () => {
    // The person's certificate stands in for a platform certificate issued before decision 27.
    const legacy = await signPdf(await renderSampleRecord(), person, details("platform", "bidhall"));
    const result = await verifyPdf(legacy, { ...trusted(), platformCertificates: [pki.platform.certPem, pki.person.certPem] });
    expect(result.problems).toEqual([]);
    expect(result.signatures[0]!.signer!.description).toBe("platform (legacy, no EKU): CN=张三, O=某某建设集团有限公司");
  });

  it("without a trust anchor, a role is not established", async () => {
    const result = await verifyPdf(record);
    expect(result.signatures[0]!.signer).toMatchObject({ role: "platform", roleEstablished: false });
    expect(result.signatures[0]!.signer!.description).toContain("(unverified: no trusted root or pin vouches for it)");
  });
});

describe("a platform record changed after signing and countersigned by a bidder of the same CA", () => {
  it.each(["page-content", "annotation", "catalog"] as const)("(%s) is refused: changed after signing", async (how) => {
    const forged = await alterAndCountersign(record, person, how, now);
    const result = await verifyPdf(forged, trusted());
    expect(result.valid).toBe(false);
    const [platformSignature, countersignature] = result.signatures;
    // Each signature on its own is intact, and the newest covers the whole file...
    expect(platformSignature!.integrity.valid).toBe(true);
    expect(countersignature!.integrity.valid).toBe(true);
    expect(countersignature!.coversWholeDocument).toBe(true);
    // ...but what the platform signed is no longer what the document shows.
    expect(platformSignature!.changesAfter.disallowed.length).toBeGreaterThan(0);
    expect(result.problems.some((p) => p.startsWith("platform: changed after signing: "))).toBe(true);
    expect(countersignature!.signer!.description).toBe("person: CN=张三, O=某某建设集团有限公司");
  });

  it("names what changed", async () => {
    const content = await verifyPdf(await alterAndCountersign(record, person, "page-content", now), trusted());
    expect(content.signatures[0]!.changesAfter.disallowed.join("\n")).toMatch(/object \d+ \(stream\) changed after signing/);
    const annotation = await verifyPdf(await alterAndCountersign(record, person, "annotation", now), trusted());
    expect(annotation.signatures[0]!.changesAfter.disallowed.join("\n")).toMatch(
      /annotation list .* gained object \d+ \(annotation \/FreeText\)/,
    );
    const catalog = await verifyPdf(await alterAndCountersign(record, person, "catalog", now), trusted());
    expect(catalog.signatures[0]!.changesAfter.disallowed).toContain("the document catalog's /OpenAction changed after signing");
  });

  it("an unsigned alteration is reported both as a change and as bytes after the newest signature", async () => {
    const result = await verifyPdf(await alter(record, "page-content"), trusted());
    expect(result.problems.join("\n")).toMatch(/platform: changed after signing/);
    expect(result.problems.join("\n")).toMatch(/bytes were appended after the newest signature/);
  });
});

describe("pyHanko's form-update files", () => {
  const load = async (name: string) => new Uint8Array(await readFile(join(PYHANKO, `${name}.pdf`)));

  it.each([
    "form-update-override-appearance-stream-sneaky",
    "form-update-override-appearance-stream-ap-indirect-sneaky",
    "form-update-no-override-appearance-stream-ap-indirect-sneaky",
    "form-update-ap-indirect-sneaky-trailer",
  ])("%s: the first signature is reported changed after signing", async (name) => {
    const result = await verifyPdf(await load(name));
    expect(result.valid).toBe(false);
    const [first, second] = result.signatures;
    expect(first!.integrity.valid).toBe(true);
    expect(first!.changesAfter.disallowed.join("\n")).toMatch(/the old appearance of field \d+, is also used by .*\/FooBar/);
    expect(second!.changesAfter.disallowed).toEqual([]);
  });

  it.each([
    "form-update-override-appearance-stream",
    "form-update-override-appearance-stream-ap-indirect",
    "form-update-no-override-appearance-stream-ap-indirect",
    "form-update-original-ap-type-wrong",
    "minimal-two-fields-signed-twice",
  ])("%s: signing the second field is a permitted change", async (name) => {
    const result = await verifyPdf(await load(name));
    for (const signature of result.signatures) expect(signature.changesAfter.disallowed).toEqual([]);
    expect(result.signatures[0]!.changesAfter.allowed.join()).toMatch(/empty signature field "Sig\d" signed/);
    expect(result.problems.filter((p) => /changed after signing|cannot be analysed/.test(p))).toEqual([]);
  });
});

describe("updates that only play with the cross-reference", () => {
  /** An update with no objects: a cross-reference section whose entries say what the caller wants. */
  const xrefOnly = (pdf: Uint8Array, entries: string) => {
    const text = Buffer.from(pdf).toString("latin1");
    const root = /\/Root (\d+ \d+ R)/.exec(text.slice(text.lastIndexOf("trailer")))![1]!;
    const offset = pdf.length;
    const update = `xref\n${entries}trailer\n<<\n/Size ${lastTrailerSize(pdf)}\n/Root ${root}\n/Prev ${lastStartXref(pdf)}\n>>\nstartxref\n${offset}\n%%EOF\n`;
    return new Uint8Array(Buffer.concat([pdf, Buffer.from(update, "latin1")]));
  };
  const contentObject = (pdf: Uint8Array) => {
    const text = Buffer.from(pdf).toString("latin1");
    return Number(/\/Contents \[ (\d+) 0 R/.exec(text)![1]);
  };

  it("pointing an object at another object's bytes is refused, not followed", async () => {
    const n = contentObject(record);
    const elsewhere = Buffer.from(record).toString("latin1").indexOf("1 0 obj");
    const moved = xrefOnly(record, `${n} 1\n${String(elsewhere).padStart(10, "0")} 00000 n\r\n`);
    const result = await verifyPdf(moved, trusted());
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([
      `the file's structure cannot be read as a PDF viewer reads it: the cross-reference puts object ${n} at ${elsewhere}, where object 1 is`,
    ]);
  });

  it("freeing an object the signed revision uses is a removal after signing", async () => {
    const n = contentObject(record);
    const freed = xrefOnly(record, `${n} 1\n0000000000 00001 f\r\n`);
    const result = await verifyPdf(freed);
    expect(result.problems.join("\n")).toMatch(new RegExp(`platform: changed after signing: object ${n} .*was removed after signing`));
  });
});

describe("DocMDP and FieldMDP narrow what may follow", () => {
  it("DocMDP P=1 allows not even a new signature", async () => {
    const countersigned = await signPdf(record, person, details("bidder", "张三"));
    const final = new FinalRevision(countersigned);
    expect(analyseUpdates(final, record.length, { docMdp: 2, lockedFields: new Set() }).disallowed).toEqual([]);
    expect(analyseUpdates(final, record.length, { docMdp: 1, lockedFields: new Set() }).disallowed).toEqual([
      "the certification signature's DocMDP permissions (P=1) allow no change at all",
    ]);
  });

  it("a field FieldMDP locked may not be signed afterwards", async () => {
    const pdf = new Uint8Array(await readFile(join(PYHANKO, "minimal-two-fields-signed-twice.pdf")));
    const final = new FinalRevision(pdf);
    const [first] = (await verifyPdf(pdf)).signatures;
    const locked = analyseUpdates(final, first!.signedRevisionLength, {
      docMdp: null,
      lockedFields: new Set([first!.fieldName === "Sig1" ? "Sig2" : "Sig1"]),
    });
    expect(locked.disallowed.join()).toMatch(/was locked \(FieldMDP\) and changed after signing/);
  });
});
