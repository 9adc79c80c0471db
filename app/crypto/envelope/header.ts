/**
 * The envelope's layout (RFC 5652 §3 ContentInfo, RFC 5083 §2.1 AuthEnvelopedData):
 *
 *   ContentInfo SEQUENCE {
 *     contentType id-ct-authEnvelopedData,
 *     content [0] EXPLICIT AuthEnvelopedData SEQUENCE {
 *       version 0, originatorInfo [0] OPTIONAL, recipientInfos SET OF RecipientInfo,
 *       authEncryptedContentInfo SEQUENCE {
 *         contentType id-data, contentEncryptionAlgorithm { id-aes256-GCM, GCMParameters },
 *         encryptedContent [0] IMPLICIT OCTET STRING    <- the only large part
 *       },
 *       authAttrs [1] OPTIONAL, mac OCTET STRING, unauthAttrs [2] OPTIONAL } }
 *
 * Everything up to the first content octet of encryptedContent is the "header"; the mac (and
 * the closing of the enclosing elements) is the "trailer". Both are small, so they are built and
 * parsed in memory; the content between them is streamed by the caller.
 */
import {
  Container,
  DerReader,
  NeedMoreInput,
  TAG,
  compareForSetOf,
  copyBytes,
  concat,
  elementEnd,
  encodeOid,
  encodeSmallInt,
  readOid,
  readSmallInt,
  tlv,
  tlvHeader,
} from "./der.ts";
import type { TlvHeader } from "./der.ts";
import { EnvelopeError } from "./errors.ts";
import { OID, describeOid } from "./oids.ts";

/** RFC 5084 §3.2 recommends a 12-octet nonce; it is the only size bidhall writes or accepts. */
export const GCM_NONCE_LENGTH = 12;
/** RFC 5084 §3.2: aes-ICVlen ∈ {12..16}; bidhall writes 16 (the full GCM tag). */
export const GCM_ICV_LENGTH = 16;
export const CONTENT_KEY_LENGTH = 32;
/**
 * A header larger than this is refused rather than buffered: recipient infos of a few dozen
 * RSA-3072 certificates take a few tens of KiB.
 */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;

export type RecipientIdentifier =
  | { type: "issuerAndSerialNumber"; issuer: Uint8Array; serialNumber: Uint8Array }
  | { type: "subjectKeyIdentifier"; keyIdentifier: Uint8Array };

/** A KeyTransRecipientInfo (RFC 5652 §6.2.1) with RSAES-OAEP/SHA-256/MGF1-SHA-256. */
export interface KeyTransRecipient {
  kind: "keyTrans";
  version: 0 | 2;
  rid: RecipientIdentifier;
  keyEncryptionAlgorithm: "RSAES-OAEP-SHA256";
  encryptedKey: Uint8Array;
  /** Absolute offset of this RecipientInfo in the envelope. */
  offset: number;
}

/** kari, kekri, pwri or ori (RFC 5652 §6.2.2–6.2.5): legal CMS, but nothing bidhall can use. */
export interface OtherRecipient {
  kind: "keyAgree" | "kek" | "password" | "other";
  offset: number;
}

export type RecipientInfo = KeyTransRecipient | OtherRecipient;

export interface EnvelopeHeader {
  recipients: RecipientInfo[];
  /** The inner content type; always id-data (RFC 5652 §4) once parsed. */
  contentType: string;
  contentEncryption: {
    algorithm: "AES-256-GCM";
    oid: string;
    nonce: Uint8Array;
    icvLength: number;
  };
  /** Bytes before the encrypted content (= absolute offset where it starts). */
  headerLength: number;
  /**
   * How the encryptedContent [0] is encoded. "primitive": `length` ciphertext octets follow the
   * header. "constructed" (BER, `openssl cms -stream`): a series of OCTET STRING chunks, ended
   * by the [0]'s definite end or by end-of-contents; the ciphertext length is known only after
   * walking them.
   */
  encryptedContent: { form: "primitive"; length: number } | { form: "constructed"; definite: boolean };
  /**
   * Absolute ends (null = indefinite) of the elements still open when the content starts:
   * ContentInfo, [0] content, AuthEnvelopedData, EncryptedContentInfo, and (constructed form
   * only) encryptedContent [0]. The trailer parser closes them.
   */
  enclosing: {
    contentInfo: number | null;
    content: number | null;
    authEnvelopedData: number | null;
    encryptedContentInfo: number | null;
    encryptedContent: number | null;
  };
  /** True when every length seen is definite. */
  definiteLengths: boolean;
}

export interface EnvelopeTrailer {
  mac: Uint8Array;
  /** Total envelope length in bytes. */
  envelopeLength: number;
}

function malformed(detail: string, offset?: number): EnvelopeError {
  return new EnvelopeError("MALFORMED", detail, offset === undefined ? {} : { offset });
}

function unsupported(oid: string, detail: string): EnvelopeError {
  return new EnvelopeError("UNSUPPORTED_ALGORITHM", `${describeOid(oid)}: ${detail}`, { oid });
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Parses the header from `bytes`, which may hold more than the header. Throws NeedMoreInput
 * (internal) when `bytes` ends first; every other refusal is an EnvelopeError.
 */
export function parseHeaderFrom(bytes: Uint8Array): EnvelopeHeader {
  if (bytes.length === 0) throw new NeedMoreInput(1);
  if (bytes[0] !== TAG.SEQUENCE) {
    const head = String.fromCharCode(...bytes.subarray(0, 10));
    if (head.startsWith("-----BEGIN")) {
      throw new EnvelopeError("NOT_CMS", "PEM text; a bid envelope is binary DER (openssl cms -outform DER)");
    }
    throw new EnvelopeError(
      "NOT_CMS",
      `starts with 0x${bytes[0]!.toString(16).padStart(2, "0")}, not a ContentInfo SEQUENCE (RFC 5652 §3)`,
    );
  }
  const r = new DerReader(bytes);
  let definite = true;
  const note = (h: TlvHeader): TlvHeader => {
    if (h.length === null) definite = false;
    return h;
  };

  const ciHeader = note(r.header());
  const ci = Container.of(r, ciHeader, "ContentInfo");
  // A SEQUENCE that does not start with an OID is something else (a certificate, a key...).
  const first = ci.peekTag();
  if (first === null) throw new EnvelopeError("NOT_CMS", "empty SEQUENCE, not a ContentInfo");
  if (first !== TAG.OID) {
    throw new EnvelopeError("NOT_CMS", "a SEQUENCE whose first element is not a contentType OID (RFC 5652 §3)");
  }
  const contentType = readOid(r, ci, "contentType");
  if (contentType !== OID.authEnvelopedData) {
    throw new EnvelopeError(
      "WRONG_CONTENT_TYPE",
      `ContentInfo holds ${describeOid(contentType)}; a bid envelope is ${describeOid(OID.authEnvelopedData)} (RFC 5083)`,
      { oid: contentType },
    );
  }
  const explicitHeader = note(ci.expect(TAG.CTX0, "content [0]"));
  const explicit = Container.of(r, explicitHeader, "content [0]");
  const aedHeader = note(explicit.expect(TAG.SEQUENCE, "AuthEnvelopedData"));
  const aed = Container.of(r, aedHeader, "AuthEnvelopedData");
  // RFC 5083 §2.1: "version is the syntax version number. It MUST be set to 0."
  const versionHeaderOffset = r.pos;
  const version = readSmallInt(r, aed, "AuthEnvelopedData version");
  if (version !== 0) throw malformed(`AuthEnvelopedData version ${version}; RFC 5083 §2.1 requires 0`, versionHeaderOffset);

  if (aed.peekTag() === TAG.CTX0) {
    // originatorInfo (certificates and CRLs for the recipients' benefit): not needed to open.
    r.skip(note(aed.next("originatorInfo")));
  }

  const risHeader = note(aed.expect(TAG.SET, "recipientInfos"));
  const ris = Container.of(r, risHeader, "recipientInfos");
  const recipients: RecipientInfo[] = [];
  while (ris.hasMore()) recipients.push(parseRecipientInfo(r, ris, note));
  ris.close();
  if (recipients.length === 0) throw malformed("recipientInfos is empty (RFC 5652 §6.1 requires at least one)", risHeader.offset);

  const eciHeader = note(aed.expect(TAG.SEQUENCE, "authEncryptedContentInfo"));
  const eci = Container.of(r, eciHeader, "EncryptedContentInfo");
  const innerType = readOid(r, eci, "EncryptedContentInfo contentType");
  if (innerType !== OID.data) {
    throw new EnvelopeError(
      "WRONG_CONTENT_TYPE",
      `encrypted content is ${describeOid(innerType)}; a bid envelope carries ${describeOid(OID.data)}`,
      { oid: innerType },
    );
  }
  const contentEncryption = parseContentEncryptionAlgorithm(r, eci);

  if (!eci.hasMore()) {
    throw malformed("no encryptedContent: detached content (RFC 5652 §6.1) is not supported", r.pos);
  }
  const ecHeader = note(eci.next("encryptedContent"));
  let encryptedContent: EnvelopeHeader["encryptedContent"];
  if (ecHeader.tag === TAG.CTX0_PRIMITIVE) {
    encryptedContent = { form: "primitive", length: ecHeader.length! };
  } else if (ecHeader.tag === TAG.CTX0) {
    encryptedContent = { form: "constructed", definite: ecHeader.length !== null };
  } else {
    throw malformed("encryptedContent must be [0] IMPLICIT OCTET STRING (RFC 5652 §6.1)", ecHeader.offset);
  }
  return {
    recipients,
    contentType: innerType,
    contentEncryption,
    headerLength: r.pos,
    encryptedContent,
    enclosing: {
      contentInfo: elementEnd(ciHeader),
      content: elementEnd(explicitHeader),
      authEnvelopedData: elementEnd(aedHeader),
      encryptedContentInfo: elementEnd(eciHeader),
      encryptedContent: elementEnd(ecHeader),
    },
    definiteLengths: definite,
  };
}

function parseRecipientInfo(r: DerReader, ris: Container, note: (h: TlvHeader) => TlvHeader): RecipientInfo {
  const h = note(ris.next("RecipientInfo"));
  const kinds: Record<number, OtherRecipient["kind"]> = {
    [TAG.CTX1]: "keyAgree",
    [TAG.CTX2]: "kek",
    [TAG.CTX3]: "password",
    [TAG.CTX4]: "other",
  };
  if (h.tag !== TAG.SEQUENCE) {
    const kind = kinds[h.tag];
    if (kind === undefined) throw malformed("RecipientInfo: unknown CHOICE", h.offset);
    r.skip(h);
    return { kind, offset: h.offset };
  }
  // RFC 5652 §6.2.1 KeyTransRecipientInfo.
  const ktri = Container.of(r, h, "KeyTransRecipientInfo");
  const versionOffset = r.pos;
  const version = readSmallInt(r, ktri, "KeyTransRecipientInfo version");
  const ridHeader = note(ktri.next("rid"));
  let rid: RecipientIdentifier;
  if (ridHeader.tag === TAG.SEQUENCE) {
    // issuerAndSerialNumber: version MUST be 0.
    if (version !== 0)
      throw malformed(`KeyTransRecipientInfo version ${version} with issuerAndSerialNumber; RFC 5652 §6.2.1 requires 0`, versionOffset);
    const ias = Container.of(r, ridHeader, "IssuerAndSerialNumber");
    const issuerHeader = note(ias.expect(TAG.SEQUENCE, "issuer"));
    r.skip(issuerHeader);
    const issuer = copyBytes(r.raw(issuerHeader));
    const serialHeader = ias.expect(TAG.INTEGER, "serialNumber");
    r.value(serialHeader, "serialNumber");
    const serialNumber = copyBytes(r.raw(serialHeader));
    ias.close();
    rid = { type: "issuerAndSerialNumber", issuer, serialNumber };
  } else if (ridHeader.tag === TAG.CTX0_PRIMITIVE) {
    // subjectKeyIdentifier [0]: version MUST be 2.
    if (version !== 2)
      throw malformed(`KeyTransRecipientInfo version ${version} with subjectKeyIdentifier; RFC 5652 §6.2.1 requires 2`, versionOffset);
    rid = { type: "subjectKeyIdentifier", keyIdentifier: copyBytes(r.value(ridHeader, "subjectKeyIdentifier")) };
  } else {
    throw malformed("KeyTransRecipientInfo rid is neither issuerAndSerialNumber nor [0] subjectKeyIdentifier", ridHeader.offset);
  }
  parseKeyEncryptionAlgorithm(r, ktri);
  const ekHeader = ktri.expect(TAG.OCTET_STRING, "encryptedKey");
  const encryptedKey = copyBytes(r.value(ekHeader, "encryptedKey"));
  ktri.close();
  return {
    kind: "keyTrans",
    version: version as 0 | 2,
    rid,
    keyEncryptionAlgorithm: "RSAES-OAEP-SHA256",
    encryptedKey,
    offset: h.offset,
  };
}

/** Hash AlgorithmIdentifier: RFC 4055 §2.1 — parameters absent or NULL, both accepted. */
function readHashAlgorithm(r: DerReader, c: Container, what: string): string {
  const alg = Container.of(r, c.expect(TAG.SEQUENCE, what), what);
  const oid = readOid(r, alg, `${what} algorithm`);
  if (alg.hasMore()) {
    const p = alg.next(`${what} parameters`);
    if (p.tag !== TAG.NULL || p.length !== 0) throw malformed(`${what}: parameters must be absent or NULL (RFC 4055 §2.1)`, p.offset);
  }
  alg.close();
  return oid;
}

/**
 * RFC 4055 §4.1 RSAES-OAEP-params: hashFunc [0], maskGenFunc [1], pSourceFunc [2], each with a
 * SHA-1 / empty-label DEFAULT. bidhall accepts exactly SHA-256, MGF1-SHA-256 and the empty label
 * and refuses PKCS#1 v1.5 (rsaEncryption), which is open to Bleichenbacher-style oracles and
 * which Node 20 no longer decrypts (CVE-2023-46809).
 */
function parseKeyEncryptionAlgorithm(r: DerReader, ktri: Container): void {
  const alg = Container.of(r, ktri.expect(TAG.SEQUENCE, "keyEncryptionAlgorithm"), "keyEncryptionAlgorithm");
  const oid = readOid(r, alg, "keyEncryptionAlgorithm");
  if (oid === OID.rsaEncryption) {
    throw unsupported(
      oid,
      "RSAES-PKCS1-v1_5 key transport is refused; seal with RSAES-OAEP, SHA-256 and MGF1-SHA-256 (RFC 4055 §4.1; openssl: -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256)",
    );
  }
  if (oid !== OID.rsaesOaep) throw unsupported(oid, "key transport algorithm not supported; bidhall uses RSAES-OAEP with SHA-256");
  let hash: string = OID.sha1;
  let mgfHash: string = OID.sha1;
  if (alg.hasMore()) {
    const params = Container.of(r, alg.expect(TAG.SEQUENCE, "RSAES-OAEP-params"), "RSAES-OAEP-params");
    if (params.peekTag() === TAG.CTX0) {
      const c = Container.of(r, params.next("hashFunc"), "hashFunc [0]");
      hash = readHashAlgorithm(r, c, "hashFunc");
      c.close();
    }
    if (params.peekTag() === TAG.CTX1) {
      const c = Container.of(r, params.next("maskGenFunc"), "maskGenFunc [1]");
      const mgf = Container.of(r, c.expect(TAG.SEQUENCE, "maskGenFunc"), "maskGenFunc");
      const mgfOid = readOid(r, mgf, "maskGenFunc algorithm");
      if (mgfOid !== OID.mgf1) throw unsupported(mgfOid, "mask generation function not supported; bidhall uses MGF1 with SHA-256");
      mgfHash = readHashAlgorithm(r, mgf, "MGF1 hash");
      mgf.close();
      c.close();
    }
    if (params.peekTag() === TAG.CTX2) {
      const c = Container.of(r, params.next("pSourceFunc"), "pSourceFunc [2]");
      const ps = Container.of(r, c.expect(TAG.SEQUENCE, "pSourceFunc"), "pSourceFunc");
      const psOid = readOid(r, ps, "pSourceFunc algorithm");
      if (psOid !== OID.pSpecified) throw unsupported(psOid, "OAEP label source not supported");
      const label = ps.expect(TAG.OCTET_STRING, "pSpecified label");
      if (r.value(label, "pSpecified label").length !== 0) {
        throw unsupported(psOid, "a non-empty OAEP label is not supported");
      }
      ps.close();
      c.close();
    }
    params.close();
  }
  alg.close();
  if (hash !== OID.sha256) throw unsupported(hash, "RSAES-OAEP hash must be SHA-256 (openssl: -keyopt rsa_oaep_md:sha256)");
  if (mgfHash !== OID.sha256) throw unsupported(mgfHash, "RSAES-OAEP MGF1 hash must be SHA-256");
}

/** RFC 5084 §3.2: id-aes256-GCM with GCMParameters { aes-nonce, aes-ICVlen DEFAULT 12 }. */
function parseContentEncryptionAlgorithm(r: DerReader, eci: Container): EnvelopeHeader["contentEncryption"] {
  const alg = Container.of(r, eci.expect(TAG.SEQUENCE, "contentEncryptionAlgorithm"), "contentEncryptionAlgorithm");
  const oid = readOid(r, alg, "contentEncryptionAlgorithm");
  if (oid !== OID.aes256Gcm) {
    throw unsupported(oid, "content encryption must be AES-256-GCM (RFC 5084; openssl: -aes-256-gcm)");
  }
  const params = Container.of(r, alg.expect(TAG.SEQUENCE, "GCMParameters"), "GCMParameters");
  const nonceHeader = params.expect(TAG.OCTET_STRING, "aes-nonce");
  const nonce = copyBytes(r.value(nonceHeader, "aes-nonce"));
  let icvLength = 12;
  if (params.hasMore()) icvLength = readSmallInt(r, params, "aes-ICVlen");
  params.close();
  alg.close();
  if (nonce.length !== GCM_NONCE_LENGTH) {
    throw unsupported(oid, `a ${nonce.length}-byte nonce; bidhall accepts the 12-byte nonce RFC 5084 §3.2 recommends`);
  }
  if (icvLength < 12 || icvLength > 16) {
    throw malformed(`aes-ICVlen ${icvLength}; RFC 5084 §3.2 allows 12 to 16`, nonceHeader.offset);
  }
  return { algorithm: "AES-256-GCM", oid, nonce, icvLength };
}

/**
 * Parses the trailer: closes EncryptedContentInfo, reads the mac, skips unauthAttrs, closes the
 * enclosing elements and requires the input to end there. `bytes` starts at absolute offset
 * `start` (the first byte after the encrypted content) and must run to the end of input.
 */
export function parseTrailerFrom(bytes: Uint8Array, start: number, header: EnvelopeHeader): EnvelopeTrailer {
  const r = new DerReader(bytes, start, start);
  const e = header.enclosing;
  new Container(r, e.encryptedContentInfo, "EncryptedContentInfo").close();
  const aed = new Container(r, e.authEnvelopedData, "AuthEnvelopedData");
  if (aed.peekTag() === TAG.CTX1) {
    // RFC 5083 §2.2: authAttrs would be GCM additional data, but they follow the content, so
    // a streaming opener would have to read the file twice. bidhall neither writes nor reads them.
    throw malformed("authAttrs are not supported", r.pos);
  }
  const macHeader = aed.expect(TAG.OCTET_STRING, "mac");
  const mac = copyBytes(r.value(macHeader, "mac"));
  if (mac.length !== header.contentEncryption.icvLength) {
    throw malformed(`mac is ${mac.length} bytes but aes-ICVlen says ${header.contentEncryption.icvLength}`, macHeader.offset);
  }
  if (aed.hasMore()) {
    const u = aed.next("unauthAttrs");
    if (u.tag !== TAG.CTX2) throw malformed("unexpected element after mac", u.offset);
    r.skip(u);
  }
  aed.close();
  new Container(r, e.content, "content [0]").close();
  new Container(r, e.contentInfo, "ContentInfo").close();
  if (r.pos !== r.limit) throw malformed(`${r.limit - r.pos} bytes after the end of the ContentInfo`, r.pos);
  return { mac, envelopeLength: r.pos };
}

// ---------------------------------------------------------------------------------------------
// Building (DER, definite lengths)

export interface HeaderRecipient {
  /** The certificate's issuer Name and serialNumber INTEGER, whole DER, copied verbatim. */
  issuer: Uint8Array;
  serialNumber: Uint8Array;
  /** RSAES-OAEP(SHA-256, MGF1-SHA-256) encryption of the content key under the recipient's key. */
  encryptedKey: Uint8Array;
}

export interface BuildHeaderOptions {
  recipients: readonly HeaderRecipient[];
  nonce: Uint8Array;
  /** Ciphertext length = plaintext length (GCM is a stream mode). */
  contentLength: number;
}

/** RFC 5754 §2: SHA-2 AlgorithmIdentifiers are generated with absent parameters (as OpenSSL does). */
function sha256Identifier(): Uint8Array<ArrayBuffer> {
  return tlv(TAG.SEQUENCE, encodeOid(OID.sha256));
}

function oaepSha256Identifier(): Uint8Array<ArrayBuffer> {
  // RFC 4055 §4.1; pSourceFunc left at its DEFAULT (empty label), so omitted in DER.
  return tlv(
    TAG.SEQUENCE,
    encodeOid(OID.rsaesOaep),
    tlv(TAG.SEQUENCE, tlv(TAG.CTX0, sha256Identifier()), tlv(TAG.CTX1, tlv(TAG.SEQUENCE, encodeOid(OID.mgf1), sha256Identifier()))),
  );
}

/**
 * Everything before the ciphertext, with every length definite: the caller then writes exactly
 * `contentLength` ciphertext bytes and `buildEnvelopeTrailer(tag)`.
 */
export function buildEnvelopeHeader(options: BuildHeaderOptions): Uint8Array<ArrayBuffer> {
  const { recipients, nonce, contentLength } = options;
  if (recipients.length === 0) throw new RangeError("an envelope needs at least one recipient");
  if (nonce.length !== GCM_NONCE_LENGTH) throw new RangeError("GCM nonce must be 12 bytes");
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) throw new RangeError(`bad content length ${contentLength}`);

  const keyEncryption = oaepSha256Identifier();
  const infos = recipients.map((rcp) =>
    // RFC 5652 §6.2.1: version 0 with issuerAndSerialNumber.
    tlv(
      TAG.SEQUENCE,
      encodeSmallInt(0),
      tlv(TAG.SEQUENCE, rcp.issuer, rcp.serialNumber),
      keyEncryption,
      tlv(TAG.OCTET_STRING, rcp.encryptedKey),
    ),
  );
  infos.sort(compareForSetOf);
  const recipientInfos = tlv(TAG.SET, ...infos);

  const eciPrefix = concat([
    encodeOid(OID.data),
    tlv(TAG.SEQUENCE, encodeOid(OID.aes256Gcm), tlv(TAG.SEQUENCE, tlv(TAG.OCTET_STRING, nonce), encodeSmallInt(GCM_ICV_LENGTH))),
    tlvHeader(TAG.CTX0_PRIMITIVE, contentLength),
  ]);
  const eciLength = eciPrefix.length + contentLength;
  const eciHeader = tlvHeader(TAG.SEQUENCE, eciLength);
  const version = encodeSmallInt(0);
  const macLength = 2 + GCM_ICV_LENGTH;
  const aedLength = version.length + recipientInfos.length + eciHeader.length + eciLength + macLength;
  const aedHeader = tlvHeader(TAG.SEQUENCE, aedLength);
  const explicitLength = aedHeader.length + aedLength;
  const explicitHeader = tlvHeader(TAG.CTX0, explicitLength);
  const contentType = encodeOid(OID.authEnvelopedData);
  const ciLength = contentType.length + explicitHeader.length + explicitLength;
  return concat([tlvHeader(TAG.SEQUENCE, ciLength), contentType, explicitHeader, aedHeader, version, recipientInfos, eciHeader, eciPrefix]);
}

/** The mac OCTET STRING (RFC 5083 §2.1), the last element of a DER envelope. */
export function buildEnvelopeTrailer(tag: Uint8Array): Uint8Array<ArrayBuffer> {
  if (tag.length !== GCM_ICV_LENGTH) throw new RangeError("GCM tag must be 16 bytes");
  return tlv(TAG.OCTET_STRING, tag);
}

/** Total size of an envelope built by buildEnvelopeHeader/Trailer. */
export function envelopeLength(headerLength: number, contentLength: number): number {
  return headerLength + contentLength + 2 + GCM_ICV_LENGTH;
}
