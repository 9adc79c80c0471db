/**
 * The platform CA (ARCHITECTURE.md §3): a root, an issuing CA under it, the platform's own
 * signing certificate, and person certificates issued from a browser-made PKCS#10 request.
 * Certificates are built with node-forge and signed with node:crypto (x509.server.ts). No
 * storage here: callers keep the PEMs (private keys through `encryptPrivateKey`).
 */

import { createHash, createPublicKey, verify, X509Certificate, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { bytesToBinary, hexToBytes, pemBlocks } from "#app/crypto/pki/der.ts";
import { validateUscc } from "#app/domain/shared/uscc.ts";
import { children, DerError, expect, raw, readDer, readOid, readSmallInteger, Tag, value } from "#app/crypto/pki/der-reader.ts";
import { PkiError } from "./errors.server.ts";
import {
  floorToSecond,
  forgePublicKeyFromSpki,
  generateRsaKeyPair,
  loadIssuer,
  MIN_RSA_BITS,
  normaliseSerialHex,
  OID,
  parseCertificatePem,
  privateKeyToPem,
  randomSerialHex,
  readSubjectFields,
  rsaModulusBits,
  RSA_SIGNATURE_DIGESTS,
  serialContentHex,
  signCertificate,
  type CertificateWithKey,
  type LoadedIssuer,
  type SubjectFields,
} from "./x509.server.ts";

const { asn1 } = forge;

export type { CertificateWithKey } from "./x509.server.ts";

const DAY_MS = 86_400_000;
/** RFC 5280 Appendix A upper bounds (ub-common-name, ub-organization-name), in characters. */
const UB_NAME = 64;

export type CaOptions = {
  commonName: string;
  organization: string;
  now: Date;
  years: number;
  /** RSA modulus; default 3072 (≈128-bit security, the same as person keys). */
  keyBits?: number;
};

/** A self-signed root: CA:TRUE, keyCertSign + cRLSign, both critical (RFC 5280 §4.2.1.3, §4.2.1.9). */
export async function createRootCa(options: CaOptions): Promise<CertificateWithKey> {
  const { privateKey, publicKey } = await generateRsaKeyPair(options.keyBits ?? MIN_RSA_BITS);
  const notBefore = floorToSecond(options.now);
  const cert = newCertificate({
    spkiDer: spkiOf(publicKey),
    serialHex: randomSerialHex(),
    notBefore,
    notAfter: addYears(notBefore, options.years),
    subject: caSubject(options),
  });
  cert.setExtensions([
    { name: "basicConstraints", critical: true, cA: true },
    { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true },
    { name: "subjectKeyIdentifier" },
  ]);
  const { pem } = signCertificate(cert, privateKey);
  return { certificatePem: pem, privateKeyPem: privateKeyToPem(privateKey) };
}

/**
 * The CA that issues people's and the platform's certificates, under the root. pathLen 0: it
 * may issue only end-entity certificates (RFC 5280 §4.2.1.9).
 */
export async function createIssuingCa(
  root: CertificateWithKey,
  options: CaOptions & { crlDistributionUrl?: string },
): Promise<CertificateWithKey> {
  const issuer = loadIssuer(root);
  const { privateKey, publicKey } = await generateRsaKeyPair(options.keyBits ?? MIN_RSA_BITS);
  const notBefore = floorToSecond(options.now);
  const notAfter = clampToIssuer(issuer, notBefore, addYears(notBefore, options.years));
  const cert = newCertificate({
    spkiDer: spkiOf(publicKey),
    serialHex: randomSerialHex(),
    notBefore,
    notAfter,
    subject: caSubject(options),
  });
  cert.setExtensions([
    { name: "basicConstraints", critical: true, cA: true, pathLenConstraint: 0 },
    { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true },
    { name: "subjectKeyIdentifier" },
    authorityKeyIdentifier(issuer),
    ...crlDistributionPoints(options.crlDistributionUrl),
  ]);
  const { pem } = signCertificate(cert, issuer.key, issuer.cert.subjectDer);
  return { certificatePem: pem, privateKeyPem: privateKeyToPem(privateKey) };
}

export type PlatformSigningOptions = {
  commonName: string;
  organization: string;
  /** The operator's USCC, written as organizationIdentifier when given. */
  uscc?: string;
  now: Date;
  validityDays: number;
  crlDistributionUrl?: string;
  keyBits?: number;
};

/**
 * The platform's own signing certificate (receipts, reading-out and opening records; DOMAIN.md
 * §8: the platform signs only its own documents). digitalSignature + nonRepudiation; extended key
 * usages (decision 27): bidhall's platform document signing, the one verifiers require of a
 * platform signature; id-kp-documentSigning (RFC 9336); and emailProtection because NSS (pdfsig)
 * and Acrobat validate document signers under that purpose.
 */
export async function issuePlatformSigningCertificate(
  issuing: CertificateWithKey,
  options: PlatformSigningOptions,
): Promise<CertificateWithKey & IssuedCertificateInfo> {
  const issuer = loadIssuer(issuing);
  const { privateKey, publicKey } = await generateRsaKeyPair(options.keyBits ?? MIN_RSA_BITS);
  const notBefore = floorToSecond(options.now);
  const notAfter = clampToIssuer(issuer, notBefore, addDays(notBefore, options.validityDays));
  const subject: forge.pki.CertificateField[] = [
    printable(OID.countryName, "CN"),
    utf8(OID.organizationName, checkName(options.organization, "organization")),
  ];
  if (options.uscc !== undefined) subject.push(utf8(OID.organizationIdentifier, checkUscc(options.uscc)));
  subject.push(utf8(OID.commonName, checkName(options.commonName, "commonName")));
  const serialHex = randomSerialHex();
  const cert = newCertificate({
    spkiDer: spkiOf(publicKey),
    serialHex,
    notBefore,
    notAfter,
    subject,
  });
  cert.setExtensions([
    { name: "basicConstraints", critical: true, cA: false },
    { name: "keyUsage", critical: true, digitalSignature: true, nonRepudiation: true },
    extKeyUsageExtension(PLATFORM_SIGNING_KEY_PURPOSES),
    { name: "subjectKeyIdentifier" },
    authorityKeyIdentifier(issuer),
    ...crlDistributionPoints(options.crlDistributionUrl),
  ]);
  const { pem } = signCertificate(cert, issuer.key, issuer.cert.subjectDer);
  return {
    certificatePem: pem,
    privateKeyPem: privateKeyToPem(privateKey),
    ...info(pem, serialHex, notBefore, notAfter),
  };
}

/** The platform signing certificate's extended key usages, the bidhall one first (decision 27). */
export const PLATFORM_SIGNING_KEY_PURPOSES: readonly string[] = [
  OID.bidhallPlatformDocumentSigning,
  OID.documentSigning,
  OID.emailProtection,
];
/** A person's: certificate login and (NSS's purpose for document signers) e-mail protection. */
export const PERSON_KEY_PURPOSES: readonly string[] = [OID.clientAuth, OID.emailProtection];

export type PersonSubject = {
  /** CN: the person's name as recorded (e.g. 张三). */
  personName: string;
  /** O: the organisation's registered name. */
  organizationName: string;
  /** organizationIdentifier (2.5.4.97): the organisation's USCC, DOMAIN.md §7. */
  uscc: string;
};

export type IssuePersonCertificateInput = {
  issuing: CertificateWithKey;
  csrPem: string;
  subject: PersonSubject;
  /** Hex; a random 16-octet serial when omitted. */
  serial?: string;
  now: Date;
  validityDays: number;
  /** Where relying parties fetch the issuing CA's CRL (RFC 5280 §4.2.1.13), e.g. https://…/issuing.crl */
  crlDistributionUrl: string;
};

export type IssuedCertificateInfo = {
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER, colon-separated upper-case hex (node's X509Certificate format) */
  fingerprint256: string;
};

/**
 * Issues a person's certificate from their CSR. Only the public key is taken from the request,
 * after checking its self-signature (proof that the requester holds the key, RFC 2986 §3); the
 * subject comes from the platform's records: C=CN, O=organisation, organizationIdentifier=USCC,
 * CN=person. keyUsage digitalSignature + nonRepudiation + keyEncipherment (critical): one
 * RSA-3072 key both signs and receives bid keys (ARCHITECTURE.md §3).
 */
export function issuePersonCertificate(input: IssuePersonCertificateInput): IssuedCertificateInfo & { certificatePem: string } {
  const issuer = loadIssuer(input.issuing);
  const csr = readCsr(input.csrPem);
  const subject: forge.pki.CertificateField[] = [
    printable(OID.countryName, "CN"),
    utf8(OID.organizationName, checkName(input.subject.organizationName, "organizationName")),
    utf8(OID.organizationIdentifier, checkUscc(input.subject.uscc)),
    utf8(OID.commonName, checkName(input.subject.personName, "personName")),
  ];
  const serialHex = input.serial === undefined ? randomSerialHex() : normaliseSerialHex(input.serial);
  const notBefore = floorToSecond(input.now);
  const notAfter = clampToIssuer(issuer, notBefore, addDays(notBefore, input.validityDays));
  const cert = newCertificate({ spkiDer: csr.spkiDer, serialHex, notBefore, notAfter, subject });
  cert.setExtensions([
    { name: "basicConstraints", critical: true, cA: false },
    {
      name: "keyUsage",
      critical: true,
      digitalSignature: true,
      nonRepudiation: true,
      keyEncipherment: true,
    },
    extKeyUsageExtension(PERSON_KEY_PURPOSES),
    { name: "subjectKeyIdentifier" },
    authorityKeyIdentifier(issuer),
    ...crlDistributionPoints(requireUrl(input.crlDistributionUrl)),
  ]);
  const { pem } = signCertificate(cert, issuer.key, issuer.cert.subjectDer);
  // Defence in depth (decision 27): whatever changes above, a person never gets the platform's purpose.
  if (parseCertificatePem(pem).extKeyUsage?.includes(OID.bidhallPlatformDocumentSigning)) {
    throw new PkiError("INVALID_SUBJECT", "a person certificate must not carry the platform's document-signing purpose");
  }
  return { certificatePem: pem, ...info(pem, serialHex, notBefore, notAfter) };
}

export type CertificationRequest = {
  publicKey: KeyObject;
  spkiDer: Uint8Array;
  modulusBits: number;
  /** What the requester wrote; informational only, never copied into a certificate. */
  requestedSubject: SubjectFields;
};

/**
 * Reads a PKCS#10 request (RFC 2986) and checks its self-signature. Refuses anything but RSA of at
 * least 3072 bits with public exponent ≥ 65537, signed with sha256/384/512WithRSAEncryption.
 */
export function readCsr(csrPem: string): CertificationRequest {
  const block = pemBlocks(csrPem).find((b) => b.label === "CERTIFICATE REQUEST" || b.label === "NEW CERTIFICATE REQUEST");
  if (!block) throw new PkiError("CSR_MALFORMED", "no PEM CERTIFICATE REQUEST found");

  let infoDer: Uint8Array;
  let spkiDer: Uint8Array;
  let digest: string | undefined;
  let signature: Uint8Array;
  let requestedSubject: SubjectFields;
  try {
    const [info, sigAlg, sigBits] = children(expect(readDer(block.der), Tag.SEQUENCE, "CertificationRequest"));
    const [version, subject, spki] = children(expect(info, Tag.SEQUENCE, "CertificationRequestInfo"));
    if (readSmallInteger(version!) !== 0) throw new DerError("CSR version must be v1(0)");
    infoDer = raw(info!);
    spkiDer = raw(expect(spki, Tag.SEQUENCE, "SubjectPublicKeyInfo"));
    requestedSubject = readSubjectFields(expect(subject, Tag.SEQUENCE, "Name"));
    digest = RSA_SIGNATURE_DIGESTS[readOid(children(expect(sigAlg, Tag.SEQUENCE, "AlgorithmIdentifier"))[0]!)];
    const bits = value(expect(sigBits, Tag.BIT_STRING, "signature"));
    if (bits[0] !== 0) throw new DerError("signature BIT STRING has unused bits");
    signature = bits.subarray(1);
  } catch (cause) {
    if (cause instanceof PkiError) throw cause;
    throw new PkiError("CSR_MALFORMED", `the certificate request is malformed: ${(cause as Error).message}`, {
      cause,
    });
  }

  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(spkiDer), format: "der", type: "spki" });
  } catch (cause) {
    throw new PkiError("CSR_UNSUPPORTED_KEY", "the request's public key cannot be read", { cause });
  }
  const modulusBits = rsaModulusBits(publicKey);
  if (modulusBits === undefined) {
    throw new PkiError("CSR_UNSUPPORTED_KEY", `only RSA keys are accepted, the request has a ${publicKey.asymmetricKeyType} key`);
  }
  if (modulusBits < MIN_RSA_BITS) {
    throw new PkiError("CSR_KEY_TOO_SHORT", `RSA key of ${modulusBits} bits refused: at least ${MIN_RSA_BITS} bits are required`);
  }
  const exponent = publicKey.asymmetricKeyDetails?.publicExponent ?? 0n;
  if (exponent < 65537n || exponent % 2n === 0n) {
    throw new PkiError("CSR_UNSUPPORTED_KEY", "the RSA public exponent must be odd and at least 65537");
  }
  if (!digest) {
    throw new PkiError("CSR_MALFORMED", "the request is not signed with sha256/384/512WithRSAEncryption");
  }
  if (!verify(digest, infoDer, publicKey, signature)) {
    throw new PkiError("CSR_BAD_SIGNATURE", "the request's signature does not verify with its own public key");
  }
  return { publicKey, spkiDer, modulusBits, requestedSubject };
}

// ---------------------------------------------------------------------------------------------

function newCertificate(fields: {
  spkiDer: Uint8Array;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  subject: forge.pki.CertificateField[];
}): forge.pki.Certificate {
  if (!(fields.notAfter.getTime() > fields.notBefore.getTime())) {
    throw new PkiError("INVALID_VALIDITY", "the validity period is empty");
  }
  const cert = forge.pki.createCertificate();
  cert.version = 2; // v3
  cert.serialNumber = serialContentHex(fields.serialHex);
  cert.publicKey = forgePublicKeyFromSpki(fields.spkiDer); // also feeds the SKI (RFC 5280 §4.2.1.2 (1))
  cert.validity.notBefore = fields.notBefore;
  cert.validity.notAfter = fields.notAfter;
  cert.setSubject(fields.subject);
  cert.setIssuer(fields.subject); // replaced by the issuer's exact subject bytes when signing
  return cert;
}

function caSubject(options: { commonName: string; organization: string }): forge.pki.CertificateField[] {
  return [
    printable(OID.countryName, "CN"),
    utf8(OID.organizationName, checkName(options.organization, "organization")),
    utf8(OID.commonName, checkName(options.commonName, "commonName")),
  ];
}

function utf8(type: string, value: string): forge.pki.CertificateField {
  // UTF8String (RFC 5280 §4.1.2.4: new certificates SHOULD use it); forge UTF-8-encodes the value.
  // (@types/node-forge declares valueTagClass as a tag class; forge reads it as the value's type.)
  return { type, value, valueTagClass: asn1.Type.UTF8 } as unknown as forge.pki.CertificateField;
}

function printable(type: string, value: string): forge.pki.CertificateField {
  // countryName is PrintableString (SIZE 2), RFC 5280 Appendix A.
  return {
    type,
    value,
    valueTagClass: asn1.Type.PRINTABLESTRING,
  } as unknown as forge.pki.CertificateField;
}

function checkName(name: string, what: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || [...trimmed].length > UB_NAME || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new PkiError("INVALID_SUBJECT", `${what} must be 1–${UB_NAME} printable characters`);
  }
  return trimmed;
}

/** A certificate outlives any record validated before it, so the USCC is checked again here. */
function checkUscc(uscc: string): string {
  const checked = validateUscc(uscc);
  if (!checked.ok) throw new PkiError("INVALID_SUBJECT", `"${uscc}" is not a valid USCC`);
  return checked.value;
}

function spkiOf(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
}

function addYears(d: Date, years: number): Date {
  if (!Number.isInteger(years) || years < 1) throw new PkiError("INVALID_VALIDITY", "years must be a positive integer");
  const out = new Date(d);
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

function addDays(d: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 1) throw new PkiError("INVALID_VALIDITY", "validityDays must be a positive integer");
  return new Date(d.getTime() + days * DAY_MS);
}

/**
 * Refuses to issue from an issuer that is not valid at `notBefore`, and ends the new certificate
 * no later than its issuer: a certificate that outlives its CA fails path validation
 * (RFC 5280 §6.1.3 (a)(2)) in its last stretch anyway.
 */
function clampToIssuer(issuer: LoadedIssuer, notBefore: Date, notAfter: Date): Date {
  if (notBefore < issuer.cert.notBefore || notBefore >= issuer.cert.notAfter) {
    throw new PkiError("ISSUER_NOT_VALID", "the issuing CA is not valid at the requested time");
  }
  return notAfter > issuer.cert.notAfter ? issuer.cert.notAfter : notAfter;
}

/**
 * AKI keyIdentifier = the issuer's SKI (RFC 5280 §4.2.1.1). forge's `keyIdentifier: true` would
 * hash the subject's own key, which is right only for self-signed certificates.
 */
function authorityKeyIdentifier(issuer: LoadedIssuer): Record<string, unknown> {
  let keyId = issuer.cert.subjectKeyId;
  if (!keyId) {
    // RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents.
    const [, bits] = children(readDer(issuer.cert.spkiDer));
    keyId = createHash("sha1").update(value(bits!).subarray(1)).digest("hex");
  }
  return { name: "authorityKeyIdentifier", keyIdentifier: bytesToBinary(hexToBytes(keyId)) };
}

/**
 * extKeyUsage (RFC 5280 §4.2.1.12), non-critical, its DER written here: forge's OID encoder
 * overflows on the 128-bit arc of a UUID-based OID.
 */
export function extKeyUsageExtension(purposes: readonly string[]): Record<string, unknown> {
  const oids = purposes.map((oid) => {
    const [first, second, ...rest] = oid.split(".").map(BigInt);
    const body: number[] = [];
    for (const arc of [first! * 40n + second!, ...rest]) {
      const chunk = [Number(arc & 0x7fn)];
      for (let n = arc >> 7n; n > 0n; n >>= 7n) chunk.unshift(Number(n & 0x7fn) | 0x80);
      body.push(...chunk);
    }
    return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, String.fromCharCode(...body));
  });
  const der = asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, oids)).getBytes();
  return { id: OID.extKeyUsage, critical: false, value: der };
}

function requireUrl(url: string): string {
  if (!url) throw new PkiError("INVALID_URL", "a CRL distribution point URL is required");
  return url;
}

/** One DistributionPoint with a fullName URI (RFC 5280 §4.2.1.13); IA5String, so ASCII only. */
function crlDistributionPoints(url: string | undefined): Record<string, unknown>[] {
  if (url === undefined) return [];
  let href: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("scheme");
    href = parsed.href; // punycode host, percent-encoded path: ASCII
  } catch {
    throw new PkiError("INVALID_URL", `CRL distribution point "${url}" is not an http(s) URL`);
  }
  return [{ name: "cRLDistributionPoints", altNames: [{ type: 6, value: href }] }];
}

function info(pem: string, serialHex: string, notBefore: Date, notAfter: Date): IssuedCertificateInfo {
  return {
    serialHex,
    notBefore,
    notAfter,
    fingerprint256: new X509Certificate(pem).fingerprint256,
  };
}
