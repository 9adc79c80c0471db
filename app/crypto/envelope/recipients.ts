/**
 * Which recipient info belongs to a certificate (RFC 5652 §6.2.1): issuerAndSerialNumber equal
 * to the certificate's issuer and serial, or subjectKeyIdentifier equal to its SKI extension.
 * bidhall copies both verbatim from the certificate, and OpenSSL does too, so the comparison is
 * byte for byte.
 */
import { certificateToDer, formatName, formatSerialNumber, parseCertificate } from "./certificate.ts";
import type { CertificateFields } from "./certificate.ts";
import { equalBytes, toHex } from "./der.ts";
import { EnvelopeError } from "./errors.ts";
import type { EnvelopeHeader, KeyTransRecipient, RecipientInfo } from "./header.ts";

export function recipientMatches(recipient: RecipientInfo, cert: CertificateFields): recipient is KeyTransRecipient {
  if (recipient.kind !== "keyTrans") return false;
  const rid = recipient.rid;
  if (rid.type === "issuerAndSerialNumber") {
    return equalBytes(rid.issuer, cert.issuer) && equalBytes(rid.serialNumber, cert.serialNumber);
  }
  return cert.subjectKeyIdentifier !== undefined && equalBytes(rid.keyIdentifier, cert.subjectKeyIdentifier);
}

/** The recipient info for `certificate` (PEM or DER), or NO_RECIPIENT_FOR_CERTIFICATE. */
export function findRecipient(header: EnvelopeHeader, certificate: string | Uint8Array): KeyTransRecipient {
  const cert = parseCertificate(certificateToDer(certificate));
  const found = header.recipients.find((r): r is KeyTransRecipient => recipientMatches(r, cert));
  if (found === undefined) {
    throw new EnvelopeError(
      "NO_RECIPIENT_FOR_CERTIFICATE",
      `no recipient info for the certificate issued by ${formatName(cert.issuer)} with serial ${formatSerialNumber(cert.serialNumber)} (${header.recipients.length} recipient(s) in the envelope)`,
    );
  }
  return found;
}

export interface RecipientSummary {
  kind: RecipientInfo["kind"];
  /** RFC 4514 form of the issuer ("CN=Issuing CA,O=…"), for issuerAndSerialNumber recipients. */
  issuer?: string;
  /** The issuer Name's DER, hex. */
  issuerDerHex?: string;
  /** Uppercase hex of the serial number, as `openssl x509 -serial` prints it. */
  serialNumber?: string;
  /** Hex, for subjectKeyIdentifier recipients. */
  subjectKeyIdentifier?: string;
  keyEncryptionAlgorithm?: "RSAES-OAEP-SHA256";
}

export function summarizeRecipient(r: RecipientInfo): RecipientSummary {
  if (r.kind !== "keyTrans") return { kind: r.kind };
  if (r.rid.type === "issuerAndSerialNumber") {
    return {
      kind: r.kind,
      issuer: formatName(r.rid.issuer),
      issuerDerHex: toHex(r.rid.issuer),
      serialNumber: formatSerialNumber(r.rid.serialNumber),
      keyEncryptionAlgorithm: r.keyEncryptionAlgorithm,
    };
  }
  return { kind: r.kind, subjectKeyIdentifier: toHex(r.rid.keyIdentifier), keyEncryptionAlgorithm: r.keyEncryptionAlgorithm };
}
