import { createPrivateKey, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCsr, generateEnrolmentKey } from "#app/crypto/pki/enrolment.ts";
import { validateUscc } from "#app/domain/shared/uscc.ts";
import {
  createIssuingCa,
  createRootCa,
  issuePersonCertificate,
  issuePlatformSigningCertificate,
  readCsr,
  type CertificateWithKey,
} from "./ca.server.ts";
import { PkiError } from "./errors.server.ts";
import { TempDir } from "./testing/openssl.server.ts";
import { parseCertificatePem } from "./x509.server.ts";

const subtle = globalThis.crypto.subtle;
const NOW = new Date("2026-03-01T08:00:00.500Z");
const USCC = "91350100M000100Y43";
const CRL_URL = "https://bidhall.example.cn/pki/issuing.crl";

let dir: TempDir;
let root: CertificateWithKey;
let issuing: CertificateWithKey;
let personKeys: CryptoKeyPair;
let personCsr: string;

beforeAll(async () => {
  dir = new TempDir();
  [root, personKeys] = await Promise.all([
    createRootCa({
      commonName: "bidhall Root CA",
      organization: "某市公共资源交易中心",
      now: NOW,
      years: 20,
    }),
    generateEnrolmentKey(subtle),
  ]);
  issuing = await createIssuingCa(root, {
    commonName: "bidhall Issuing CA",
    organization: "某市公共资源交易中心",
    now: NOW,
    years: 10,
  });
  personCsr = await buildCsr(personKeys, subtle, { commonName: "张三" });
  dir.write("root.pem", root.certificatePem);
  dir.write("issuing.pem", issuing.certificatePem);
}, 60_000);

afterAll(() => dir?.remove());

function issue(overrides: Partial<Parameters<typeof issuePersonCertificate>[0]> = {}) {
  return issuePersonCertificate({
    issuing,
    csrPem: personCsr,
    subject: { personName: "张三", organizationName: "福建某某建设有限公司", uscc: USCC },
    now: NOW,
    validityDays: 730,
    crlDistributionUrl: CRL_URL,
    ...overrides,
  });
}

describe("root and issuing CA", () => {
  it("builds a root and an issuing CA that OpenSSL accepts", () => {
    const ok = dir.openssl(["verify", "-CAfile", "root.pem", "issuing.pem"]);
    expect(ok.output).toContain("issuing.pem: OK");
    expect(ok.status).toBe(0);

    const rootText = dir.openssl(["x509", "-in", "root.pem", "-noout", "-text"]).stdout;
    expect(rootText).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(rootText).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(rootText).toContain("Signature Algorithm: sha256WithRSAEncryption");
    expect(rootText).toContain("Public-Key: (3072 bit)");

    const issuingText = dir.openssl(["x509", "-in", "issuing.pem", "-noout", "-text"]).stdout;
    expect(issuingText).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(issuingText).toContain("X509v3 Authority Key Identifier");
    // AKI of the issuing CA is the root's SKI
    const rootParsed = parseCertificatePem(root.certificatePem);
    const issuingParsed = parseCertificatePem(issuing.certificatePem);
    expect(issuingParsed.authorityKeyId).toBe(rootParsed.subjectKeyId);
    expect(issuingParsed.issuerDer).toEqual(rootParsed.subjectDer);
    expect(issuingParsed.notBefore.toISOString()).toBe("2026-03-01T08:00:00.000Z");
    expect(issuingParsed.notAfter.toISOString()).toBe("2036-03-01T08:00:00.000Z");
  });

  it("never lets an issued certificate outlive its issuer", async () => {
    const long = await issuePlatformSigningCertificate(issuing, {
      commonName: "bidhall 平台签章",
      organization: "某市公共资源交易中心",
      now: NOW,
      validityDays: 365 * 30,
    });
    expect(long.notAfter).toEqual(parseCertificatePem(issuing.certificatePem).notAfter);
  }, 30_000);

  it("refuses an issuer whose key does not match its certificate", () => {
    expect(() =>
      issue({
        issuing: { certificatePem: issuing.certificatePem, privateKeyPem: root.privateKeyPem },
      }),
    ).toThrow(expect.objectContaining({ code: "ISSUER_KEY_MISMATCH" }));
  });

  it("refuses to issue when the issuing CA is not valid at `now`", () => {
    expect(() => issue({ now: new Date("2040-01-01T00:00:00Z") })).toThrow(expect.objectContaining({ code: "ISSUER_NOT_VALID" }));
  });
});

describe("platform signing certificate", () => {
  it("is a non-CA document-signing certificate that chains to the root", async () => {
    const platform = await issuePlatformSigningCertificate(issuing, {
      commonName: "bidhall 平台签章",
      organization: "某市公共资源交易中心",
      uscc: USCC,
      now: NOW,
      validityDays: 825,
      crlDistributionUrl: CRL_URL,
    });
    dir.write("platform.pem", platform.certificatePem);
    const ok = dir.openssl(["verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "platform.pem"]);
    expect(ok.output).toContain("platform.pem: OK");
    const text = dir.openssl(["x509", "-in", "platform.pem", "-noout", "-text"]).stdout;
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    // bidhall's platform purpose (a UUID-based OID), RFC 9336 documentSigning, E-mail Protection
    expect(text).toMatch(
      /X509v3 Extended Key Usage:\s+2\.25\.261417669723551347445873177333878885878\.1\.1, (Document Signing|1\.3\.6\.1\.5\.5\.7\.3\.36), E-mail Protection\n/,
    );
    expect(parseCertificatePem(platform.certificatePem).extKeyUsage).toEqual([
      "2.25.261417669723551347445873177333878885878.1.1",
      "1.3.6.1.5.5.7.3.36",
      "1.3.6.1.5.5.7.3.4",
    ]);
    expect(new X509Certificate(platform.certificatePem).keyUsage).toContain("2.25.261417669723551347445873177333878885878.1.1");
    expect(text).toMatch(/CA:FALSE/);
    // the private key returned belongs to the certificate
    const cert = new X509Certificate(platform.certificatePem);
    expect(cert.checkPrivateKey(createPrivateKey(platform.privateKeyPem))).toBe(true);
  }, 30_000);
});

describe("person certificate", () => {
  it("chains to the root under openssl verify", () => {
    const person = issue();
    dir.write("person.pem", person.certificatePem);
    const ok = dir.openssl(["verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "person.pem"]);
    expect(ok.output).toContain("person.pem: OK");
    expect(ok.status).toBe(0);
  });

  it("carries the subject from the record, the USCC as UTF8String organizationIdentifier, and the key usages", () => {
    const person = issue();
    dir.write("person-text.pem", person.certificatePem);
    const text = dir.openssl([
      "x509",
      "-in",
      "person-text.pem",
      "-noout",
      "-text",
      "-nameopt",
      "utf8,sep_comma_plus_space,show_type",
    ]).stdout;
    expect(text).toContain(`organizationIdentifier=UTF8STRING:${USCC}`);
    expect(text).toContain("CN=UTF8STRING:张三");
    expect(text).toContain("O=UTF8STRING:福建某某建设有限公司");
    expect(text).toContain("C=PRINTABLESTRING:CN");
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation, Key Encipherment/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication, E-mail Protection\n/);
    expect(parseCertificatePem(person.certificatePem).extKeyUsage).not.toContain("2.25.261417669723551347445873177333878885878.1.1");
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 CRL Distribution Points:\s+Full Name:\s+URI:https:\/\/bidhall\.example\.cn\/pki\/issuing\.crl/);
    expect(text).toContain("X509v3 Subject Key Identifier");
    expect(text).toContain("X509v3 Authority Key Identifier");
    expect(text).toContain("Public-Key: (3072 bit)");

    const parsed = parseCertificatePem(person.certificatePem);
    expect(parsed.subject).toEqual({
      countryName: "CN",
      organizationName: "福建某某建设有限公司",
      organizationIdentifier: USCC,
      commonName: "张三",
    });
    expect(parsed.authorityKeyId).toBe(parseCertificatePem(issuing.certificatePem).subjectKeyId);
    expect(person.notBefore.toISOString()).toBe("2026-03-01T08:00:00.000Z");
    expect(person.notAfter.toISOString()).toBe("2028-02-29T08:00:00.000Z");
  });

  it("takes only the public key from the CSR, never its subject", async () => {
    const mallory = await buildCsr(personKeys, subtle, { commonName: "Mallory Admin" });
    const person = issue({ csrPem: mallory });
    const parsed = parseCertificatePem(person.certificatePem);
    expect(parsed.subject.commonName).toBe("张三");
    const spki = new Uint8Array(await subtle.exportKey("spki", personKeys.publicKey));
    expect(parsed.spkiDer).toEqual(spki);
  });

  it("uses a random positive 16-octet serial, or the one given", () => {
    const a = issue();
    const b = issue();
    expect(a.serialHex).toMatch(/^[4-7][0-9a-f]{31}$/);
    expect(a.serialHex).not.toBe(b.serialHex);
    expect(new X509Certificate(a.certificatePem).serialNumber.toLowerCase()).toBe(a.serialHex);

    const given = issue({ serial: "00:FF:01" });
    expect(given.serialHex).toBe("ff01");
    dir.write("given.pem", given.certificatePem);
    expect(dir.openssl(["x509", "-in", "given.pem", "-noout", "-serial"]).stdout.trim()).toBe("serial=FF01");
    expect(() => issue({ serial: "00" })).toThrow(expect.objectContaining({ code: "INVALID_SERIAL" }));
    expect(() => issue({ serial: "ab".repeat(21) })).toThrow(expect.objectContaining({ code: "INVALID_SERIAL" }));
  });

  it("refuses a USCC with a wrong check character and names that do not fit", () => {
    expect(validateUscc(USCC).ok).toBe(true);
    expect(validateUscc("91350100M000100Y44").ok).toBe(false);
    expect(() => issue({ subject: { personName: "张三", organizationName: "X", uscc: "91350100M000100Y44" } })).toThrow(
      expect.objectContaining({ code: "INVALID_SUBJECT" }),
    );
    expect(() => issue({ subject: { personName: "  ", organizationName: "X", uscc: USCC } })).toThrow(
      expect.objectContaining({ code: "INVALID_SUBJECT" }),
    );
    expect(() => issue({ crlDistributionUrl: "ftp://x/y.crl" })).toThrow(expect.objectContaining({ code: "INVALID_URL" }));
  });
});

describe("certificate requests", () => {
  it("builds CSRs in WebCrypto that openssl req -verify accepts", () => {
    dir.write("person.csr", personCsr);
    const out = dir.openssl(["req", "-in", "person.csr", "-verify", "-noout", "-text", "-nameopt", "utf8"]);
    expect(out.status).toBe(0);
    expect(out.output).toMatch(/verify OK/);
    expect(out.output).toContain("CN=张三");
    expect(readCsr(personCsr).modulusBits).toBe(3072);
  });

  it("refuses a CSR whose signature was made by a different key", async () => {
    const other = await subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    );
    const forged = await buildCsr({ publicKey: personKeys.publicKey, privateKey: other.privateKey }, subtle, {
      commonName: "张三",
    });
    expect(() => issue({ csrPem: forged })).toThrow(expect.objectContaining({ name: "PkiError", code: "CSR_BAD_SIGNATURE" }));
    dir.write("forged.csr", forged);
    // OpenSSL 3.0 exits 0 here but reports the failure
    expect(dir.openssl(["req", "-in", "forged.csr", "-verify", "-noout"]).output).toContain("self-signature verify failure");
  }, 30_000);

  it("refuses RSA keys shorter than 3072 bits and says so", async () => {
    const short = await subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    );
    const csr = await buildCsr(short, subtle, { commonName: "张三" });
    let error: unknown;
    try {
      issue({ csrPem: csr });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PkiError);
    expect((error as PkiError).code).toBe("CSR_KEY_TOO_SHORT");
    expect((error as PkiError).message).toMatch(/2048 bits refused: at least 3072 bits are required/);
  }, 30_000);

  it("refuses non-RSA keys and garbage", () => {
    dir.openssl([
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "ec.key",
      "-subj",
      "/CN=ec",
      "-out",
      "ec.csr",
    ]);
    const ecCsr = dir.openssl(["req", "-in", "ec.csr"]).stdout;
    expect(() => issue({ csrPem: ecCsr })).toThrow(expect.objectContaining({ code: "CSR_UNSUPPORTED_KEY" }));
    expect(() => issue({ csrPem: "hello" })).toThrow(expect.objectContaining({ code: "CSR_MALFORMED" }));
    const truncated = personCsr.replace(/\n[^\n]+\n-----END/, "\n-----END");
    expect(() => issue({ csrPem: truncated })).toThrow(expect.objectContaining({ code: "CSR_MALFORMED" }));
  });
});
