/**
 * The person's key backup: a PKCS#12 file (RFC 7292) holding the private key, the person's
 * certificate and the CA chain, built in the browser right after enrolment (the private key never
 * reaches the server, ARCHITECTURE.md §3) and read back on another computer or by the CLI.
 *
 * - Key bag: pkcs8ShroudedKeyBag, PBES2 (RFC 8018 §6.2) with PBKDF2-HMAC-SHA256 and AES-256-CBC.
 *   forge's default is AES-128 with PBKDF2-HMAC-SHA1; `prfAlgorithm: 'sha256'` is an option forge
 *   reads but its types do not declare.
 * - Integrity: forge always writes an HMAC-SHA1 MacData, so it is asked for none and this module
 *   writes the MacData itself with HMAC-SHA256 (RFC 7292 App. B key derivation with SHA-256), as
 *   OpenSSL 3 does by default.
 * - Password bytes. RFC 7292 App. B.1 feeds the MAC key derivation the password as a BMPString
 *   (UTF-16BE plus two zero bytes), while PBES2 (RFC 8018 §3) takes an octet string, for which
 *   OpenSSL and browsers use UTF-8. forge passes one string to both, so a Chinese password would
 *   come out unreadable by OpenSSL; here the key bag gets the UTF-8 bytes and the MAC the UTF-16
 *   code units.
 * - Certificates sit in an unencrypted SafeContents (they are public), as forge writes them.
 */

import forge from "node-forge";
import { bytesToBinary, binaryToBytes, derToPem, pemToDer, toBytes } from "./der.ts";

const { asn1, pki } = forge;

/**
 * PBKDF2 and MAC iteration count. RFC 8018 §4.2 asks for at least 1,000; forge (plain JS) takes
 * ~0.8 s for both derivations at 100,000, once when saving and once when opening a backup.
 */
export const PKCS12_DEFAULT_ITERATIONS = 100_000;

export type Pkcs12BackupErrorCode =
  "NOT_PKCS12" | "EMPTY_PASSWORD" | "WRONG_PASSWORD" | "UNSUPPORTED" | "NO_KEY" | "MULTIPLE_KEYS" | "NO_CERTIFICATE" | "KEY_CERT_MISMATCH";

export class Pkcs12BackupError extends Error {
  override readonly name = "Pkcs12BackupError";
  constructor(
    readonly code: Pkcs12BackupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type Pkcs12BackupInput = {
  /** PKCS#8 PrivateKeyInfo DER, e.g. `subtle.exportKey('pkcs8', keyPair.privateKey)`. */
  privateKeyPkcs8Der: Uint8Array;
  /** The person's certificate. */
  certificatePem: string;
  /** The CA certificates above it, issuing CA first. */
  chainPem: string[];
  password: string;
  /** Shown by key stores when importing (e.g. "张三 — 某某建设有限公司"). */
  friendlyName: string;
  /** PBKDF2 and MAC iterations; defaults to PKCS12_DEFAULT_ITERATIONS. */
  iterations?: number;
};

export type Pkcs12BackupContents = {
  privateKeyPkcs8Der: Uint8Array<ArrayBuffer>;
  certificatePem: string;
  /** The other certificates in the file, ordered upwards from the certificate's issuer. */
  chainPem: string[];
};

/** Builds the encrypted PKCS#12 backup; returns its DER bytes (a `.p12` file). */
export function buildPkcs12Backup(input: Pkcs12BackupInput): Uint8Array<ArrayBuffer> {
  const iterations = input.iterations ?? PKCS12_DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1000 || iterations > 0x7fffffff) {
    throw new RangeError("iterations must be an integer of at least 1000 (RFC 8018 §4.2)");
  }
  if (input.password.length === 0) {
    throw new Pkcs12BackupError("EMPTY_PASSWORD", "the backup password is empty");
  }

  const key = rsaPrivateKeyFromPkcs8(input.privateKeyPkcs8Der);
  const certs = [input.certificatePem, ...input.chainPem].map((pem) => certificateFromDer(pemToDer(pem, "CERTIFICATE")));
  const leaf = certs[0]!;
  if (!sameRsaKey(leaf.publicKey as forge.pki.rsa.PublicKey, key)) {
    throw new Pkcs12BackupError("KEY_CERT_MISMATCH", "the certificate does not belong to this private key");
  }

  const options = {
    algorithm: "aes256" as const,
    prfAlgorithm: "sha256",
    count: iterations,
    saltSize: 16, // RFC 8018 §4.1: at least 64 bits; 128 costs nothing
    useMac: false,
    friendlyName: input.friendlyName,
    generateLocalKeyId: true, // SHA-1 of the certificate, ties key bag and certificate bag
  };
  const pfx = forge.pkcs12.toPkcs12Asn1(key, certs, forge.util.encodeUtf8(input.password), options);

  const authSafeBytes = authSafeContent(pfx);
  const macSalt = forge.random.getBytesSync(16);
  const mac = pkcs12Mac("sha256", input.password, macSalt, iterations, authSafeBytes);
  (pfx.value as forge.asn1.Asn1[]).push(
    // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER }
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(pki.oids.sha256!).getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
        ]),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, mac),
      ]),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, macSalt),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(iterations).getBytes()),
    ]),
  );
  return binaryToBytes(asn1.toDer(pfx).getBytes());
}

/**
 * Opens a backup: checks the MAC (a mismatch means a wrong password), decrypts the key bag and
 * finds the certificate that belongs to the key. Also reads OpenSSL-made files (`openssl pkcs12
 * -export`, HMAC-SHA256 MAC, PBES2 AES-256 for both key and certificates) and legacy ones
 * (SHA-1 MAC, PKCS#12 3DES/RC2 bags, as far as forge supports them).
 */
export function readPkcs12Backup(der: ArrayBuffer | ArrayBufferView, password: string): Pkcs12BackupContents {
  let pfxAsn1: forge.asn1.Asn1;
  try {
    // Not strict: PKCS#12 files from Windows and Java are BER (indefinite lengths).
    pfxAsn1 = asn1.fromDer(bytesToBinary(toBytes(der)), false);
    if (!Array.isArray(pfxAsn1.value) || pfxAsn1.value.length < 2) throw new Error("short");
  } catch {
    throw new Pkcs12BackupError("NOT_PKCS12", "the file is not a PKCS#12 (.p12/.pfx) backup");
  }
  const parts = pfxAsn1.value as forge.asn1.Asn1[];
  const authSafe = authSafeContent(pfxAsn1);

  const macData = parts[2];
  if (macData) verifyMacData(macData, password, authSafe);

  // The MAC is checked above with the right password encoding; hand forge the PFX without it.
  const withoutMac = { ...pfxAsn1, value: parts.slice(0, 2) };
  const utf8 = forge.util.encodeUtf8(password);
  let pfx: forge.pkcs12.Pkcs12Pfx | undefined;
  // PBES2 wants the UTF-8 bytes; legacy PKCS#12 PBE bags want the UTF-16 string (RFC 7292 B.1).
  for (const candidate of utf8 === password ? [password] : [utf8, password]) {
    try {
      pfx = forge.pkcs12.pkcs12FromAsn1(withoutMac, false, candidate);
      break;
    } catch (e) {
      if (e instanceof Error && /unsupported|not supported|unknown/i.test(e.message)) {
        throw new Pkcs12BackupError("UNSUPPORTED", `the backup uses an unsupported format: ${e.message}`);
      }
    }
  }
  if (!pfx) throw new Pkcs12BackupError("WRONG_PASSWORD", "wrong password for this backup");

  const keys: forge.pki.rsa.PrivateKey[] = [];
  const certs: forge.pki.Certificate[] = [];
  for (const safe of pfx.safeContents) {
    for (const bag of safe.safeBags) {
      if (bag.type === pki.oids.pkcs8ShroudedKeyBag || bag.type === pki.oids.keyBag) {
        if (!bag.key) {
          throw new Pkcs12BackupError("UNSUPPORTED", "the backup holds a key that is not RSA");
        }
        keys.push(bag.key);
      } else if (bag.type === pki.oids.certBag && bag.cert) {
        certs.push(bag.cert);
      }
    }
  }
  if (keys.length === 0) throw new Pkcs12BackupError("NO_KEY", "the backup holds no private key");
  if (keys.length > 1) {
    throw new Pkcs12BackupError("MULTIPLE_KEYS", "the backup holds more than one private key");
  }
  const key = keys[0]!;
  const leafIndex = certs.findIndex((c) => sameRsaKey(c.publicKey as forge.pki.rsa.PublicKey, key));
  if (leafIndex < 0) {
    throw new Pkcs12BackupError(
      "NO_CERTIFICATE",
      certs.length === 0 ? "the backup holds no certificate" : "the backup holds no certificate for its private key",
    );
  }
  const leaf = certs[leafIndex]!;
  const rest = certs.filter((_, i) => i !== leafIndex);

  // Order the others upwards: issuer of the leaf, then its issuer, and so on; strays last.
  const chain: forge.pki.Certificate[] = [];
  let current = leaf;
  for (;;) {
    const idx = rest.findIndex((c) => c !== current && c.issued(current));
    if (idx < 0 || current.issued(current)) break;
    current = rest.splice(idx, 1)[0]!;
    chain.push(current);
  }
  chain.push(...rest);

  return {
    privateKeyPkcs8Der: binaryToBytes(asn1.toDer(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(key))).getBytes()),
    certificatePem: certificateToPem(leaf),
    chainPem: chain.map(certificateToPem),
  };
}

// ---------------------------------------------------------------------------------------------

function rsaPrivateKeyFromPkcs8(der: Uint8Array): forge.pki.rsa.PrivateKey {
  try {
    return pki.privateKeyFromAsn1(asn1.fromDer(bytesToBinary(der))) as forge.pki.rsa.PrivateKey;
  } catch {
    throw new Pkcs12BackupError("UNSUPPORTED", "the private key is not an RSA PKCS#8 key");
  }
}

function certificateFromDer(der: Uint8Array): forge.pki.Certificate {
  // forge keeps the parsed TBSCertificate and writes it back unchanged, so the signature holds.
  return pki.certificateFromAsn1(asn1.fromDer(bytesToBinary(der)), true);
}

function certificateToPem(cert: forge.pki.Certificate): string {
  return derToPem("CERTIFICATE", binaryToBytes(asn1.toDer(pki.certificateToAsn1(cert)).getBytes()));
}

function sameRsaKey(pub: forge.pki.rsa.PublicKey, key: forge.pki.rsa.PrivateKey): boolean {
  return Boolean(pub?.n && pub.n.equals(key.n) && pub.e.equals(key.e));
}

/** The authSafe content octets (the bytes the MAC covers, RFC 7292 §4), BER chunks joined. */
function authSafeContent(pfx: forge.asn1.Asn1): string {
  try {
    const authSafe = (pfx.value as forge.asn1.Asn1[])[1]!;
    const [contentType, explicit] = authSafe.value as forge.asn1.Asn1[];
    if (asn1.derToOid(contentType!.value as string) !== pki.oids.data) {
      throw new Pkcs12BackupError("UNSUPPORTED", "only password-integrity PKCS#12 is supported (RFC 7292 §3.1)");
    }
    const octets = (explicit!.value as forge.asn1.Asn1[])[0]!;
    if (Array.isArray(octets.value)) return octets.value.map((c) => c.value as string).join("");
    return octets.value;
  } catch (e) {
    if (e instanceof Pkcs12BackupError) throw e;
    throw new Pkcs12BackupError("NOT_PKCS12", "the file is not a PKCS#12 (.p12/.pfx) backup");
  }
}

type MacDigest = "sha1" | "sha256" | "sha384" | "sha512";
const MAC_DIGESTS: Record<string, MacDigest> = {
  [pki.oids.sha1!]: "sha1",
  [pki.oids.sha256!]: "sha256",
  [pki.oids.sha384!]: "sha384",
  [pki.oids.sha512!]: "sha512",
};

/** RFC 7292 App. B.2 key (ID 3 = MAC) from the UTF-16 password, then HMAC over the authSafe. */
function pkcs12Mac(digest: MacDigest, password: string, salt: string, iterations: number, data: string): string {
  const md = forge.md[digest].create();
  const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt), 3, iterations, md.digestLength, md);
  const hmac = forge.hmac.create();
  hmac.start(forge.md[digest].create(), key);
  hmac.update(data);
  return hmac.digest().getBytes();
}

function verifyMacData(macData: forge.asn1.Asn1, password: string, authSafe: string): void {
  let digest: MacDigest | undefined;
  let expected: string;
  let salt: string;
  let iterations = 1; // DEFAULT 1 (RFC 7292 §4)
  try {
    const [digestInfo, saltNode, iterNode] = macData.value as forge.asn1.Asn1[];
    const [algId, digestNode] = digestInfo!.value as forge.asn1.Asn1[];
    const oid = asn1.derToOid((algId!.value as forge.asn1.Asn1[])[0]!.value as string);
    digest = MAC_DIGESTS[oid];
    expected = digestNode!.value as string;
    salt = saltNode!.value as string;
    if (iterNode) iterations = parseInt(forge.util.bytesToHex(iterNode.value as string), 16);
  } catch {
    throw new Pkcs12BackupError("NOT_PKCS12", "the backup's MAC data is malformed");
  }
  if (!digest) {
    throw new Pkcs12BackupError("UNSUPPORTED", "the backup uses an unsupported MAC algorithm");
  }
  if (!(iterations >= 1 && iterations <= 10_000_000)) {
    throw new Pkcs12BackupError("UNSUPPORTED", `unreasonable MAC iteration count ${iterations}`);
  }
  const actual = pkcs12Mac(digest, password, salt, iterations, authSafe);
  if (actual !== expected) {
    throw new Pkcs12BackupError("WRONG_PASSWORD", "wrong password for this backup");
  }
}
