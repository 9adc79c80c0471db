/**
 * CA and platform private keys at rest (ARCHITECTURE.md §1 "keys": stored encrypted in the
 * database under PKI_PASSPHRASE). The format is a standard PKCS#8 EncryptedPrivateKeyInfo
 * (RFC 5958 §3) with PBES2 (RFC 8018 §6.2): scrypt (RFC 7914 §7) for the key derivation and
 * AES-256-CBC for encryption, so `openssl pkcs8 -in key.pem` opens it too.
 *
 * Why not `KeyObject.export({ cipher: 'aes-256-cbc', passphrase })`: OpenSSL 3 writes PBES2 with
 * PBKDF2-HMAC-SHA256 at a fixed 2048 iterations, too few for a human-chosen PKI_PASSPHRASE.
 * scrypt N=2^14, r=8, p=1 (OpenSSL's own `pkcs8 -scrypt` default) costs ~16 MiB and ~50 ms; a
 * larger N would exceed OpenSSL's default 32 MiB scrypt memory limit and could not be read back.
 * `decryptPrivateKey` reads both forms (and any other PKCS#8 encryption OpenSSL knows).
 */

import { createCipheriv, createPrivateKey, randomBytes, scryptSync, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { binaryToBytes, bytesToBinary, derToPem, pemBlocks } from "#app/crypto/pki/der.ts";
import { PkiError } from "./errors.server.ts";

const { asn1 } = forge;

const OID_PBES2 = "1.2.840.113549.1.5.13";
const OID_SCRYPT = "1.3.6.1.4.1.11591.4.11";
const OID_AES256_CBC = "2.16.840.1.101.3.4.1.42";

export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;

/** PEM of any private key → "ENCRYPTED PRIVATE KEY" PEM (PKCS#8, PBES2 scrypt + AES-256-CBC). */
export function encryptPrivateKey(privateKeyPem: string, passphrase: string): string {
  if (passphrase.length === 0) throw new PkiError("WRONG_PASSPHRASE", "the passphrase is empty");
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (cause) {
    throw new PkiError("INVALID_KEY", "not an unencrypted private key PEM", { cause });
  }
  const pkcs8 = key.export({ type: "pkcs8", format: "der" });
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  // RFC 8018 §3: the password is an octet string; UTF-8, as OpenSSL reads it from the command line.
  const dk = scryptSync(Buffer.from(passphrase, "utf8"), salt, 32, {
    ...SCRYPT_PARAMS,
    maxmem: 64 * 1024 * 1024,
  });
  const cipher = createCipheriv("aes-256-cbc", dk, iv); // PKCS#7 padding, RFC 8018 §6.2.1 step 4
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);

  const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
  const oid = (id: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
  const int = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
  const octets = (b: Uint8Array) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytesToBinary(b));

  const info = seq([
    seq([
      oid(OID_PBES2),
      seq([
        // keyDerivationFunc, RFC 7914 §7: scrypt-params ::= SEQUENCE { salt, costParameter,
        //   blockSize, parallelizationParameter, keyLength }
        seq([oid(OID_SCRYPT), seq([octets(salt), int(SCRYPT_PARAMS.N), int(SCRYPT_PARAMS.r), int(SCRYPT_PARAMS.p), int(32)])]),
        // encryptionScheme: aes256-CBC with its IV (RFC 8018 Appendix B.2.5)
        seq([oid(OID_AES256_CBC), octets(iv)]),
      ]),
    ]),
    octets(encrypted),
  ]);
  return derToPem("ENCRYPTED PRIVATE KEY", binaryToBytes(asn1.toDer(info).getBytes()));
}

/** "ENCRYPTED PRIVATE KEY" PEM → unencrypted PKCS#8 PEM. A wrong passphrase throws WRONG_PASSPHRASE. */
export function decryptPrivateKey(encryptedPem: string, passphrase: string): string {
  if (!pemBlocks(encryptedPem).some((b) => b.label === "ENCRYPTED PRIVATE KEY")) {
    throw new PkiError("INVALID_KEY", "not an ENCRYPTED PRIVATE KEY PEM");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: encryptedPem, format: "pem", passphrase });
  } catch (cause) {
    throw new PkiError("WRONG_PASSPHRASE", "cannot decrypt the private key: wrong passphrase", {
      cause,
    });
  }
  return key.export({ type: "pkcs8", format: "pem" }) as string;
}
