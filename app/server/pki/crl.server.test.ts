import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCsr, generateEnrolmentKey } from "#app/crypto/pki/enrolment.ts";
import { createIssuingCa, createRootCa, issuePersonCertificate, type CertificateWithKey } from "./ca.server.ts";
import { createCrl, crlIssuedBy, parseCrl } from "./crl.server.ts";
import { TempDir } from "./testing/openssl.server.ts";
import { parseCertificatePem } from "./x509.server.ts";

const subtle = globalThis.crypto.subtle;
const NOW = new Date("2026-03-01T08:00:00Z");
const LATER = new Date("2026-06-01T00:00:00Z");
const attime = (d: Date) => ["-attime", String(Math.floor(d.getTime() / 1000))];

let dir: TempDir;
let root: CertificateWithKey;
let issuing: CertificateWithKey;
let revokedCert: { certificatePem: string; serialHex: string };
let goodCert: { certificatePem: string; serialHex: string };

beforeAll(async () => {
  dir = new TempDir();
  let keys: CryptoKeyPair;
  [root, keys] = await Promise.all([
    createRootCa({ commonName: "bidhall Root CA", organization: "bidhall", now: NOW, years: 20 }),
    generateEnrolmentKey(subtle),
  ]);
  issuing = await createIssuingCa(root, {
    commonName: "bidhall Issuing CA",
    organization: "bidhall",
    now: NOW,
    years: 10,
  });
  const csrPem = await buildCsr(keys, subtle, { commonName: "李四" });
  // Two certificates for one key: revocation is by serial, so that is all the test needs.
  const issue = () =>
    issuePersonCertificate({
      issuing,
      csrPem,
      subject: {
        personName: "李四",
        organizationName: "某某咨询有限公司",
        uscc: "91350100M000100Y43",
      },
      now: NOW,
      validityDays: 365,
      crlDistributionUrl: "http://bidhall.example/pki/issuing.crl",
    });
  revokedCert = issue();
  goodCert = issue();
  dir.write("root.pem", root.certificatePem);
  dir.write("issuing.pem", issuing.certificatePem);
  dir.write("revoked.pem", revokedCert.certificatePem);
  dir.write("good.pem", goodCert.certificatePem);
}, 60_000);

afterAll(() => dir?.remove());

describe("createCrl", () => {
  it("writes a v2 CRL that OpenSSL reads, verifies and enforces", () => {
    const crl = createCrl({
      issuing,
      revoked: [
        {
          serialHex: revokedCert.serialHex,
          revokedAt: new Date("2026-04-01T10:00:00Z"),
          reason: "keyCompromise",
        },
        { serialHex: "0a1b", revokedAt: new Date("2026-04-02T10:00:00Z"), reason: "unspecified" },
        {
          serialHex: "ff",
          revokedAt: new Date("2026-04-03T10:00:00Z"),
          reason: "affiliationChanged",
        },
      ],
      thisUpdate: new Date("2026-05-01T00:00:00Z"),
      nextUpdate: new Date("2026-05-08T00:00:00Z"),
      crlNumber: 7,
    });
    expect(crl.pem).toMatch(/^-----BEGIN X509 CRL-----\n/);
    dir.write("crl.pem", crl.pem);
    dir.write("crl.der", crl.der);

    const text = dir.openssl(["crl", "-in", "crl.pem", "-noout", "-text"]).stdout;
    expect(text).toContain("Version 2 (0x1)");
    expect(text).toContain("Signature Algorithm: sha256WithRSAEncryption");
    expect(text).toContain("Issuer: C = CN, O = bidhall, CN = bidhall Issuing CA");
    expect(text).toContain("Last Update: May  1 00:00:00 2026 GMT");
    expect(text).toContain("Next Update: May  8 00:00:00 2026 GMT");
    expect(text).toMatch(/X509v3 CRL Number:\s+7/);
    expect(text).toContain("X509v3 Authority Key Identifier");
    const serialUpper = revokedCert.serialHex.toUpperCase();
    expect(text).toMatch(
      new RegExp(
        `Serial Number: ${serialUpper}\\s+Revocation Date: Apr  1 10:00:00 2026 GMT\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`,
      ),
    );
    // "unspecified" is expressed by leaving the reason code out (RFC 5280 §5.3.1)
    expect(text).toMatch(/Serial Number: 0A1B\s+Revocation Date: Apr {2}2 10:00:00 2026 GMT\s+Serial Number: FF/);
    expect(text).toContain("Affiliation Changed");

    // DER form is the same CRL
    expect(dir.openssl(["crl", "-in", "crl.der", "-inform", "DER", "-noout", "-hash"]).status).toBe(0);
    // signature checks against the issuing CA
    expect(dir.openssl(["crl", "-in", "crl.pem", "-noout", "-CAfile", "issuing.pem"]).output).toContain("verify OK");

    const at = attime(new Date("2026-05-02T00:00:00Z"));
    const revoked = dir.openssl([
      "verify",
      ...at,
      "-crl_check",
      "-CRLfile",
      "crl.pem",
      "-CAfile",
      "root.pem",
      "-untrusted",
      "issuing.pem",
      "revoked.pem",
    ]);
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toContain("certificate revoked");

    const good = dir.openssl([
      "verify",
      ...at,
      "-crl_check",
      "-CRLfile",
      "crl.pem",
      "-CAfile",
      "root.pem",
      "-untrusted",
      "issuing.pem",
      "good.pem",
    ]);
    expect(good.output).toContain("good.pem: OK");
    expect(good.status).toBe(0);
  });

  it("omits revokedCertificates when nothing is revoked, and handles dates past 2049 and big CRL numbers", () => {
    const crl = createCrl({
      issuing,
      revoked: [],
      thisUpdate: new Date("2049-12-31T00:00:00Z"),
      nextUpdate: new Date("2050-01-02T00:00:00Z"),
      crlNumber: 2n ** 100n,
    });
    dir.write("empty.pem", crl.pem);
    const text = dir.openssl(["crl", "-in", "empty.pem", "-noout", "-text"]).stdout;
    expect(text).toContain("No Revoked Certificates.");
    expect(text).toContain("Last Update: Dec 31 00:00:00 2049 GMT");
    expect(text).toContain("Next Update: Jan  2 00:00:00 2050 GMT");
    expect(text).toMatch(/X509v3 CRL Number:\s+1267650600228229401496703205376/); // 2^100
    const parsed = parseCrl(crl.der);
    expect(parsed.crlNumber).toBe(2n ** 100n);
    expect(parsed.nextUpdate?.toISOString()).toBe("2050-01-02T00:00:00.000Z");
    expect(parsed.revoked.size).toBe(0);
  });

  it("refuses duplicate serials, unknown reasons and empty periods", () => {
    const base = { issuing, thisUpdate: NOW, nextUpdate: LATER, crlNumber: 1 };
    expect(() =>
      createCrl({
        ...base,
        revoked: [
          { serialHex: "01", revokedAt: NOW, reason: "superseded" },
          { serialHex: "0001", revokedAt: NOW, reason: "superseded" },
        ],
      }),
    ).toThrow(expect.objectContaining({ code: "INVALID_CRL" }));
    expect(() =>
      createCrl({
        ...base,
        revoked: [{ serialHex: "01", revokedAt: NOW, reason: "removeFromCRL" as never }],
      }),
    ).toThrow(expect.objectContaining({ code: "INVALID_CRL" }));
    expect(() => createCrl({ ...base, nextUpdate: NOW, revoked: [] })).toThrow(expect.objectContaining({ code: "INVALID_CRL" }));
  });
});

describe("parseCrl", () => {
  it("reads back what createCrl wrote and checks its issuer", () => {
    const crl = createCrl({
      issuing,
      revoked: [
        {
          serialHex: revokedCert.serialHex,
          revokedAt: new Date("2026-04-01T10:00:00Z"),
          reason: "cessationOfOperation",
        },
      ],
      thisUpdate: NOW,
      nextUpdate: LATER,
      crlNumber: 3,
    });
    const parsed = parseCrl(crl.pem);
    expect(parsed.crlNumber).toBe(3n);
    expect(parsed.thisUpdate).toEqual(NOW);
    expect(parsed.revoked.get(revokedCert.serialHex)).toEqual({
      revokedAt: new Date("2026-04-01T10:00:00Z"),
      reason: "cessationOfOperation",
    });
    expect(parsed.unknownCriticalExtensions).toEqual([]);
    expect(crlIssuedBy(parsed, parseCertificatePem(issuing.certificatePem))).toBe(true);
    expect(crlIssuedBy(parsed, parseCertificatePem(root.certificatePem))).toBe(false);

    const tampered = new Uint8Array(crl.der);
    tampered[tampered.length - 1]! ^= 0x01;
    expect(crlIssuedBy(parseCrl(tampered), parseCertificatePem(issuing.certificatePem))).toBe(false);
    expect(() => parseCrl(new Uint8Array([0x30, 0x03, 0x02, 0x01]))).toThrow(expect.objectContaining({ code: "INVALID_CRL" }));
  });

  it("reads a CRL made by openssl ca -gencrl", () => {
    dir.write("issuing.key", issuing.privateKeyPem);
    const serial = revokedCert.serialHex.toUpperCase();
    // index.txt: status, expiry, revocation date[,reason], serial, file, subject (tab-separated)
    dir.write("index.txt", `R\t270301080000Z\t260401100000Z,keyCompromise\t${serial}\tunknown\t/CN=x\n`);
    dir.write("crlnumber", "2A\n");
    dir.write(
      "ca.cnf",
      [
        "[ca]",
        "default_ca = CA_default",
        "[CA_default]",
        "database = index.txt",
        "crlnumber = crlnumber",
        "default_md = sha256",
        "default_crl_days = 30",
        "crl_extensions = crl_ext",
        "[crl_ext]",
        "authorityKeyIdentifier = keyid:always",
        "",
      ].join("\n"),
    );
    const made = dir.openssl(["ca", "-gencrl", "-config", "ca.cnf", "-keyfile", "issuing.key", "-cert", "issuing.pem", "-out", "ossl.crl"]);
    expect(made.status, made.stderr).toBe(0);
    const der = dir.openssl(["crl", "-in", "ossl.crl", "-outform", "DER", "-out", "ossl.der"]);
    expect(der.status).toBe(0);
    const parsed = parseCrl(new Uint8Array(readFileSync(dir.file("ossl.der"))));
    expect(parsed.crlNumber).toBe(42n);
    expect(parsed.revoked.get(revokedCert.serialHex)?.reason).toBe("keyCompromise");
    expect(crlIssuedBy(parsed, parseCertificatePem(issuing.certificatePem))).toBe(true);
  });
});
