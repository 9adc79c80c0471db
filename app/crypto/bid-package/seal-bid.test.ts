import { createHash, webcrypto } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeIdentities, makeTempDir, opensslOpen, type TestIdentity } from "#test/fixtures/envelope/pki.ts";
import { openBidPackage, type StreamingHash } from "./open.ts";
import { sealBid, type SealStage } from "./seal-bid.ts";

const hash = (): StreamingHash => {
  const h = createHash("sha256");
  return { update: (c) => void h.update(c), digest: async () => h.digest("hex") };
};

describe("sealing a bid as the browser does (WebCrypto only)", () => {
  const tmp = makeTempDir("bidhall-seal-bid-");
  let bidder: TestIdentity;
  let colleague: TestIdentity;
  let signingKey: CryptoKey;

  beforeAll(async () => {
    ({ bidder, colleague } = await makeIdentities(tmp.dir, ["bidder", "colleague"] as const));
    // As in the browser: a non-extractable RSASSA key imported from the PKCS#8 once.
    signingKey = await webcrypto.subtle.importKey("pkcs8", bidder.pkcs8Der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
      "sign",
    ]);
  });
  afterAll(() => tmp.cleanup());

  it("builds a signed package, seals it for every recipient, and openssl opens it to the same bytes", async () => {
    const stages: SealStage["stage"][] = [];
    const technical = new TextEncoder().encode("施工组织设计".repeat(10_000));
    const sealed = await sealBid({
      bid: {
        format: "bidhall.bid/1",
        sectionId: "sec-1",
        bidder: { uscc: "91350100M000100Y43", name: "福建海峡建设工程有限公司" },
        fields: { price: "123456789" },
        security: { kind: "guarantee", reference: "BG-2026-0001" },
      },
      documents: [{ path: "技术标/施工组织设计.txt", bytes: technical }],
      signer: { certificatePem: bidder.certPem, issuingCaPem: readFileSync(join(tmp.dir, "test-ca.cert.pem"), "utf8"), key: signingKey },
      recipientsPem: [bidder.certPem, colleague.certPem],
      deviceFingerprint: "f".repeat(64),
      tool: { name: "bidhall-browser", version: "test" },
      sealedAt: new Date("2026-12-01T01:00:00Z"),
      onStage: (s) => stages.push(s.stage),
    });
    expect(stages).toEqual(["hashing", "hashing", "packaging", "encrypting", "done"]);
    expect(sealed.packageDigest).toBe(createHash("sha256").update(sealed.packageBytes).digest("hex"));

    // Either recipient opens it with openssl: the format is open, not ours.
    const envelopePath = join(tmp.dir, "bid.p7m");
    writeFileSync(envelopePath, sealed.envelope);
    for (const recipient of [bidder, colleague]) {
      const plain = opensslOpen({ inPath: envelopePath, outPath: join(tmp.dir, `${recipient.name}.zip`), recipient });
      expect(createHash("sha256").update(plain).digest("hex")).toBe(sealed.packageDigest);
    }

    // The strict opener accepts the package: manifest signed, every entry hash right.
    const opened = await openBidPackage(sealed.packageBytes, {
      hash,
      expected: { sectionId: "sec-1", bidderUscc: "91350100M000100Y43" },
      validateFields: () => [],
    });
    expect(opened.bid.fields).toEqual({ price: "123456789" });
    expect(opened.manifest.device.fingerprint).toBe("f".repeat(64));
    expect(opened.manifest.entries.map((e) => e.path)).toEqual(["bid.json", "documents/技术标/施工组织设计.txt"]);
  });
});
