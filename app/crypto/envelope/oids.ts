/**
 * Object identifiers the envelope reads or writes, with the RFC that assigns each. Names are for
 * error messages and `inspectEnvelope`; comparisons are on the dotted form.
 */
export const OID = {
  /** RFC 5652 §4: id-data, the inner content type of a bid envelope. */
  data: "1.2.840.113549.1.7.1",
  /** RFC 5652 §5.1, §6.1: SignedData and EnvelopedData (refused with WRONG_CONTENT_TYPE). */
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  /** RFC 5083 §1: id-ct-authEnvelopedData. */
  authEnvelopedData: "1.2.840.113549.1.9.16.1.23",
  /** RFC 5084 §3.2: id-aes256-GCM; its 128/192-bit siblings are refused. */
  aes128Gcm: "2.16.840.1.101.3.4.1.6",
  aes192Gcm: "2.16.840.1.101.3.4.1.26",
  aes256Gcm: "2.16.840.1.101.3.4.1.46",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  /** RFC 8017 App. A: rsaEncryption (as a key-transport algorithm it means RSAES-PKCS1-v1_5). */
  rsaEncryption: "1.2.840.113549.1.1.1",
  /** RFC 4055 §4.1: id-RSAES-OAEP, id-mgf1, id-pSpecified. */
  rsaesOaep: "1.2.840.113549.1.1.7",
  mgf1: "1.2.840.113549.1.1.8",
  pSpecified: "1.2.840.113549.1.1.9",
  /** RFC 4055 §2.1 (hash identifiers). */
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  /** RFC 5280 §4.2.1.2: subjectKeyIdentifier extension. */
  subjectKeyIdentifier: "2.5.29.14",
} as const;

const NAMES: Record<string, string> = {
  [OID.data]: "id-data",
  [OID.signedData]: "id-signedData",
  [OID.envelopedData]: "id-envelopedData",
  [OID.authEnvelopedData]: "id-ct-authEnvelopedData",
  [OID.aes128Gcm]: "id-aes128-GCM",
  [OID.aes192Gcm]: "id-aes192-GCM",
  [OID.aes256Gcm]: "id-aes256-GCM",
  [OID.aes256Cbc]: "id-aes256-CBC",
  [OID.rsaEncryption]: "rsaEncryption (RSAES-PKCS1-v1_5)",
  [OID.rsaesOaep]: "id-RSAES-OAEP",
  [OID.mgf1]: "id-mgf1",
  [OID.pSpecified]: "id-pSpecified",
  [OID.sha1]: "id-sha1",
  [OID.sha256]: "id-sha256",
  "1.2.840.113549.1.1.10": "id-RSASSA-PSS",
  "1.2.840.10045.2.1": "id-ecPublicKey",
  "1.3.101.110": "id-X25519",
  "1.3.101.112": "id-Ed25519",
  "1.2.840.113549.1.9.16.1.2": "id-ct-authData",
  "1.2.840.113549.1.7.6": "id-encryptedData",
  "1.2.840.113549.1.7.5": "id-digestedData",
  "1.2.840.113549.1.9.16.1.9": "id-ct-compressedData",
  "2.16.840.1.101.3.4.2.2": "id-sha384",
  "2.16.840.1.101.3.4.2.3": "id-sha512",
  "2.16.840.1.101.3.4.2.4": "id-sha224",
};

/** "id-aes256-GCM (2.16.840.1.101.3.4.1.46)" or just the dotted form when unknown. */
export function describeOid(oid: string): string {
  const name = NAMES[oid];
  return name === undefined ? oid : `${name} (${oid})`;
}
