import { createHash, createPrivateKey, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeIdentities, makeTempDir, type TestIdentity } from "#test/fixtures/envelope/pki.ts";
import { buildBidPackageBytes, BidPackageError, type BuildBidPackageInput } from "./build.ts";
import { documentPathProblem } from "./formats.ts";
import { BidPackageCheckError, openBidPackage, type StreamingHash } from "./open.ts";
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, ZipWriter } from "@zip.js/zip.js";

const sha256 = async (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const hash = (): StreamingHash => {
  const h = createHash("sha256");
  return { update: (c) => void h.update(c), digest: async () => h.digest("hex") };
};
const doc = (path: string, bytes: Uint8Array) => ({
  path,
  size: bytes.length,
  sha256: createHash("sha256").update(bytes).digest("hex"),
  open: () => new Blob([new Uint8Array(bytes)]).stream(),
});

describe("the bid package", () => {
  const tmp = makeTempDir("bidhall-package-");
  let bidder: TestIdentity;
  let input: BuildBidPackageInput;
  const technical = new TextEncoder().encode("技术标：施工组织设计……".repeat(1000));
  const pdf = randomBytes(300_000);

  beforeAll(async () => {
    ({ bidder } = await makeIdentities(tmp.dir, ["bidder"] as const));
    const leafB64 = Buffer.from(bidder.certDer).toString("base64");
    input = {
      bid: {
        format: "bidhall.bid/1",
        sectionId: "sec-1",
        bidder: { uscc: "91350100M000100Y43", name: "福建海峡建设工程有限公司" },
        fields: { price: "1234567890", durationDays: 365 },
        security: { kind: "guarantee", reference: "BG-2026-0001" },
      },
      documents: [doc("技术标/施工组织设计.txt", technical), doc("商务标/报价单.pdf", pdf)],
      signer: { x5c: [leafB64], key: createPrivateKey(bidder.keyPem) },
      sealedAt: new Date("2026-11-23T09:00:00+08:00"),
      salt: randomBytes(32),
      tool: { name: "bidhall-test", version: "1" },
      deviceFingerprint: "a".repeat(64),
      sha256,
    };
  });
  afterAll(() => tmp.cleanup());

  it("round-trips: the opened package names the bid, the manifest and every document", async () => {
    const { bytes, packageDigest, manifest } = await buildBidPackageBytes(input);
    expect(packageDigest).toBe(await sha256(bytes));
    expect(manifest.entries.map((e) => e.path)).toEqual(["bid.json", "documents/技术标/施工组织设计.txt", "documents/商务标/报价单.pdf"]);
    const opened = await openBidPackage(bytes, {
      hash,
      expected: { sectionId: "sec-1", bidderUscc: "91350100M000100Y43" },
      validateFields: () => [],
    });
    expect(opened.bid.fields).toEqual({ price: "1234567890", durationDays: 365 });
    expect(opened.documents).toHaveLength(2);
    expect(Buffer.from(opened.certificatesDer[0]!)).toEqual(Buffer.from(bidder.certDer));
  });

  it("never produces the same bytes twice for the same bid (the salt)", async () => {
    const a = await buildBidPackageBytes(input);
    const b = await buildBidPackageBytes({ ...input, salt: randomBytes(32) });
    expect(a.packageDigest).not.toBe(b.packageDigest);
  });

  /** Rewrites a package with one entry replaced (or added), keeping everything else. */
  async function tamper(bytes: Uint8Array, name: string, content: Uint8Array | null): Promise<Uint8Array> {
    const reader = new ZipReader(new Uint8ArrayReader(bytes));
    const out = new Uint8ArrayWriter();
    const writer = new ZipWriter(out);
    let replaced = false;
    for (const e of await reader.getEntries()) {
      if (e.directory || !e.getData) continue;
      const data = e.filename === name ? ((replaced = true), content) : await e.getData(new Uint8ArrayWriter());
      if (data) await writer.add(e.filename, new Uint8ArrayReader(data));
    }
    if (!replaced && content) await writer.add(name, new Uint8ArrayReader(content));
    await reader.close();
    return writer.close();
  }

  it.each([
    ["a changed document", "documents/商务标/报价单.pdf", randomBytes(300_000), "HASH_MISMATCH"],
    ["a truncated document", "documents/技术标/施工组织设计.txt", technical.subarray(0, 100), "SIZE_MISMATCH"],
    ["an extra document", "documents/夹带.pdf", randomBytes(10), "UNEXPECTED_ENTRY"],
    ["a missing document", "documents/商务标/报价单.pdf", null, "MISSING_ENTRY"],
    ["an edited manifest", "manifest.json", new TextEncoder().encode("{}"), "MANIFEST_MISMATCH"],
    ["a forged signature", "manifest.jws", new TextEncoder().encode("eyJhbGciOiJSUzI1NiJ9.e30.AAAA"), "BAD_SIGNATURE"],
  ])("refuses %s", async (_title, name, content, code) => {
    const { bytes } = await buildBidPackageBytes(input);
    const tampered = await tamper(bytes, name, content as Uint8Array | null);
    await expect(openBidPackage(tampered, { hash })).rejects.toMatchObject({ name: "BidPackageCheckError", code });
  });

  it("refuses what is not a ZIP, another section's package, and fields the form rejects", async () => {
    await expect(openBidPackage(randomBytes(1000), { hash })).rejects.toMatchObject({ code: "NOT_ZIP" });
    const { bytes } = await buildBidPackageBytes(input);
    await expect(openBidPackage(bytes, { hash, expected: { sectionId: "sec-2" } })).rejects.toMatchObject({ code: "WRONG_SECTION" });
    await expect(openBidPackage(bytes, { hash, validateFields: () => ["price: must match pattern"] })).rejects.toBeInstanceOf(
      BidPackageCheckError,
    );
  });

  it("accepts only clean relative paths", async () => {
    expect(documentPathProblem("技术标/a.pdf")).toBeNull();
    expect(documentPathProblem("../a.pdf")).toBe("dotSegment");
    expect(documentPathProblem("/etc/passwd")).toBe("absolute");
    expect(documentPathProblem("a\\b.pdf")).toBe("backslash");
    expect(documentPathProblem("e\u0301.pdf")).toBe("notNfc");
    await expect(buildBidPackageBytes({ ...input, documents: [doc("a/../b", new Uint8Array(1))] })).rejects.toBeInstanceOf(BidPackageError);
    await expect(
      buildBidPackageBytes({ ...input, documents: [doc("a", new Uint8Array(1)), doc("a", new Uint8Array(2))] }),
    ).rejects.toMatchObject({ code: "DUPLICATE_PATH" });
  });
});
