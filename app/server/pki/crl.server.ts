/**
 * Certificate revocation lists (RFC 5280 §5). node-forge cannot build CRLs, so the TBSCertList is
 * assembled with forge.asn1 and signed with node:crypto (sha256WithRSAEncryption); `parseCrl`
 * reads one back with exact byte offsets so its signature can be checked.
 */

import { createPublicKey, verify, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { binaryToBytes, bytesToBinary, bytesToHex, derToPem, equalBytes, hexToBytes, pemToDer } from "#app/crypto/pki/der.ts";
import {
  children,
  DerError,
  expect,
  is,
  raw,
  readDer,
  readOid,
  readTime,
  readUnsignedHex,
  Tag,
  TagClass,
  value,
  type Tlv,
} from "#app/crypto/pki/der-reader.ts";
import { PkiError } from "./errors.server.ts";
import {
  floorToSecond,
  loadIssuer,
  normaliseSerialHex,
  OID,
  RSA_SIGNATURE_DIGESTS,
  serialContentHex,
  sha256WithRsaAlgorithmIdentifier,
  signSha256Rsa,
  timeToAsn1,
  type CertificateWithKey,
  type ParsedCertificate,
} from "./x509.server.ts";

const { asn1 } = forge;

/** CRLReason (RFC 5280 §5.3.1). removeFromCRL (8) belongs to delta CRLs only and is not offered. */
export const CRL_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type CrlReason = keyof typeof CRL_REASONS;

const REASON_BY_CODE = new Map<number, CrlReason>(Object.entries(CRL_REASONS).map(([k, v]) => [v, k as CrlReason]));

export type RevokedEntry = { serialHex: string; revokedAt: Date; reason: CrlReason };

export type CreateCrlInput = {
  issuing: CertificateWithKey;
  revoked: RevokedEntry[];
  thisUpdate: Date;
  nextUpdate: Date;
  /** Monotonically increasing per issuer (RFC 5280 §5.2.3); the caller keeps the counter. */
  crlNumber: bigint | number;
};

/** Builds and signs a v2 CRL. Returns DER (for `verifyCertificateChain`) and PEM ("X509 CRL"). */
export function createCrl(input: CreateCrlInput): { der: Uint8Array; pem: string } {
  const issuer = loadIssuer(input.issuing);
  if (issuer.cert.keyUsage && !issuer.cert.keyUsage.has("cRLSign")) {
    throw new PkiError("INVALID_CRL", "the issuer's key usage does not include cRLSign (RFC 5280 §4.2.1.3)");
  }
  const thisUpdate = floorToSecond(input.thisUpdate);
  const nextUpdate = floorToSecond(input.nextUpdate);
  if (!(nextUpdate > thisUpdate)) throw new PkiError("INVALID_CRL", "nextUpdate must be after thisUpdate");
  const crlNumber = BigInt(input.crlNumber);
  if (crlNumber < 0n) throw new PkiError("INVALID_CRL", "crlNumber must be non-negative");
  if (!issuer.cert.subjectKeyId) throw new PkiError("INVALID_CRL", "the issuer certificate has no subjectKeyIdentifier");

  const seen = new Set<string>();
  const entries = input.revoked.map((entry) => {
    const serial = normaliseSerialHex(entry.serialHex);
    if (seen.has(serial)) throw new PkiError("INVALID_CRL", `serial ${serial} is listed twice`);
    seen.add(serial);
    const code = CRL_REASONS[entry.reason];
    if (code === undefined) throw new PkiError("INVALID_CRL", `unknown revocation reason "${entry.reason}"`);
    const entryExtensions =
      // RFC 5280 §5.3.1: the reason code "unspecified" SHOULD be expressed by leaving it out.
      code === CRL_REASONS.unspecified
        ? []
        : [
            asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
              oid(OID.reasonCode),
              octets(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, String.fromCharCode(code))),
            ]),
          ];
    return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      integerFromHex(serialContentHex(serial)),
      timeToAsn1(floorToSecond(entry.revokedAt)),
      ...(entryExtensions.length ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, entryExtensions)] : []),
    ]);
  });

  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    // version v2(1): required because extensions are present (RFC 5280 §5.1.2.1)
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, "\x01"),
    sha256WithRsaAlgorithmIdentifier(),
    // issuer: the issuing certificate's subject, byte for byte (RFC 5280 §5.1.2.3)
    asn1.fromDer(bytesToBinary(issuer.cert.subjectDer)),
    timeToAsn1(thisUpdate),
    timeToAsn1(nextUpdate), // MUST be present in conforming CRLs (§5.1.2.5)
    // revokedCertificates: absent, not empty, when nothing is revoked (§5.1.2.6)
    ...(entries.length ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, entries)] : []),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        // authorityKeyIdentifier (§5.2.1), MUST be included
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          oid(OID.authorityKeyIdentifier),
          octets(
            asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
              asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, bytesToBinary(hexToBytes(issuer.cert.subjectKeyId))),
            ]),
          ),
        ]),
        // cRLNumber (§5.2.3), MUST be included, non-critical
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [oid(OID.cRLNumber), octets(integerFromHex(bigintToHex(crlNumber)))]),
      ]),
    ]),
  ]);

  const tbsDer = binaryToBytes(asn1.toDer(tbs).getBytes());
  const signature = signSha256Rsa(tbsDer, issuer.key);
  const crl = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    sha256WithRsaAlgorithmIdentifier(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, "\x00" + bytesToBinary(signature)),
  ]);
  const der = binaryToBytes(asn1.toDer(crl).getBytes());
  return { der, pem: derToPem("X509 CRL", der) };
}

export type ParsedCrl = {
  der: Uint8Array;
  tbsDer: Uint8Array;
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  authorityKeyId?: string;
  signatureDigest?: "sha256" | "sha384" | "sha512";
  signature: Uint8Array;
  /** Critical extensions this module does not understand; RFC 5280 §5.2: then do not use the CRL. */
  unknownCriticalExtensions: string[];
  /** Keyed by normalised serial hex. */
  revoked: Map<string, { revokedAt: Date; reason: CrlReason }>;
};

/** Reads a DER (or PEM "X509 CRL") CRL. Throws PkiError INVALID_CRL when malformed. */
export function parseCrl(input: Uint8Array | string): ParsedCrl {
  try {
    const der = typeof input === "string" ? pemToDer(input, "X509 CRL") : input;
    const [tbs, sigAlg, sigBits] = children(expect(readDer(der), Tag.SEQUENCE, "CertificateList"));
    const parts = children(expect(tbs, Tag.SEQUENCE, "TBSCertList"));
    let i = 0;
    if (is(parts[0], TagClass.UNIVERSAL, Tag.INTEGER)) i = 1; // version (v2) present
    const issuer = expect(parts[i + 1], Tag.SEQUENCE, "issuer");
    const thisUpdate = readTime(parts[i + 2]!);
    let next = i + 3;
    let nextUpdate: Date | undefined;
    const maybeNext = parts[next];
    if (is(maybeNext, TagClass.UNIVERSAL, Tag.UTC_TIME) || is(maybeNext, TagClass.UNIVERSAL, Tag.GENERALIZED_TIME)) {
      nextUpdate = readTime(maybeNext);
      next++;
    }
    const revoked = new Map<string, { revokedAt: Date; reason: CrlReason }>();
    const unknownCritical: string[] = [];
    const maybeList = parts[next];
    if (is(maybeList, TagClass.UNIVERSAL, Tag.SEQUENCE)) {
      for (const entry of children(maybeList)) {
        const [serial, date, exts] = children(entry);
        let reason: CrlReason = "unspecified";
        for (const ext of exts ? extensions(exts) : []) {
          if (ext.oid === OID.reasonCode) {
            reason = REASON_BY_CODE.get(value(readDer(ext.value))[0] ?? 0) ?? "unspecified";
          } else if (ext.critical) {
            // e.g. certificateIssuer (indirect CRLs), which this module does not support
            unknownCritical.push(ext.oid);
          }
        }
        revoked.set(readUnsignedHex(serial!), { revokedAt: readTime(date!), reason });
      }
      next++;
    }
    let crlNumber: bigint | undefined;
    let authorityKeyId: string | undefined;
    const wrapper = parts.slice(next).find((p) => is(p, TagClass.CONTEXT, 0));
    if (wrapper) {
      for (const ext of extensions(children(wrapper)[0]!)) {
        if (ext.oid === OID.cRLNumber) {
          crlNumber = BigInt("0x" + (readUnsignedHex(readDer(ext.value)) || "0"));
        } else if (ext.oid === OID.authorityKeyIdentifier) {
          const keyId = children(readDer(ext.value)).find((f) => is(f, TagClass.CONTEXT, 0));
          if (keyId) authorityKeyId = bytesToHex(value(keyId));
        } else if (ext.critical) {
          // issuingDistributionPoint and deltaCRLIndicator are critical and change the CRL's scope
          unknownCritical.push(ext.oid);
        }
      }
    }
    const bits = value(expect(sigBits, Tag.BIT_STRING, "signature"));
    if (bits[0] !== 0) throw new DerError("signature BIT STRING has unused bits");
    const sigOid = readOid(children(expect(sigAlg, Tag.SEQUENCE, "AlgorithmIdentifier"))[0]!);
    const out: ParsedCrl = {
      der,
      tbsDer: raw(tbs!),
      issuerDer: raw(issuer),
      thisUpdate,
      signature: bits.subarray(1),
      unknownCriticalExtensions: unknownCritical,
      revoked,
    };
    if (nextUpdate) out.nextUpdate = nextUpdate;
    if (crlNumber !== undefined) out.crlNumber = crlNumber;
    if (authorityKeyId) out.authorityKeyId = authorityKeyId;
    const digest = RSA_SIGNATURE_DIGESTS[sigOid];
    if (digest) out.signatureDigest = digest;
    return out;
  } catch (cause) {
    if (cause instanceof PkiError) throw cause;
    throw new PkiError("INVALID_CRL", `the CRL is malformed: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/**
 * Whether `issuer` signed this CRL: same name (RFC 5280 §6.3.3 (b)), matching key identifier
 * when both are present, cRLSign allowed, and the signature verifies over the exact TBSCertList.
 */
export function crlIssuedBy(crl: ParsedCrl, issuer: ParsedCertificate, issuerKey?: KeyObject): boolean {
  if (!equalBytes(crl.issuerDer, issuer.subjectDer)) return false;
  if (crl.authorityKeyId && issuer.subjectKeyId && crl.authorityKeyId !== issuer.subjectKeyId) return false;
  if (issuer.keyUsage && !issuer.keyUsage.has("cRLSign")) return false;
  if (!crl.signatureDigest) return false;
  const key = issuerKey ?? createPublicKey({ key: Buffer.from(issuer.spkiDer), format: "der", type: "spki" });
  return verify(crl.signatureDigest, crl.tbsDer, key, crl.signature);
}

// ---------------------------------------------------------------------------------------------

function extensions(seq: Tlv): { oid: string; critical: boolean; value: Uint8Array }[] {
  return children(expect(seq, Tag.SEQUENCE, "Extensions")).map((ext) => {
    const [oidNode, second, third] = children(ext);
    const critical = is(second, TagClass.UNIVERSAL, Tag.BOOLEAN) && value(second)[0] !== 0;
    const octetsNode = expect(third ?? second, Tag.OCTET_STRING, "extnValue");
    return { oid: readOid(oidNode!), critical, value: value(octetsNode) };
  });
}

function oid(id: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
}

/** extnValue: the DER of the extension's value wrapped in an OCTET STRING (RFC 5280 §4.1). */
function octets(inner: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(inner).getBytes());
}

function integerFromHex(contentHex: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, bytesToBinary(hexToBytes(contentHex)));
}

/** Minimal two's-complement content octets of a non-negative bigint. */
function bigintToHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  if (parseInt(hex[0]!, 16) >= 8) hex = "00" + hex;
  return hex;
}
