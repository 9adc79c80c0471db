/**
 * The browser's side of the envelope, on WebCrypto only (no Node API), so it runs in the
 * sealing page, in the opening hall and in Node 20 (globalThis.crypto.subtle) for tests.
 *
 * - Sealing is one shot: WebCrypto has no streaming AES-GCM, so a bid needs about three times its
 *   size in memory (plaintext, ciphertext, envelope). Bigger bids use the offline tool, which
 *   streams (app/server/envelope).
 * - Opening: the browser unwraps the content key from its own recipient info with its
 *   non-extractable RSA-OAEP key and posts only that key (ARCHITECTURE.md §4.6); the server
 *   stream-decrypts. `openWithContentKey` here is the one-shot equivalent for small envelopes.
 *
 * WebCrypto exists only in a secure context (https, or http on localhost): without one,
 * `crypto.subtle` is undefined and these functions say so.
 */
import { certificateToDer, parseCertificate, requireRsaKey } from "./certificate.ts";
import { EnvelopeError } from "./errors.ts";
import { CONTENT_KEY_LENGTH, GCM_ICV_LENGTH, GCM_NONCE_LENGTH, buildEnvelopeHeader, buildEnvelopeTrailer } from "./header.ts";
import type { EnvelopeHeader, HeaderRecipient } from "./header.ts";
import { parseEnvelope, parseEnvelopeHeader } from "./parser.ts";
import { findRecipient } from "./recipients.ts";

export interface WebCryptoRecipient {
  /** The recipient's X.509 certificate, DER (PEM text is accepted too). */
  certificateDer: Uint8Array;
}

function defaultSubtle(): SubtleCrypto {
  return (globalThis.crypto as Crypto | undefined)?.subtle as SubtleCrypto;
}

function requireSubtle(subtle: SubtleCrypto | undefined): SubtleCrypto {
  if (subtle === undefined || subtle === null) {
    throw new Error("WebCrypto is not available: crypto.subtle exists only in a secure context (https, or http on localhost)");
  }
  return subtle;
}

/** WebCrypto takes ArrayBuffer-backed views; copy the rare SharedArrayBuffer-backed one. */
function bufferSource(u: Uint8Array): Uint8Array<ArrayBuffer> {
  return u.buffer instanceof ArrayBuffer ? (u as Uint8Array<ArrayBuffer>) : new Uint8Array(u);
}

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/**
 * Seals `plaintext` for every recipient in one shot: AES-256-GCM under a fresh content key and
 * nonce (RFC 5084), the key wrapped for each certificate with RSAES-OAEP/SHA-256 (RFC 4055).
 * Returns the DER envelope.
 */
export async function sealWithWebCrypto(
  plaintext: Uint8Array,
  recipients: readonly WebCryptoRecipient[],
  subtle: SubtleCrypto = defaultSubtle(),
): Promise<Uint8Array<ArrayBuffer>> {
  const s = requireSubtle(subtle);
  if (recipients.length === 0) throw new RangeError("an envelope needs at least one recipient");
  const contentKey = randomBytes(CONTENT_KEY_LENGTH);
  // RFC 5084 §3.2 / NIST SP 800-38D §8.2.2: a random 96-bit nonce per key; every envelope has
  // its own key, so a nonce is never reused under one key.
  const nonce = randomBytes(GCM_NONCE_LENGTH);
  try {
    const headerRecipients: HeaderRecipient[] = [];
    for (const r of recipients) {
      const cert = parseCertificate(certificateToDer(r.certificateDer));
      requireRsaKey(cert);
      const publicKey = await s.importKey("spki", bufferSource(cert.subjectPublicKeyInfo), { name: "RSA-OAEP", hash: "SHA-256" }, false, [
        "encrypt",
      ]);
      const encryptedKey = new Uint8Array(await s.encrypt({ name: "RSA-OAEP" }, publicKey, contentKey));
      headerRecipients.push({ issuer: cert.issuer, serialNumber: cert.serialNumber, encryptedKey });
    }
    const aesKey = await s.importKey("raw", contentKey, { name: "AES-GCM" }, false, ["encrypt"]);
    const sealed = new Uint8Array(
      await s.encrypt({ name: "AES-GCM", iv: nonce, tagLength: GCM_ICV_LENGTH * 8 }, aesKey, bufferSource(plaintext)),
    );
    // WebCrypto returns ciphertext ‖ tag; the tag goes into the mac field (RFC 5084 §3.1).
    const contentLength = sealed.length - GCM_ICV_LENGTH;
    const header = buildEnvelopeHeader({ recipients: headerRecipients, nonce, contentLength });
    const trailer = buildEnvelopeTrailer(sealed.subarray(contentLength));
    const out = new Uint8Array(header.length + contentLength + trailer.length);
    out.set(header);
    out.set(sealed.subarray(0, contentLength), header.length);
    out.set(trailer, header.length + contentLength);
    return out;
  } finally {
    contentKey.fill(0);
  }
}

/**
 * Unwraps the content key from the recipient info of `certificateDer` with the person's
 * RSA-OAEP (SHA-256) private key. `envelopeHeader` is a parsed header or a prefix of the
 * envelope's bytes. Returns the raw 32-byte AES-256 key.
 */
export async function unwrapContentKeyWithWebCrypto(
  envelopeHeader: EnvelopeHeader | Uint8Array,
  certificateDer: Uint8Array,
  privateKey: CryptoKey,
  subtle: SubtleCrypto = defaultSubtle(),
): Promise<Uint8Array<ArrayBuffer>> {
  const s = requireSubtle(subtle);
  const header = envelopeHeader instanceof Uint8Array ? parseEnvelopeHeader(envelopeHeader) : envelopeHeader;
  const recipient = findRecipient(header, certificateDer);
  const algorithm = privateKey.algorithm as Partial<RsaHashedKeyAlgorithm>;
  if (algorithm.name !== "RSA-OAEP" || algorithm.hash?.name !== "SHA-256") {
    throw new TypeError("the private key must be imported as RSA-OAEP with SHA-256 (ARCHITECTURE.md §3)");
  }
  let key: Uint8Array<ArrayBuffer>;
  try {
    key = new Uint8Array(await s.decrypt({ name: "RSA-OAEP" }, privateKey, bufferSource(recipient.encryptedKey)));
  } catch (cause) {
    throw new EnvelopeError(
      "AUTHENTICATION_FAILED",
      "the content key could not be unwrapped: the private key does not belong to the certificate, or the recipient info was altered",
      { offset: recipient.offset, cause },
    );
  }
  if (key.length !== CONTENT_KEY_LENGTH) {
    throw new EnvelopeError("MALFORMED", `the unwrapped content key is ${key.length} bytes; AES-256 needs 32`, {
      offset: recipient.offset,
    });
  }
  return key;
}

/**
 * Opens a whole envelope held in memory with its content key (raw 32 bytes or an AES-GCM
 * CryptoKey). WebCrypto checks the tag before returning anything, so no unauthenticated
 * plaintext ever leaves this function.
 */
export async function openWithContentKey(
  envelope: Uint8Array,
  contentKey: Uint8Array | CryptoKey,
  subtle: SubtleCrypto = defaultSubtle(),
): Promise<Uint8Array<ArrayBuffer>> {
  const s = requireSubtle(subtle);
  const { header, ciphertext, mac } = parseEnvelope(envelope);
  let key: CryptoKey;
  if (contentKey instanceof Uint8Array) {
    if (contentKey.length !== CONTENT_KEY_LENGTH) {
      throw new EnvelopeError("AUTHENTICATION_FAILED", `a content key of ${contentKey.length} bytes cannot open AES-256-GCM`);
    }
    key = await s.importKey("raw", bufferSource(contentKey), { name: "AES-GCM" }, false, ["decrypt"]);
  } else {
    key = contentKey;
  }
  const sealed = new Uint8Array(ciphertext.length + mac.length);
  sealed.set(ciphertext);
  sealed.set(mac, ciphertext.length);
  try {
    return new Uint8Array(
      await s.decrypt(
        { name: "AES-GCM", iv: bufferSource(header.contentEncryption.nonce), tagLength: header.contentEncryption.icvLength * 8 },
        key,
        sealed,
      ),
    );
  } catch (cause) {
    throw new EnvelopeError("AUTHENTICATION_FAILED", "the GCM tag does not verify: the envelope was altered or the key is wrong", {
      cause,
    });
  }
}
