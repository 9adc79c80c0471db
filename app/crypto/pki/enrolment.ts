/**
 * The browser half of enrolment (ARCHITECTURE.md §3 "Key model in the browser"): generate an
 * extractable RSA-3072 key pair, send a PKCS#10 request, and after the backup is saved import
 * the private key twice as non-extractable CryptoKeys. Runs in the browser and in Node (tests,
 * CLI) through the `SubtleCrypto` passed in; no `node:` imports.
 */

import forge from "node-forge";
import { bytesToBinary, binaryToBytes, derToPem, toBytes } from "./der.ts";

const { asn1 } = forge;

export const ENROLMENT_MODULUS_BITS = 3072;
const OID_COMMON_NAME = "2.5.4.3";
const OID_SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

/**
 * A fresh RSA-3072 key pair, extractable so the private key can be written into the PKCS#12
 * backup once; afterwards only the non-extractable copies (`importNonExtractableKeys`) are kept.
 */
export async function generateEnrolmentKey(subtle: SubtleCrypto): Promise<CryptoKeyPair> {
  return subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: ENROLMENT_MODULUS_BITS,
      publicExponent: new Uint8Array([0x01, 0x00, 0x01]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
}

/**
 * A PEM PKCS#10 certification request (RFC 2986) for the key pair, signed with
 * sha256WithRSAEncryption through WebCrypto. forge's own CSR signer wants a forge private key,
 * so the CertificationRequestInfo is assembled with forge.asn1 and signed by `subtle` instead;
 * the key never has to leave WebCrypto for this.
 *
 * The subject is informational only: the platform takes nothing but the public key from the
 * request and writes the subject from its own records.
 */
export async function buildCsr(keyPair: CryptoKeyPair, subtle: SubtleCrypto, options: { commonName: string }): Promise<string> {
  const alg = keyPair.privateKey.algorithm as RsaHashedKeyAlgorithm;
  if (alg.name !== "RSASSA-PKCS1-v1_5" || alg.hash?.name !== "SHA-256") {
    throw new TypeError("buildCsr needs an RSASSA-PKCS1-v1_5 / SHA-256 key pair");
  }
  if (options.commonName.length === 0) throw new TypeError("commonName is empty");

  const spki = toBytes(await subtle.exportKey("spki", keyPair.publicKey));
  const info = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    // version v1(0)
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, "\x00"),
    // subject: CN as UTF8String (names are Chinese; PrintableString cannot carry them)
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_COMMON_NAME).getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(options.commonName)),
        ]),
      ]),
    ]),
    // subjectPKInfo, byte for byte as WebCrypto exported it
    asn1.fromDer(bytesToBinary(spki)),
    // attributes [0] IMPLICIT SET OF Attribute: present (RFC 2986 §4.1 makes it mandatory), empty
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, []),
  ]);
  const infoDer = binaryToBytes(asn1.toDer(info).getBytes());
  const signature = toBytes(await subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, keyPair.privateKey, infoDer));

  const request = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    info,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_SHA256_WITH_RSA).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
    ]),
    // BIT STRING: leading 0 = no unused bits
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, "\x00" + bytesToBinary(signature)),
  ]);
  return derToPem("CERTIFICATE REQUEST", binaryToBytes(asn1.toDer(request).getBytes()));
}

/**
 * The private key imported twice, non-extractable, for IndexedDB: once for signing
 * (RSASSA-PKCS1-v1_5 SHA-256) and once for unwrapping bid keys (RSA-OAEP SHA-256). WebCrypto
 * binds a key to one algorithm, and a non-extractable key cannot be re-imported under another,
 * hence both imports happen now, from the PKCS#8 still in hand (STACK.md, WebCrypto pitfalls).
 * The caller drops `pkcs8Der` (and the extractable key pair) afterwards.
 */
export async function importNonExtractableKeys(
  pkcs8Der: Uint8Array<ArrayBuffer>,
  subtle: SubtleCrypto,
): Promise<{ signingKey: CryptoKey; decryptionKey: CryptoKey }> {
  const [signingKey, decryptionKey] = await Promise.all([
    subtle.importKey("pkcs8", pkcs8Der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]),
    subtle.importKey("pkcs8", pkcs8Der, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt", "unwrapKey"]),
  ]);
  return { signingKey, decryptionKey };
}
