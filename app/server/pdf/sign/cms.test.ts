import { X509Certificate, constants, createHash, sign, verify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestPki } from "#test/fixtures/pdf/pki.ts";
import type { TestPki } from "#test/fixtures/pdf/pki.ts";
import { OID, buildSignedAttributes, buildSignedData, issuerAndSerialNumberOf, parseSignedData } from "./cms.server.ts";
import { childrenOf, decodeObjectIdentifier, readNode } from "./der.server.ts";

let pki: TestPki;
let leafDer: Uint8Array;
let issuingDer: Uint8Array;

beforeAll(() => {
  pki = createTestPki();
  leafDer = new Uint8Array(new X509Certificate(pki.platform.certPem).raw);
  issuingDer = new Uint8Array(new X509Certificate(pki.issuing.certPem).raw);
});

const digest = new Uint8Array(createHash("sha256").update("the ByteRange bytes").digest());

describe("signed attributes (PAdES B-B)", () => {
  it("are exactly content-type, message-digest and signing-certificate-v2, DER-sorted", () => {
    const der = buildSignedAttributes({
      documentDigest: digest,
      signerCertificateDer: leafDer,
    });
    const set = readNode(der);
    expect(set.tag).toBe(0x31);
    const attributes = childrenOf(set);
    const oids = attributes.map((a) => decodeObjectIdentifier(childrenOf(a)[0]!));
    expect(new Set(oids)).toEqual(new Set([OID.contentType, OID.messageDigest, OID.signingCertificateV2]));
    expect(oids).not.toContain(OID.signingTime);
    const encodings = attributes.map((a) => Buffer.from(a.der));
    expect([...encodings].sort(Buffer.compare)).toEqual(encodings);
  });

  it("bind the signer certificate by SHA-256 with the default hashAlgorithm left out (RFC 5035)", () => {
    const der = buildSignedAttributes({
      documentDigest: digest,
      signerCertificateDer: leafDer,
    });
    const ess = childrenOf(readNode(der)).find((a) => decodeObjectIdentifier(childrenOf(a)[0]!) === OID.signingCertificateV2)!;
    const value = childrenOf(childrenOf(ess)[1]!)[0]!; // SigningCertificateV2
    const certs = childrenOf(value);
    expect(certs).toHaveLength(1); // no policies
    const essCertIdV2 = childrenOf(childrenOf(certs[0]!)[0]!);
    expect(essCertIdV2).toHaveLength(1); // certHash only: no hashAlgorithm, no issuerSerial
    expect(essCertIdV2[0]!.tag).toBe(0x04);
    expect(Buffer.from(essCertIdV2[0]!.value).toString("hex")).toBe(createHash("sha256").update(leafDer).digest("hex"));
  });
});

describe("SignedData", () => {
  it("round-trips: detached, chain in order, signature verifies over the SET OF encoding", () => {
    const signedAttributesDer = buildSignedAttributes({
      documentDigest: digest,
      signerCertificateDer: leafDer,
    });
    const signature = sign("sha256", signedAttributesDer, {
      key: pki.platform.keyPem,
      padding: constants.RSA_PKCS1_PADDING,
    });
    const cms = buildSignedData({
      signedAttributesDer,
      signature,
      certificateChainDer: [leafDer, issuingDer],
    });
    const parsed = parseSignedData(cms);
    expect(parsed.hasEncapsulatedContent).toBe(false);
    expect(parsed.encapsulatedContentType).toBe(OID.data);
    expect(parsed.digestAlgorithms).toEqual([OID.sha256]);
    expect(parsed.certificatesDer.map((c) => Buffer.from(c))).toEqual([Buffer.from(leafDer), Buffer.from(issuingDer)]);
    const [info] = parsed.signerInfos;
    expect(info!.signatureAlgorithm).toBe(OID.sha256WithRSAEncryption);
    expect(Buffer.from(info!.signedAttributesDer!)).toEqual(Buffer.from(signedAttributesDer));
    expect(info!.issuerAndSerialNumber).toEqual(issuerAndSerialNumberOf(leafDer));
    const publicKey = new X509Certificate(leafDer).publicKey;
    expect(verify("sha256", info!.signedAttributesDer!, publicKey, info!.signature)).toBe(true);
  });

  it("copies issuer and serial from the certificate byte for byte", () => {
    const { issuerDer, serialNumberDer } = issuerAndSerialNumberOf(leafDer);
    const x509 = new X509Certificate(leafDer);
    expect(Buffer.from(serialNumberDer.subarray(2)).toString("hex").toUpperCase()).toBe(x509.serialNumber);
    expect(Buffer.from(leafDer).includes(Buffer.from(issuerDer))).toBe(true);
  });
});
