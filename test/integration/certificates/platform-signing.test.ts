import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import forge from "node-forge";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECEIPT_TYPE, signJson } from "#app/crypto/jws/signed-json.ts";
import { renderSampleRecord } from "#app/server/pdf/render/sample-record.server.ts";
import { signPdf } from "#app/server/pdf/sign/sign-pdf.server.ts";
import { platformSigner } from "#app/server/pdf/sign/signer.server.ts";
import { encryptPrivateKey } from "#app/server/pki/key-storage.server.ts";
import { ensurePlatformPki, hasPlatformPurpose, listPlatformCertificates, loadIssuingCa } from "#app/server/pki/platform-pki.server.ts";
import { forgetPlatformSigningIdentity, loadPlatformSigningIdentity } from "#app/server/pki/platform-signer.server.ts";
import { parseCertificatePem, signCertificate } from "#app/server/pki/x509.server.ts";
import type { LoadedOpeningBid } from "#app/server/repo/openings.server.ts";
import { resolvePkiPassphrase } from "#app/server/secrets.server.ts";
import { verifySignedDocument } from "#app/services/documents/verify-signed-document.server.ts";
import { decryptStoredEnvelope, receiptOf } from "#app/services/opening/bid-package-checks.server.ts";
import { alterAndCountersign } from "#test/fixtures/pdf/forgery.ts";
import { enrol, organisationWithMember, type Enrolment } from "../bidding/helpers/bids.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * Decision 27 on a real database: a platform created before the platform's purpose existed gets
 * a new signing certificate at start, keeps the old one as a pin, and the server's own checks of
 * receipts and records accept only its own certificates — never a bidder's of the same CA.
 */
describe("the platform's document-signing certificate", () => {
  let app: TestApp;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-platform-signing-"));
  let legacy: { certificatePem: string; privateKeyPem: string };
  let bidder: Enrolment;
  let bidderName: string;

  const receipt = (signer: { key: Parameters<typeof signJson>[2]["key"]; x5c: string[] }) =>
    signJson(
      RECEIPT_TYPE,
      {
        format: "bidhall.receipt/1",
        receiptNo: ulid(),
        sectionId: "00000000-0000-4000-8000-000000000000",
        bidderUscc: "91350100M000100Y43",
        version: 1,
        envelopeSha256: "a".repeat(64),
        packageDigest: "b".repeat(64),
        size: 1024,
        receivedAt: app.clock.now().toISOString(),
      },
      signer,
    );
  const record = (keyPem: string, chain: string[]) =>
    renderSampleRecord().then((pdf) =>
      signPdf(pdf, platformSigner(keyPem, chain), {
        fieldName: "platform",
        reason: "开标记录",
        location: "福州",
        signerName: "bidhall",
        signingTime: app.clock.now(),
      }),
    );

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    // This database as one created before decision 27 left it: a platform certificate without the
    // purpose (emailProtection only), issued by the issuing CA at the platform clock's now.
    const issuing = await loadIssuingCa(app);
    const keys = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey.export({ type: "spki", format: "pem" }).toString());
    cert.serialNumber = `41${randomBytes(15).toString("hex")}`;
    cert.validity.notBefore = app.clock.now();
    cert.validity.notAfter = new Date(app.clock.now().getTime() + 30 * 86_400_000);
    const name = [
      { shortName: "C", value: "CN" },
      { shortName: "O", value: "bidhall 电子招投标平台", valueTagClass: forge.asn1.Type.UTF8 },
      { shortName: "CN", value: "bidhall 平台签名 Platform Signing", valueTagClass: forge.asn1.Type.UTF8 },
    ] as unknown as forge.pki.CertificateField[];
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.setExtensions([
      { name: "basicConstraints", critical: true, cA: false },
      { name: "keyUsage", critical: true, digitalSignature: true, nonRepudiation: true },
      { name: "extKeyUsage", emailProtection: true },
    ]);
    const issuer = parseCertificatePem(issuing.certificatePem);
    legacy = {
      certificatePem: signCertificate(cert, createPrivateKey(issuing.privateKeyPem), issuer.subjectDer).pem,
      privateKeyPem: keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    };
    const parsed = parseCertificatePem(legacy.certificatePem);
    await app.db
      .updateTable("pki_authorities")
      .set({
        serial_hex: parsed.serialHex,
        certificate_pem: legacy.certificatePem,
        encrypted_private_key_pem: encryptPrivateKey(legacy.privateKeyPem, resolvePkiPassphrase(app.config, app.log)),
        fingerprint_sha256: new X509Certificate(legacy.certificatePem).fingerprint256,
        not_before: parsed.notBefore,
        not_after: parsed.notAfter,
      })
      .where("role", "=", "platform")
      .execute();
    forgetPlatformSigningIdentity(app);
    bidderName = "闽江路桥建设有限公司";
    const member = await organisationWithMember(app, { name: bidderName, kinds: ["bidder"], roles: ["admin", "bid"] });
    bidder = await enrol(app, member);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  let legacyReceipt: string;
  let legacyRecord: Uint8Array;

  it("a platform from before the purpose gets a new signing certificate at start, once; the old one stays as a pin without its key", async () => {
    const before = await loadPlatformSigningIdentity(app);
    expect(before.certificatePem).toBe(legacy.certificatePem);
    legacyReceipt = await receipt(before);
    legacyRecord = await record(legacy.privateKeyPem, [legacy.certificatePem, ...before.chainPem]);

    const first = await ensurePlatformPki(app);
    expect(first).toMatchObject({ created: false, renewed: true });
    expect((await ensurePlatformPki(app)).renewed).toBe(false);

    const [current, old, ...more] = await listPlatformCertificates(app.db);
    expect(more).toEqual([]);
    expect(current).toMatchObject({ status: "current" });
    expect(hasPlatformPurpose(current!.certificatePem)).toBe(true);
    expect(parseCertificatePem(current!.certificatePem).subject.commonName).toBe("bidhall 平台签名 Platform Signing");
    expect(old).toMatchObject({ status: "legacy", certificatePem: legacy.certificatePem });
    const retired = await app.db.selectFrom("pki_retired_platform_certificates").selectAll().execute();
    expect(retired).toHaveLength(1);
    expect(retired[0]).not.toHaveProperty("encrypted_private_key_pem");
    const audits = await app.db
      .selectFrom("audit_log")
      .select(["type", "data"])
      .where("type", "=", "pki.platform_certificate_renewed")
      .execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.data).toMatchObject({ retiredSerial: old!.serialHex, platformSerial: current!.serialHex, reason: "no-platform-eku" });

    const after = await loadPlatformSigningIdentity(app);
    expect(after.certificatePem).toBe(current!.certificatePem);
  });

  it("the server's verification accepts its own receipts, current and legacy, and refuses a bidder's", async () => {
    const identity = await loadPlatformSigningIdentity(app);
    const own = await verifySignedDocument(app, { bytes: Buffer.from(await receipt(identity)) });
    expect(own).toMatchObject({ kind: "jws", valid: true, problems: [] });
    expect(own.signers[0]!.description).toBe("platform: CN=bidhall 平台签名 Platform Signing, O=bidhall 电子招投标平台");

    const old = await verifySignedDocument(app, { bytes: Buffer.from(legacyReceipt) });
    expect(old).toMatchObject({ valid: true, problems: [] });
    expect(old.signers[0]!.description).toMatch(/^platform \(legacy, no EKU\): CN=bidhall 平台签名 Platform Signing/);

    const forged = await verifySignedDocument(app, { bytes: Buffer.from(await receipt({ key: bidder.privateKey, x5c: bidder.x5c })) });
    expect(forged.valid).toBe(false);
    expect(forged.signers[0]!.description).toMatch(new RegExp(`^person: CN=${bidderName}经办人, O=${bidderName}, USCC [0-9A-Z]{18}$`));
    expect(forged.problems.join()).toContain("a receipt must be signed by the platform, not by person:");
  });

  it("at the opening, a stored receipt the platform did not sign is the platform's failure, checked before the envelope is touched", async () => {
    const forged = await receipt({ key: bidder.privateKey, x5c: bidder.x5c });
    const bid = { receiptJws: forged, storageKey: "no-such-object" } as LoadedOpeningBid;
    const checked = await receiptOf(app, bid);
    expect(checked).toMatchObject({ ok: false, failure: "ENVELOPE_HASH_MISMATCH" });
    const opened = await decryptStoredEnvelope(app, bid, new Uint8Array(32), scratch);
    expect(opened).toMatchObject({ ok: false, failure: "ENVELOPE_HASH_MISMATCH" });
    expect(!opened.ok && opened.detail).toMatch(/^the stored receipt: a receipt must be signed by the platform, not by person: /);
    expect(await receiptOf(app, { receiptJws: legacyReceipt })).toMatchObject({ ok: true });
  });

  it("the server's verification refuses a platform record changed after signing and countersigned by a bidder of the same CA", async () => {
    const identity = await loadPlatformSigningIdentity(app);
    const key = identity.key.export({ type: "pkcs8", format: "pem" }).toString();
    const genuine = await record(key, [identity.certificatePem, ...identity.chainPem]);
    const ok = await verifySignedDocument(app, { bytes: genuine });
    expect(ok).toMatchObject({ kind: "pdf", valid: true, problems: [] });
    expect(ok.signers[0]!.description).toBe("platform: CN=bidhall 平台签名 Platform Signing, O=bidhall 电子招投标平台");

    const bidderSigner = platformSigner(bidder.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), [
      bidder.certificatePem,
      ...identity.chainPem,
    ]);
    const forged = await verifySignedDocument(app, {
      bytes: await alterAndCountersign(genuine, bidderSigner, "page-content", app.clock.now()),
    });
    expect(forged.valid).toBe(false);
    expect(forged.problems.join("\n")).toMatch(/^platform: changed after signing: /m);
    expect(forged.signers.map((s) => s.description)).toEqual([ok.signers[0]!.description, expect.stringMatching(/^person: CN=/)]);

    const old = await verifySignedDocument(app, { bytes: legacyRecord });
    expect(old).toMatchObject({ valid: true });
    expect(old.signers[0]!.description).toMatch(/^platform \(legacy, no EKU\)/);
    // A bidder's certificate in the platform's field is refused even with nothing changed.
    const inPlatformField = await signPdf(await renderSampleRecord(), bidderSigner, {
      fieldName: "platform",
      reason: "开标记录",
      location: "福州",
      signerName: "福州市公共资源交易中心",
      signingTime: app.clock.now(),
    });
    const refused = await verifySignedDocument(app, { bytes: inPlatformField });
    expect(refused.valid).toBe(false);
    expect(refused.problems.join()).toMatch(/platform: signed by person: .*, not by the platform/);
  });

  it("refuses what is not a signed document, and a document over the limit", async () => {
    await expect(verifySignedDocument(app, { bytes: Buffer.from("hello\u0000") })).rejects.toMatchObject({ code: "DOCUMENT_NOT_SIGNED" });
    await expect(verifySignedDocument(app, { bytes: new Uint8Array(32 * 1024 * 1024 + 1) })).rejects.toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
    });
    const edited = (await receipt(await loadPlatformSigningIdentity(app))).split(".");
    edited[1] = Buffer.from(JSON.stringify({ format: "bidhall.receipt/1" })).toString("base64url");
    const tampered = await verifySignedDocument(app, { bytes: Buffer.from(edited.join(".")) });
    expect(tampered).toMatchObject({ kind: "jws", valid: false });
  });
});
