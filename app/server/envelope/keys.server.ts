/**
 * Key and certificate inputs for the Node envelope code, and the RSA-OAEP key unwrap.
 * node:crypto only: OpenSSL does OAEP natively (node-forge would be slow and, for PKCS#1 v1.5,
 * unsafe); Node 20 refuses PKCS#1 v1.5 private decryption anyway (CVE-2023-46809).
 */
import { X509Certificate, constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from "node:crypto";
import type { KeyObject } from "node:crypto";
import {
  CONTENT_KEY_LENGTH,
  EnvelopeError,
  certificateToDer,
  findRecipient,
  parseCertificate,
  parseEnvelopeHeader,
  requireRsaKey,
} from "#app/crypto/envelope/index.ts";
import type { CertificateFields, EnvelopeHeader } from "#app/crypto/envelope/index.ts";

/** A certificate as PEM text, PEM or DER bytes (a Buffer read from a file), or an X509Certificate. */
export type CertificateInput = string | Uint8Array | X509Certificate;
/** A private key as a KeyObject, PEM text, or PEM / PKCS#8 DER bytes. */
export type PrivateKeyInput = KeyObject | string | Uint8Array;

export function certificateDer(input: CertificateInput): Uint8Array {
  if (input instanceof X509Certificate) return input.raw;
  return certificateToDer(input);
}

export function toPrivateKey(input: PrivateKeyInput): KeyObject {
  if (typeof input === "string") return createPrivateKey(input);
  if (input instanceof Uint8Array) {
    const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    return input[0] === 0x30 ? createPrivateKey({ key: buf, format: "der", type: "pkcs8" }) : createPrivateKey(buf);
  }
  return input;
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" } as const;

/** RSAES-OAEP(SHA-256, MGF1-SHA-256) of the content key for one recipient certificate. */
export function wrapContentKey(
  contentKey: Uint8Array,
  certificate: CertificateInput,
): {
  fields: CertificateFields;
  encryptedKey: Buffer;
} {
  const fields = parseCertificate(certificateDer(certificate));
  requireRsaKey(fields);
  const key = createPublicKey({ key: Buffer.from(fields.subjectPublicKeyInfo), format: "der", type: "spki" });
  return { fields, encryptedKey: publicEncrypt({ key, ...OAEP }, contentKey) };
}

/**
 * The raw 32-byte content key from the recipient info of `certificate`, unwrapped with its
 * private key. `header` is a parsed header or a prefix of the envelope (64 KiB is plenty).
 */
export function unwrapContentKey(header: EnvelopeHeader | Uint8Array, privateKey: PrivateKeyInput, certificate: CertificateInput): Buffer {
  const parsed = header instanceof Uint8Array ? parseEnvelopeHeader(header) : header;
  const recipient = findRecipient(parsed, certificateDer(certificate));
  let key: Buffer;
  try {
    key = privateDecrypt({ key: toPrivateKey(privateKey), ...OAEP }, recipient.encryptedKey);
  } catch (cause) {
    throw new EnvelopeError(
      "AUTHENTICATION_FAILED",
      "the content key could not be unwrapped: the private key does not belong to the certificate, or the recipient info was altered",
      { offset: recipient.offset, cause },
    );
  }
  if (key.length !== CONTENT_KEY_LENGTH) {
    key.fill(0);
    throw new EnvelopeError("MALFORMED", `the unwrapped content key is ${key.length} bytes; AES-256 needs 32`, {
      offset: recipient.offset,
    });
  }
  return key;
}
