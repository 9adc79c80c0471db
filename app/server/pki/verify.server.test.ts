import { createPrivateKey, sign, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derToPem } from "#app/crypto/pki/der.ts";
import { buildCsr, generateEnrolmentKey, importNonExtractableKeys } from "#app/crypto/pki/enrolment.ts";
import { keyPossessionMessage, signChallenge } from "#app/crypto/pki/key-possession.ts";
import {
  createIssuingCa,
  createRootCa,
  issuePersonCertificate,
  issuePlatformSigningCertificate,
  type CertificateWithKey,
} from "./ca.server.ts";
import { createCrl, type RevokedEntry } from "./crl.server.ts";
import { TempDir } from "./testing/openssl.server.ts";
import { verifyCertificateChain, verifySignedChallenge } from "./verify.server.ts";
import { forgePublicKeyFromSpki, parseCertificatePem, randomSerialHex, signCertificate } from "./x509.server.ts";

const subtle = globalThis.crypto.subtle;
const NOW = new Date("2026-03-01T08:00:00Z");
const SOON = new Date("2026-03-02T08:00:00Z");
const attime = (d: Date) => ["-attime", String(Math.floor(d.getTime() / 1000))];

let dir: TempDir;
let root: CertificateWithKey;
let otherRoot: CertificateWithKey;
let issuing: CertificateWithKey;
let personKeys: CryptoKeyPair;
let person: ReturnType<typeof issuePersonCertificate>;
let signingKey: CryptoKey;

beforeAll(async () => {
  dir = new TempDir();
  [root, otherRoot, personKeys] = await Promise.all([
    createRootCa({ commonName: "bidhall Root CA", organization: "bidhall", now: NOW, years: 20 }),
    createRootCa({
      commonName: "Someone Else Root",
      organization: "elsewhere",
      now: NOW,
      years: 20,
    }),
    generateEnrolmentKey(subtle),
  ]);
  issuing = await createIssuingCa(root, {
    commonName: "bidhall Issuing CA",
    organization: "bidhall",
    now: NOW,
    years: 10,
  });
  person = issuePersonCertificate({
    issuing,
    csrPem: await buildCsr(personKeys, subtle, { commonName: "王五" }),
    subject: {
      personName: "王五",
      organizationName: "某某建设集团有限公司",
      uscc: "91350100M000100Y43",
    },
    now: NOW,
    validityDays: 365,
    crlDistributionUrl: "https://bidhall.example/pki/issuing.crl",
  });
  const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", personKeys.privateKey));
  ({ signingKey } = await importNonExtractableKeys(pkcs8, subtle));
  dir.write("root.pem", root.certificatePem);
  dir.write("other-root.pem", otherRoot.certificatePem);
  dir.write("issuing.pem", issuing.certificatePem);
  dir.write("person.pem", person.certificatePem);
}, 60_000);

afterAll(() => dir?.remove());

const base = () => ({
  leafPem: person.certificatePem,
  chainPem: [issuing.certificatePem],
  rootPem: root.certificatePem,
});

function crlOf(ca: CertificateWithKey, revoked: RevokedEntry[], thisUpdate = NOW, days = 7) {
  return createCrl({
    issuing: ca,
    revoked,
    thisUpdate,
    nextUpdate: new Date(thisUpdate.getTime() + days * 86_400_000),
    crlNumber: 1,
  });
}

function opensslVerify(at: Date, extra: string[] = [], leaf = "person.pem", rootFile = "root.pem") {
  return dir.openssl(["verify", ...attime(at), ...extra, "-CAfile", rootFile, "-untrusted", "issuing.pem", leaf]);
}

describe("verifyCertificateChain", () => {
  it("accepts a good chain and describes it", () => {
    const result = verifyCertificateChain({ ...base(), at: SOON });
    expect(result).toMatchObject({ ok: true, revocationChecked: false });
    if (!result.ok) throw new Error("unreachable");
    expect(result.leaf.subject).toEqual({
      countryName: "CN",
      organizationName: "某某建设集团有限公司",
      organizationIdentifier: "91350100M000100Y43",
      commonName: "王五",
    });
    expect(result.leaf.serialHex).toBe(person.serialHex);
    expect(result.leaf.fingerprint256).toBe(person.fingerprint256);
    expect(result.path.map((c) => c.subject.commonName)).toEqual(["王五", "bidhall Issuing CA", "bidhall Root CA"]);
    expect(opensslVerify(SOON).status).toBe(0);
  });

  it("finds the intermediate among extras in any order", () => {
    const result = verifyCertificateChain({
      ...base(),
      chainPem: [otherRoot.certificatePem, root.certificatePem, issuing.certificatePem],
      at: SOON,
    });
    expect(result.ok).toBe(true);
  });

  it("EXPIRED after notAfter (inclusive bound) and NOT_YET_VALID before notBefore, like openssl", () => {
    expect(verifyCertificateChain({ ...base(), at: person.notAfter }).ok).toBe(true);
    const after = new Date(person.notAfter.getTime() + 1000);
    expect(verifyCertificateChain({ ...base(), at: after })).toMatchObject({
      ok: false,
      reason: "EXPIRED",
      certificate: { serialHex: person.serialHex },
    });
    expect(opensslVerify(after).output).toContain("certificate has expired");

    const before = new Date(NOW.getTime() - 1000);
    expect(verifyCertificateChain({ ...base(), at: before })).toMatchObject({
      ok: false,
      reason: "NOT_YET_VALID",
    });
    expect(opensslVerify(before).output).toContain("certificate is not yet valid");
  });

  it("UNTRUSTED for another root or a missing intermediate", () => {
    expect(verifyCertificateChain({ ...base(), rootPem: otherRoot.certificatePem, at: SOON })).toMatchObject({
      ok: false,
      reason: "UNTRUSTED",
    });
    expect(opensslVerify(SOON, [], "person.pem", "other-root.pem").status).not.toBe(0);
    expect(verifyCertificateChain({ ...base(), chainPem: [], at: SOON })).toMatchObject({
      ok: false,
      reason: "UNTRUSTED",
    });
    // a self-signed certificate smuggled in as an "intermediate" is not followed
    expect(
      verifyCertificateChain({
        leafPem: issuing.certificatePem,
        chainPem: [otherRoot.certificatePem],
        rootPem: otherRoot.certificatePem,
        at: SOON,
      }),
    ).toMatchObject({ ok: false, reason: "UNTRUSTED" });
  });

  it("BAD_SIGNATURE for a tampered certificate", () => {
    const der = new Uint8Array(new X509Certificate(person.certificatePem).raw);
    der[der.length - 10]! ^= 0x01; // inside the signature value
    const tampered = derToPem("CERTIFICATE", der);
    expect(verifyCertificateChain({ ...base(), leafPem: tampered, at: SOON })).toMatchObject({
      ok: false,
      reason: "BAD_SIGNATURE",
    });
    dir.write("tampered.pem", tampered);
    expect(opensslVerify(SOON, [], "tampered.pem").output).toContain("certificate signature failure");
  });

  it("NOT_A_CA when an end-entity certificate is used to issue another", async () => {
    const personKey = createPrivateKey({
      key: Buffer.from(await subtle.exportKey("pkcs8", personKeys.privateKey)),
      format: "der",
      type: "pkcs8",
    });
    const parsedPerson = parseCertificatePem(person.certificatePem);
    const cert = forge.pki.createCertificate();
    cert.serialNumber = randomSerialHex();
    cert.publicKey = forgePublicKeyFromSpki(parsedPerson.spkiDer);
    cert.validity.notBefore = NOW;
    cert.validity.notAfter = new Date("2026-12-01T00:00:00Z");
    cert.setSubject([{ shortName: "CN", value: "sub" }]);
    cert.setIssuer([{ shortName: "CN", value: "placeholder" }]);
    const { pem } = signCertificate(cert, personKey, parsedPerson.subjectDer);
    const result = verifyCertificateChain({
      leafPem: pem,
      chainPem: [person.certificatePem, issuing.certificatePem],
      rootPem: root.certificatePem,
      at: SOON,
    });
    expect(result).toMatchObject({
      ok: false,
      reason: "NOT_A_CA",
      certificate: { serialHex: person.serialHex },
    });
    dir.write("sub.pem", pem);
    dir.write("sub-chain.pem", person.certificatePem + issuing.certificatePem);
    const ossl = dir.openssl(["verify", ...attime(SOON), "-CAfile", "root.pem", "-untrusted", "sub-chain.pem", "sub.pem"]);
    expect(ossl.output).toContain("invalid CA certificate");
  });

  it("KEY_USAGE when the leaf does not allow a required usage", () => {
    expect(
      verifyCertificateChain({
        ...base(),
        at: SOON,
        requireKeyUsage: ["digitalSignature", "keyEncipherment"],
      }).ok,
    ).toBe(true);
    expect(verifyCertificateChain({ ...base(), at: SOON, requireKeyUsage: ["keyCertSign"] })).toMatchObject({
      ok: false,
      reason: "KEY_USAGE",
    });
  });

  it("MALFORMED for input that is not a certificate", () => {
    expect(verifyCertificateChain({ ...base(), leafPem: "nope", at: SOON })).toMatchObject({
      ok: false,
      reason: "MALFORMED",
    });
  });
});

describe("revocation", () => {
  it("REVOKED once the revocation date has passed, with the reason, like openssl -crl_check", () => {
    const revokedAt = new Date("2026-03-10T00:00:00Z");
    const crl = crlOf(
      issuing,
      [{ serialHex: person.serialHex, revokedAt, reason: "affiliationChanged" }],
      new Date("2026-03-10T01:00:00Z"),
    );
    const at = new Date("2026-03-11T00:00:00Z");
    expect(verifyCertificateChain({ ...base(), at, crls: [crl.der] })).toMatchObject({
      ok: false,
      reason: "REVOKED",
      revokedAt,
      revocationReason: "affiliationChanged",
      certificate: { serialHex: person.serialHex },
    });
    dir.write("revoking.crl", crl.pem);
    expect(opensslVerify(at, ["-crl_check", "-CRLfile", "revoking.crl"]).output).toContain("certificate revoked");

    // before the revocation date the certificate was good (the same CRL is still current then)
    expect(verifyCertificateChain({ ...base(), at: new Date("2026-03-09T00:00:00Z"), crls: [crl.der] })).toMatchObject({
      ok: true,
      revocationChecked: true,
    });
  });

  it("treats key compromise as revoked at any time", () => {
    const crl = crlOf(
      issuing,
      [
        {
          serialHex: person.serialHex,
          revokedAt: new Date("2026-03-10T00:00:00Z"),
          reason: "keyCompromise",
        },
      ],
      new Date("2026-03-10T01:00:00Z"),
    );
    expect(verifyCertificateChain({ ...base(), at: new Date("2026-03-05T00:00:00Z"), crls: [crl.der] })).toMatchObject({
      ok: false,
      reason: "REVOKED",
      revocationReason: "keyCompromise",
    });
  });

  it("passes a certificate that a current CRL does not list", () => {
    const crl = crlOf(issuing, [{ serialHex: "01", revokedAt: NOW, reason: "superseded" }]);
    expect(verifyCertificateChain({ ...base(), at: SOON, crls: [crl.der] })).toMatchObject({
      ok: true,
      revocationChecked: true,
    });
  });

  it("REVOCATION_UNKNOWN without a usable CRL: none, stale, from the wrong issuer, or forged", () => {
    expect(verifyCertificateChain({ ...base(), at: SOON, crls: [] })).toMatchObject({
      ok: false,
      reason: "REVOCATION_UNKNOWN",
    });
    const stale = crlOf(issuing, [], NOW, 1);
    expect(
      verifyCertificateChain({
        ...base(),
        at: new Date("2026-03-05T00:00:00Z"),
        crls: [stale.der],
      }),
    ).toMatchObject({
      ok: false,
      reason: "REVOCATION_UNKNOWN",
    });
    const fromRoot = crlOf(root, [{ serialHex: person.serialHex, revokedAt: NOW, reason: "keyCompromise" }]);
    expect(verifyCertificateChain({ ...base(), at: SOON, crls: [fromRoot.der] })).toMatchObject({
      ok: false,
      reason: "REVOCATION_UNKNOWN",
    });
    const forged = new Uint8Array(crlOf(issuing, []).der);
    forged[forged.length - 1]! ^= 1;
    expect(verifyCertificateChain({ ...base(), at: SOON, crls: [forged, new Uint8Array([1, 2, 3])] })).toMatchObject({
      ok: false,
      reason: "REVOCATION_UNKNOWN",
    });
  });

  it('crlCheck "all" also needs the root\'s CRL for the issuing CA', () => {
    const leafCrl = crlOf(issuing, []);
    expect(verifyCertificateChain({ ...base(), at: SOON, crls: [leafCrl.der], crlCheck: "all" })).toMatchObject({
      ok: false,
      reason: "REVOCATION_UNKNOWN",
      certificate: { subject: { commonName: "bidhall Issuing CA" } },
    });
    const rootCrl = crlOf(root, []);
    expect(
      verifyCertificateChain({
        ...base(),
        at: SOON,
        crls: [leafCrl.der, rootCrl.der],
        crlCheck: "all",
      }).ok,
    ).toBe(true);
    const issuingSerial = parseCertificatePem(issuing.certificatePem).serialHex;
    const revokingRoot = crlOf(root, [{ serialHex: issuingSerial, revokedAt: NOW, reason: "cACompromise" }]);
    expect(
      verifyCertificateChain({
        ...base(),
        at: SOON,
        crls: [leafCrl.der, revokingRoot.der],
        crlCheck: "all",
      }),
    ).toMatchObject({ ok: false, reason: "REVOKED", revocationReason: "cACompromise" });
  });
});

describe("verifySignedChallenge", () => {
  const challenge = globalThis.crypto.getRandomValues(new Uint8Array(32));

  it("accepts a challenge signed in WebCrypto with the non-extractable key", async () => {
    const signature = await signChallenge(signingKey, challenge, subtle);
    expect(signature.length).toBe(384);
    const result = verifySignedChallenge({
      challenge,
      signature,
      certificatePem: person.certificatePem,
      chainPem: [issuing.certificatePem],
      rootPem: root.certificatePem,
      at: SOON,
      crls: [crlOf(issuing, []).der],
    });
    expect(result).toMatchObject({
      ok: true,
      leaf: { serialHex: person.serialHex, subject: { commonName: "王五" } },
    });
  });

  it("refuses a signature over other bytes, by another key, or without the context label", async () => {
    const common = {
      certificatePem: person.certificatePem,
      chainPem: [issuing.certificatePem],
      rootPem: root.certificatePem,
      at: SOON,
    };
    const signature = await signChallenge(signingKey, challenge, subtle);
    const other = challenge.slice();
    other[0]! ^= 1;
    expect(verifySignedChallenge({ ...common, challenge: other, signature })).toMatchObject({
      ok: false,
      reason: "BAD_CHALLENGE_SIGNATURE",
    });

    const byRoot = new Uint8Array(sign("sha256", keyPossessionMessage(challenge), createPrivateKey(root.privateKeyPem)));
    expect(verifySignedChallenge({ ...common, challenge, signature: byRoot })).toMatchObject({
      ok: false,
      reason: "BAD_CHALLENGE_SIGNATURE",
    });

    // signing the bare challenge (what a hostile server would want) does not prove possession
    const bare = new Uint8Array(await subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, signingKey, challenge));
    expect(verifySignedChallenge({ ...common, challenge, signature: bare })).toMatchObject({
      ok: false,
      reason: "BAD_CHALLENGE_SIGNATURE",
    });

    expect(() => verifySignedChallenge({ ...common, challenge: new Uint8Array(8), signature })).toThrow(RangeError);
  });

  it("reports the chain's reason first (revoked, expired)", async () => {
    const signature = await signChallenge(signingKey, challenge, subtle);
    const common = {
      challenge,
      signature,
      certificatePem: person.certificatePem,
      chainPem: [issuing.certificatePem],
      rootPem: root.certificatePem,
    };
    const crl = crlOf(issuing, [{ serialHex: person.serialHex, revokedAt: NOW, reason: "superseded" }]);
    expect(verifySignedChallenge({ ...common, at: SOON, crls: [crl.der] })).toMatchObject({
      ok: false,
      reason: "REVOKED",
    });
    expect(verifySignedChallenge({ ...common, at: new Date("2030-01-01T00:00:00Z") })).toMatchObject({ ok: false, reason: "EXPIRED" });
  });

  it("accepts the platform's signing certificate too (digitalSignature)", async () => {
    const platform = await issuePlatformSigningCertificate(issuing, {
      commonName: "bidhall platform",
      organization: "bidhall",
      now: NOW,
      validityDays: 365,
    });
    const signature = new Uint8Array(sign("sha256", keyPossessionMessage(challenge), createPrivateKey(platform.privateKeyPem)));
    expect(
      verifySignedChallenge({
        challenge,
        signature,
        certificatePem: platform.certificatePem,
        chainPem: [issuing.certificatePem],
        rootPem: root.certificatePem,
        at: SOON,
      }).ok,
    ).toBe(true);
  }, 30_000);
});
