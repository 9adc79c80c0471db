import { createPrivateKey } from "node:crypto";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeIdentities, makeTempDir, type TestIdentity } from "#test/fixtures/envelope/pki.ts";
import { CONFIRMATION_TYPE, RECEIPT_TYPE, signJson, verifySignedJson, type Receipt } from "./signed-json.ts";

describe("signed JSON documents", () => {
  const tmp = makeTempDir("bidhall-jws-");
  let platform: TestIdentity;
  let other: TestIdentity;
  beforeAll(async () => {
    ({ platform, other } = await makeIdentities(tmp.dir, ["platform", "other"] as const));
  });
  afterAll(() => tmp.cleanup());

  const receipt = (): Receipt => ({
    format: "bidhall.receipt/1",
    receiptNo: ulid(),
    sectionId: "sec-1",
    bidderUscc: "91350100M000100Y43",
    version: 2,
    envelopeSha256: "a".repeat(64),
    packageDigest: "b".repeat(64),
    size: 52_428_800,
    receivedAt: "2026-11-23T01:59:59.000Z",
  });
  const signer = (id: TestIdentity) => ({ key: createPrivateKey(id.keyPem), x5c: [id.certDer.toString("base64")] });

  it("signs a receipt that verifies, with its type and chain", async () => {
    const jws = await signJson(RECEIPT_TYPE, receipt(), signer(platform));
    const verified = await verifySignedJson(jws);
    expect(verified.typ).toBe(RECEIPT_TYPE);
    expect(verified.payload).toMatchObject({ version: 2, size: 52_428_800 });
    expect(verified.x5c[0]).toBe(platform.certDer.toString("base64"));
  });

  it("refuses a payload edited after signing, and a signature by a key other than the leaf's", async () => {
    const jws = await signJson(RECEIPT_TYPE, receipt(), signer(platform));
    const [h, p, s] = jws.split(".");
    const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, "base64url").toString()), size: 1 })).toString("base64url");
    await expect(verifySignedJson(`${h}.${edited}.${s}`)).rejects.toMatchObject({ code: "BAD_SIGNATURE" });
    const lying = await signJson(RECEIPT_TYPE, receipt(), {
      key: createPrivateKey(other.keyPem),
      x5c: [platform.certDer.toString("base64")],
    });
    await expect(verifySignedJson(lying)).rejects.toMatchObject({ code: "BAD_SIGNATURE" });
  });

  it("checks the payload against its type, and refuses what is not a JWS", async () => {
    await expect(signJson(RECEIPT_TYPE, { ...receipt(), envelopeSha256: "xyz" }, signer(platform))).rejects.toThrow();
    const confirmation = await signJson(
      CONFIRMATION_TYPE,
      {
        format: "bidhall.confirmation/1",
        openingId: "op-1",
        recordSha256: "c".repeat(64),
        decision: "confirm",
        signedAt: "2026-11-23T02:30:00.000Z",
      },
      signer(other),
    );
    await expect(verifySignedJson(confirmation)).resolves.toMatchObject({ typ: CONFIRMATION_TYPE, payload: { decision: "confirm" } });
    await expect(verifySignedJson("hello")).rejects.toMatchObject({ code: "NOT_JWS" });
  });
});
