import { createHash } from "node:crypto";
import {
  DerError,
  algorithmIdentifier,
  childrenOf,
  decodeObjectIdentifier,
  expectTag,
  objectIdentifier,
  octetString,
  readNode,
  sequence,
  setOf,
  smallInteger,
  tlv,
} from "./der.server.ts";
import type { DerNode } from "./der.server.ts";

/**
 * CMS SignedData for PAdES baseline B-B (ETSI EN 319 142-1 §6.3): detached (no eContent), one
 * SignerInfo whose signed attributes are exactly content-type, message-digest and
 * signing-certificate-v2, and no signing-time attribute — in PAdES the claimed signing time is
 * the signature dictionary's /M entry (EN 319 142-1 §5.4 / §6.3, table 1).
 *
 * node-forge's PKCS#7 signer always writes signing-time and cannot add signing-certificate-v2,
 * so the structures are written here directly (STACK.md, "PAdES B-B needs your own SignedData").
 */

export const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  signingCertificate: "1.2.840.113549.1.9.16.2.12",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  sha256: "2.16.840.1.101.3.4.2.1",
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
} as const;

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

export interface IssuerAndSerialNumber {
  /** The issuer Name exactly as encoded in the certificate. */
  issuerDer: Uint8Array;
  /** The serialNumber INTEGER TLV exactly as encoded in the certificate. */
  serialNumberDer: Uint8Array;
}

/**
 * Issuer and serial copied byte for byte from the certificate: a re-encoded Name can differ
 * (string types, attribute order) and then no verifier finds the signer (RFC 5652 §10.2.4).
 */
export function issuerAndSerialNumberOf(certificateDer: Uint8Array): IssuerAndSerialNumber {
  const certificate = expectTag(readNode(certificateDer), 0x30, "Certificate");
  const tbs = expectTag(childrenOf(certificate)[0], 0x30, "TBSCertificate");
  const fields = childrenOf(tbs);
  const start = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version, absent for v1
  const serial = expectTag(fields[start], 0x02, "serialNumber");
  const issuer = expectTag(fields[start + 2], 0x30, "issuer");
  return { issuerDer: issuer.der, serialNumberDer: serial.der };
}

export interface SignedAttributesInput {
  /** SHA-256 of the bytes the PDF's /ByteRange selects. */
  documentDigest: Uint8Array;
  signerCertificateDer: Uint8Array;
}

/**
 * The signed attributes as the DER `SET OF Attribute` (tag 0x31): the exact bytes the signer
 * signs (RFC 5652 §5.4). In the SignerInfo the same content carries the tag [0] IMPLICIT.
 */
export function buildSignedAttributes(input: SignedAttributesInput): Uint8Array {
  if (input.documentDigest.length !== 32) throw new DerError("documentDigest must be SHA-256");
  const attribute = (oid: string, value: Uint8Array) => sequence(objectIdentifier(oid), setOf([value]));
  // RFC 5035 §5.4.1.1: ESSCertIDv2.hashAlgorithm DEFAULT id-sha256, and DER never encodes a
  // DEFAULT value, so it is left out. issuerSerial is OPTIONAL and left out as well: the hash
  // already binds the certificate, and the CAdES baseline treats it only as a hint.
  const essCertIdV2 = sequence(octetString(sha256(input.signerCertificateDer)));
  const signingCertificateV2 = sequence(sequence(essCertIdV2));
  return setOf([
    attribute(OID.contentType, objectIdentifier(OID.data)),
    attribute(OID.messageDigest, octetString(input.documentDigest)),
    attribute(OID.signingCertificateV2, signingCertificateV2),
  ]);
}

export interface SignedDataInput {
  /** As returned by buildSignedAttributes (tag 0x31). */
  signedAttributesDer: Uint8Array;
  /** RSASSA-PKCS1-v1_5 with SHA-256 over signedAttributesDer. */
  signature: Uint8Array;
  /** Signer first, then the issuing CA (EN 319 142-1 §6.3 wants the signing certificate in). */
  certificateChainDer: readonly Uint8Array[];
}

/** A ContentInfo wrapping a detached SignedData, ready for the PDF's /Contents. */
export function buildSignedData(input: SignedDataInput): Uint8Array {
  const [signer] = input.certificateChainDer;
  if (!signer) throw new DerError("the certificate chain is empty");
  if (input.signedAttributesDer[0] !== 0x31) {
    throw new DerError("signedAttributesDer must be the DER SET OF (tag 0x31)");
  }
  const { issuerDer, serialNumberDer } = issuerAndSerialNumberOf(signer);
  // [0] IMPLICIT SET OF Attribute: same length and content, only the tag changes.
  const signedAttrsImplicit = Uint8Array.from(input.signedAttributesDer);
  signedAttrsImplicit[0] = 0xa0;
  const signerInfo = sequence(
    smallInteger(1), // version 1: sid is issuerAndSerialNumber (RFC 5652 §5.3)
    sequence(issuerDer, serialNumberDer),
    // RFC 5754 §2: SHA-2 AlgorithmIdentifiers are generated with absent parameters;
    // §3.2: sha256WithRSAEncryption carries NULL parameters.
    algorithmIdentifier(OID.sha256),
    signedAttrsImplicit,
    algorithmIdentifier(OID.sha256WithRSAEncryption, true),
    octetString(input.signature),
  );
  const signedData = sequence(
    smallInteger(1), // version 1: no attribute certificates, eContentType id-data (§5.1)
    setOf([algorithmIdentifier(OID.sha256)]),
    sequence(objectIdentifier(OID.data)), // detached: eContent absent
    // CertificateSet keeps the chain order (signer first): only signedAttrs must be sorted DER,
    // and some verifiers still look at the first certificate.
    tlv(0xa0, ...input.certificateChainDer),
    setOf([signerInfo]),
  );
  return sequence(objectIdentifier(OID.signedData), tlv(0xa0, signedData));
}

// ---------------------------------------------------------------------------------------------
// Parsing (for verification)

export interface ParsedAttribute {
  oid: string;
  values: DerNode[];
}

export interface ParsedSignerInfo {
  version: number;
  issuerAndSerialNumber: IssuerAndSerialNumber | null;
  digestAlgorithm: string;
  /** Re-tagged to 0x31: the bytes the signature covers. Null when signedAttrs is absent. */
  signedAttributesDer: Uint8Array | null;
  signedAttributes: ParsedAttribute[];
  signatureAlgorithm: string;
  signature: Uint8Array;
  unsignedAttributes: ParsedAttribute[];
}

export interface ParsedSignedData {
  digestAlgorithms: string[];
  encapsulatedContentType: string;
  hasEncapsulatedContent: boolean;
  certificatesDer: Uint8Array[];
  signerInfos: ParsedSignerInfo[];
}

function parseAttributes(node: DerNode): ParsedAttribute[] {
  return childrenOf(node).map((attribute) => {
    const [type, values] = childrenOf(expectTag(attribute, 0x30, "Attribute"));
    return {
      oid: decodeObjectIdentifier(expectTag(type, 0x06, "attrType")),
      values: childrenOf(expectTag(values, 0x31, "attrValues")),
    };
  });
}

function parseSignerInfo(node: DerNode): ParsedSignerInfo {
  const fields = childrenOf(expectTag(node, 0x30, "SignerInfo"));
  let i = 0;
  const version = expectTag(fields[i++], 0x02, "SignerInfo.version").value[0] ?? -1;
  const sid = fields[i++];
  let issuerAndSerialNumber: IssuerAndSerialNumber | null = null;
  if (sid?.tag === 0x30) {
    const [issuer, serial] = childrenOf(sid);
    issuerAndSerialNumber = {
      issuerDer: expectTag(issuer, 0x30, "sid.issuer").der,
      serialNumberDer: expectTag(serial, 0x02, "sid.serialNumber").der,
    };
  }
  const digestAlgorithm = decodeObjectIdentifier(childrenOf(expectTag(fields[i++], 0x30, "digestAlgorithm"))[0]!);
  let signedAttributesDer: Uint8Array | null = null;
  let signedAttributes: ParsedAttribute[] = [];
  if (fields[i]?.tag === 0xa0) {
    const implicit = fields[i++]!;
    signedAttributesDer = Uint8Array.from(implicit.der);
    signedAttributesDer[0] = 0x31; // RFC 5652 §5.4: the signature covers the SET OF encoding
    signedAttributes = parseAttributes(readNode(signedAttributesDer));
  }
  const signatureAlgorithm = decodeObjectIdentifier(childrenOf(expectTag(fields[i++], 0x30, "signatureAlgorithm"))[0]!);
  const signature = expectTag(fields[i++], 0x04, "signature").value;
  const unsigned = fields[i]?.tag === 0xa1 ? parseAttributes(fields[i]!) : [];
  return {
    version,
    issuerAndSerialNumber,
    digestAlgorithm,
    signedAttributesDer,
    signedAttributes,
    signatureAlgorithm,
    signature,
    unsignedAttributes: unsigned,
  };
}

/** Parses a DER ContentInfo holding SignedData; trailing bytes (the zero padding) are ignored. */
export function parseSignedData(contentInfoDer: Uint8Array): ParsedSignedData {
  const contentInfo = childrenOf(expectTag(readNode(contentInfoDer), 0x30, "ContentInfo"));
  const contentType = decodeObjectIdentifier(expectTag(contentInfo[0], 0x06, "contentType"));
  if (contentType !== OID.signedData) throw new DerError(`not SignedData: ${contentType}`);
  const explicit = expectTag(contentInfo[1], 0xa0, "content");
  const fields = childrenOf(expectTag(childrenOf(explicit)[0], 0x30, "SignedData"));
  let i = 1; // skip version
  const digestAlgorithms = childrenOf(expectTag(fields[i++], 0x31, "digestAlgorithms")).map((alg) =>
    decodeObjectIdentifier(childrenOf(alg)[0]!),
  );
  const encap = childrenOf(expectTag(fields[i++], 0x30, "encapContentInfo"));
  const encapsulatedContentType = decodeObjectIdentifier(expectTag(encap[0], 0x06, "eContentType"));
  const certificatesDer = fields[i]?.tag === 0xa0 ? childrenOf(fields[i++]!).map((c) => c.der) : [];
  if (fields[i]?.tag === 0xa1) i++; // crls
  const signerInfos = childrenOf(expectTag(fields[i], 0x31, "signerInfos")).map(parseSignerInfo);
  return {
    digestAlgorithms,
    encapsulatedContentType,
    hasEncapsulatedContent: encap.length > 1,
    certificatesDer,
    signerInfos,
  };
}
