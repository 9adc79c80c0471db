/**
 * X.509 plumbing shared by the CA, CRL and verification modules: reading certificates with exact
 * byte offsets (app/crypto/pki/der-reader.ts), the extension decoders the path check needs
 * (RFC 5280 §4.2), and building certificates with forge while signing with node:crypto (native
 * RSA is ~20× faster than forge's and keeps CA keys as KeyObjects).
 */

import { createPrivateKey, createPublicKey, generateKeyPair, sign, X509Certificate, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import forge from "node-forge";
import { binaryToBytes, bytesToBinary, bytesToHex, derToPem, equalBytes, pemToDer } from "#app/crypto/pki/der.ts";
import {
  children,
  DerError,
  expect,
  is,
  raw,
  readDer,
  readOid,
  readString,
  readTime,
  readUnsignedHex,
  readSmallInteger,
  Tag,
  TagClass,
  value,
  type Tlv,
} from "#app/crypto/pki/der-reader.ts";
import { PkiError } from "./errors.server.ts";

const { asn1, pki } = forge;

export const OID = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  commonName: "2.5.4.3",
  countryName: "2.5.4.6",
  organizationName: "2.5.4.10",
  organizationalUnitName: "2.5.4.11",
  organizationIdentifier: "2.5.4.97",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  cRLNumber: "2.5.29.20",
  reasonCode: "2.5.29.21",
  invalidityDate: "2.5.29.24",
  deltaCRLIndicator: "2.5.29.27",
  issuingDistributionPoint: "2.5.29.28",
  nameConstraints: "2.5.29.30",
  cRLDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  /** id-kp-documentSigning (RFC 9336): signatures over content people read. */
  documentSigning: "1.3.6.1.5.5.7.3.36",
  /**
   * The bidhall arc: 2.25.<the UUID c4ab3639-4320-47cb-a6af-bae3667a0df6 as an integer>
   * (ITU-T X.667 | ISO/IEC 9834-8: a UUID-based OID needs no registration). `.1` = key purposes.
   */
  bidhallArc: "2.25.261417669723551347445873177333878885878",
  /**
   * id-kp-bidhallPlatformDocumentSigning (decision 27): the platform's own document-signing
   * certificate, and only it; the CA never puts it in a person's certificate.
   */
  bidhallPlatformDocumentSigning: "2.25.261417669723551347445873177333878885878.1.1",
} as const;

/** Digest for each RSA PKCS#1 v1.5 signature algorithm we accept (RFC 4055 §5). */
export const RSA_SIGNATURE_DIGESTS: Record<string, "sha256" | "sha384" | "sha512"> = {
  [OID.sha256WithRSAEncryption]: "sha256",
  [OID.sha384WithRSAEncryption]: "sha384",
  [OID.sha512WithRSAEncryption]: "sha512",
};

/** Minimum RSA modulus for any key the platform certifies (ARCHITECTURE.md §3: RSA-3072). */
export const MIN_RSA_BITS = 3072;

export type KeyUsageName =
  | "digitalSignature"
  | "nonRepudiation"
  | "keyEncipherment"
  | "dataEncipherment"
  | "keyAgreement"
  | "keyCertSign"
  | "cRLSign"
  | "encipherOnly"
  | "decipherOnly";

/** RFC 5280 §4.2.1.3: bit 0 is digitalSignature … bit 8 decipherOnly. */
const KEY_USAGE_BITS: KeyUsageName[] = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];

export type SubjectFields = {
  commonName?: string;
  organizationName?: string;
  organizationIdentifier?: string;
  countryName?: string;
};

export type Extension = { critical: boolean; value: Uint8Array };

export type ParsedCertificate = {
  der: Uint8Array;
  version: number;
  /** lowercase magnitude hex, even length (the form CRL entries are compared in) */
  serialHex: string;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  subject: SubjectFields;
  notBefore: Date;
  notAfter: Date;
  spkiDer: Uint8Array;
  extensions: Map<string, Extension>;
  basicConstraints?: { ca: boolean; pathLen?: number };
  keyUsage?: Set<KeyUsageName>;
  extKeyUsage?: string[];
  subjectKeyId?: string;
  authorityKeyId?: string;
};

/** Parses a DER certificate (RFC 5280 §4.1). Throws DerError on anything malformed. */
export function parseCertificateDer(der: Uint8Array): ParsedCertificate {
  const cert = readDer(der);
  const [tbs] = children(expect(cert, Tag.SEQUENCE, "Certificate"));
  const parts = children(expect(tbs, Tag.SEQUENCE, "TBSCertificate"));
  let i = 0;
  let version = 1;
  if (is(parts[0], TagClass.CONTEXT, 0)) {
    version = readSmallInteger(children(parts[0])[0]!) + 1;
    i = 1;
  }
  const serialHex = readUnsignedHex(parts[i]!);
  const issuer = expect(parts[i + 2], Tag.SEQUENCE, "issuer Name");
  const [notBefore, notAfter] = children(expect(parts[i + 3], Tag.SEQUENCE, "Validity"));
  const subject = expect(parts[i + 4], Tag.SEQUENCE, "subject Name");
  const spki = expect(parts[i + 5], Tag.SEQUENCE, "SubjectPublicKeyInfo");

  const extensions = new Map<string, Extension>();
  const extsWrapper = parts.slice(i + 6).find((p) => is(p, TagClass.CONTEXT, 3));
  if (extsWrapper) {
    const [exts] = children(extsWrapper);
    for (const ext of children(expect(exts, Tag.SEQUENCE, "Extensions"))) {
      const [oidNode, second, third] = children(ext);
      const oid = readOid(oidNode!);
      const critical = is(second, TagClass.UNIVERSAL, Tag.BOOLEAN) && value(second)[0] !== 0;
      const octets = expect(third ?? second, Tag.OCTET_STRING, "extnValue");
      // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
      if (extensions.has(oid)) throw new DerError(`duplicate extension ${oid}`);
      extensions.set(oid, { critical, value: value(octets) });
    }
  }

  const parsed: ParsedCertificate = {
    der,
    version,
    serialHex,
    issuerDer: raw(issuer),
    subjectDer: raw(subject),
    subject: readSubjectFields(subject),
    notBefore: readTime(notBefore!),
    notAfter: readTime(notAfter!),
    spkiDer: raw(spki),
    extensions,
  };

  const bc = extensions.get(OID.basicConstraints);
  if (bc) {
    const fields = children(readDer(bc.value));
    const ca = is(fields[0], TagClass.UNIVERSAL, Tag.BOOLEAN) && value(fields[0])[0] !== 0;
    const lenNode = fields.find((f) => is(f, TagClass.UNIVERSAL, Tag.INTEGER));
    parsed.basicConstraints = lenNode ? { ca, pathLen: readSmallInteger(lenNode) } : { ca };
  }
  const ku = extensions.get(OID.keyUsage);
  if (ku) {
    const bits = value(expect(readDer(ku.value), Tag.BIT_STRING, "KeyUsage"));
    const set = new Set<KeyUsageName>();
    KEY_USAGE_BITS.forEach((name, bit) => {
      const byte = bits[1 + (bit >> 3)];
      if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) set.add(name);
    });
    parsed.keyUsage = set;
  }
  const eku = extensions.get(OID.extKeyUsage);
  if (eku) parsed.extKeyUsage = children(readDer(eku.value)).map(readOid);
  const ski = extensions.get(OID.subjectKeyIdentifier);
  if (ski) parsed.subjectKeyId = bytesToHex(value(expect(readDer(ski.value), Tag.OCTET_STRING, "SKI")));
  const aki = extensions.get(OID.authorityKeyIdentifier);
  if (aki) {
    const keyId = children(readDer(aki.value)).find((f) => is(f, TagClass.CONTEXT, 0));
    if (keyId) parsed.authorityKeyId = bytesToHex(value(keyId));
  }
  return parsed;
}

export function parseCertificatePem(pem: string): ParsedCertificate {
  return parseCertificateDer(pemToDer(pem, "CERTIFICATE"));
}

/** Reads the attributes this platform uses from an RDNSequence (RFC 5280 §4.1.2.4). */
export function readSubjectFields(name: Tlv): SubjectFields {
  const out: SubjectFields = {};
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [type, val] = children(atv);
      const oid = readOid(type!);
      const text = readString(val!);
      if (oid === OID.commonName) out.commonName = text;
      else if (oid === OID.organizationName) out.organizationName = text;
      else if (oid === OID.organizationIdentifier) out.organizationIdentifier = text;
      else if (oid === OID.countryName) out.countryName = text;
    }
  }
  return out;
}

/**
 * RFC 5280 §4.1.2.2: serial numbers are positive integers of at most 20 octets. Accepts hex with
 * optional colons/spaces and a leading sign octet; returns the magnitude in lowercase hex with an
 * even number of digits, the form used everywhere in this module (and in CRL comparisons).
 */
export function normaliseSerialHex(input: string): string {
  let hex = input.replace(/[\s:]/g, "").toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) throw new PkiError("INVALID_SERIAL", `serial "${input}" is not hex`);
  hex = hex.replace(/^0+/, "");
  if (hex.length === 0) throw new PkiError("INVALID_SERIAL", "serial must be positive");
  if (hex.length % 2 === 1) hex = "0" + hex;
  const contentOctets = hex.length / 2 + (parseInt(hex[0]!, 16) >= 8 ? 1 : 0);
  if (contentOctets > 20) {
    throw new PkiError("INVALID_SERIAL", "serial is longer than 20 octets (RFC 5280 §4.1.2.2)");
  }
  return hex;
}

/** INTEGER content octets (two's complement, minimal) for a normalised magnitude hex. */
export function serialContentHex(serialHex: string): string {
  return parseInt(serialHex[0]!, 16) >= 8 ? "00" + serialHex : serialHex;
}

/**
 * 16 random octets, high bit cleared so the INTEGER is positive without a sign octet and the
 * next bit set so it is always exactly 16 octets (126 bits of entropy; CA/B Forum asks ≥ 64).
 */
export function randomSerialHex(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytesToHex(bytes);
}

/** X.509 times have whole seconds; everything we return is floored the same way. */
export function floorToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** RFC 5280 §4.1.2.5 / §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050. */
export function timeToAsn1(d: Date): forge.asn1.Asn1 {
  return d.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

export function rsaModulusBits(key: KeyObject): number | undefined {
  return key.asymmetricKeyType === "rsa" ? key.asymmetricKeyDetails?.modulusLength : undefined;
}

export async function generateRsaKeyPair(bits: number): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  if (bits < MIN_RSA_BITS) throw new PkiError("INVALID_KEY", `RSA keys must be at least ${MIN_RSA_BITS} bits`);
  return promisify(generateKeyPair)("rsa", { modulusLength: bits, publicExponent: 0x10001 });
}

export function privateKeyToPem(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }) as string;
}

/** A CA (or any signer): its certificate and its unencrypted PKCS#8 private key, both PEM. */
export type CertificateWithKey = { certificatePem: string; privateKeyPem: string };

export type LoadedIssuer = {
  cert: ParsedCertificate;
  x509: X509Certificate;
  key: KeyObject;
};

/** Parses an issuer and checks that its key belongs to its certificate. */
export function loadIssuer(issuer: CertificateWithKey): LoadedIssuer {
  let cert: ParsedCertificate;
  let x509: X509Certificate;
  let key: KeyObject;
  try {
    cert = parseCertificatePem(issuer.certificatePem);
    x509 = new X509Certificate(issuer.certificatePem);
    key = createPrivateKey(issuer.privateKeyPem);
  } catch (cause) {
    throw new PkiError("INVALID_KEY", "cannot read the issuer's certificate or private key", {
      cause,
    });
  }
  const fromKey = createPublicKey(key).export({ type: "spki", format: "der" });
  if (!equalBytes(new Uint8Array(fromKey), cert.spkiDer)) {
    throw new PkiError("ISSUER_KEY_MISMATCH", "the issuer's private key does not match its certificate");
  }
  if (!cert.basicConstraints?.ca || (cert.keyUsage && !cert.keyUsage.has("keyCertSign"))) {
    throw new PkiError("ISSUER_NOT_VALID", "the issuer certificate is not a CA certificate");
  }
  return { cert, x509, key };
}

/** sha256WithRSAEncryption over `data` with node:crypto (PKCS#1 v1.5, RFC 8017 §8.2). */
export function signSha256Rsa(data: Uint8Array, key: KeyObject): Uint8Array {
  return new Uint8Array(sign("sha256", data, key));
}

export function sha256WithRsaAlgorithmIdentifier(): forge.asn1.Asn1 {
  // RFC 4055 §5: the parameters of sha256WithRSAEncryption are NULL, and present.
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID.sha256WithRSAEncryption).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
  ]);
}

/** A forge public key from SubjectPublicKeyInfo DER (RSA only: forge knows no other). */
export function forgePublicKeyFromSpki(spkiDer: Uint8Array): forge.pki.PublicKey {
  return pki.publicKeyFromAsn1(asn1.fromDer(bytesToBinary(spkiDer)));
}

/**
 * Serialises a forge certificate signed by `signer` (sha256WithRSAEncryption). When `issuerName`
 * is given, the issuer field is the issuer certificate's subject copied byte for byte, so path
 * building by name matches exactly (RFC 5280 §7.1) whatever forge would re-encode.
 */
export function signCertificate(cert: forge.pki.Certificate, signer: KeyObject, issuerName?: Uint8Array): { pem: string; der: Uint8Array } {
  cert.signatureOid = OID.sha256WithRSAEncryption;
  cert.siginfo.algorithmOid = OID.sha256WithRSAEncryption;
  // forge exports getTBSCertificate; @types/node-forge does not declare it.
  const tbs = (pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  if (issuerName) {
    // TBSCertificate: [0] version, serialNumber, signature, issuer, …
    (tbs.value as forge.asn1.Asn1[])[3] = asn1.fromDer(bytesToBinary(issuerName));
  }
  cert.tbsCertificate = tbs;
  const tbsDer = binaryToBytes(asn1.toDer(tbs).getBytes());
  cert.signature = bytesToBinary(signSha256Rsa(tbsDer, signer));
  const der = binaryToBytes(asn1.toDer(pki.certificateToAsn1(cert)).getBytes());
  return { der, pem: derToPem("CERTIFICATE", der) };
}

export { DerError };
