/**
 * The few certificate fields a recipient info needs (RFC 5280 §4.1): issuer and serial number,
 * copied verbatim into IssuerAndSerialNumber (RFC 5652 §10.2.4) so any CMS implementation
 * matches them byte for byte; the SubjectPublicKeyInfo, for WebCrypto/Node to import; and the
 * subjectKeyIdentifier extension, for recipient infos that name the key instead (version 2).
 */
import { Container, DerReader, NeedMoreInput, TAG, copyBytes, readOid, toHex } from "./der.ts";
import { EnvelopeError } from "./errors.ts";
import { OID, describeOid } from "./oids.ts";

export interface CertificateFields {
  /** The whole DER of the issuer Name, verbatim. */
  issuer: Uint8Array;
  /** The whole DER of the serialNumber INTEGER (tag and length included), verbatim. */
  serialNumber: Uint8Array;
  /** The whole DER of SubjectPublicKeyInfo (importable as "spki"). */
  subjectPublicKeyInfo: Uint8Array;
  publicKeyAlgorithm: string;
  /** Content of the subjectKeyIdentifier extension (RFC 5280 §4.2.1.2), when present. */
  subjectKeyIdentifier: Uint8Array | undefined;
}

function bad(detail: string, offset?: number): EnvelopeError {
  return new EnvelopeError("MALFORMED", `certificate: ${detail}`, offset === undefined ? {} : { offset });
}

export function parseCertificate(der: Uint8Array): CertificateFields {
  try {
    return parseCertificateInner(der);
  } catch (e) {
    if (e instanceof NeedMoreInput) throw bad("truncated");
    if (e instanceof EnvelopeError && !e.detail.startsWith("certificate:")) {
      throw new EnvelopeError(e.code, `certificate: ${e.detail}`, { offset: e.offset, oid: e.oid });
    }
    throw e;
  }
}

function parseCertificateInner(der: Uint8Array): CertificateFields {
  const r = new DerReader(der);
  const top = new Container(r, der.length, "Certificate");
  const cert = Container.of(r, top.expect(TAG.SEQUENCE, "Certificate"), "Certificate");
  const tbs = Container.of(r, cert.expect(TAG.SEQUENCE, "tbsCertificate"), "TBSCertificate");
  if (tbs.peekTag() === TAG.CTX0) r.skip(tbs.next("version")); // [0] EXPLICIT Version
  const serialHeader = tbs.expect(TAG.INTEGER, "serialNumber");
  r.value(serialHeader, "serialNumber");
  const serialNumber = copyBytes(r.raw(serialHeader));
  r.skip(tbs.expect(TAG.SEQUENCE, "signature"));
  const issuerHeader = tbs.expect(TAG.SEQUENCE, "issuer");
  r.skip(issuerHeader);
  const issuer = copyBytes(r.raw(issuerHeader));
  r.skip(tbs.expect(TAG.SEQUENCE, "validity"));
  r.skip(tbs.expect(TAG.SEQUENCE, "subject"));
  const spkiHeader = tbs.expect(TAG.SEQUENCE, "subjectPublicKeyInfo");
  const spki = Container.of(r, spkiHeader, "SubjectPublicKeyInfo");
  const alg = Container.of(r, spki.expect(TAG.SEQUENCE, "algorithm"), "AlgorithmIdentifier");
  const publicKeyAlgorithm = readOid(r, alg, "algorithm");
  while (alg.hasMore()) r.skip(alg.next("parameters"));
  alg.close();
  r.skip(spki.next("subjectPublicKey"));
  spki.close();
  const subjectPublicKeyInfo = copyBytes(r.raw(spkiHeader));

  let subjectKeyIdentifier: Uint8Array | undefined;
  while (tbs.hasMore()) {
    const h = tbs.next("extensions");
    if (h.tag !== TAG.CTX3) {
      r.skip(h); // issuerUniqueID / subjectUniqueID
      continue;
    }
    const wrapper = Container.of(r, h, "extensions");
    const exts = Container.of(r, wrapper.expect(TAG.SEQUENCE, "Extensions"), "Extensions");
    while (exts.hasMore()) {
      const ext = Container.of(r, exts.expect(TAG.SEQUENCE, "Extension"), "Extension");
      const id = readOid(r, ext, "extnID");
      if (ext.peekTag() === 0x01) r.skip(ext.next("critical"));
      const valueHeader = ext.expect(TAG.OCTET_STRING, "extnValue");
      const value = r.value(valueHeader, "extnValue");
      ext.close();
      if (id === OID.subjectKeyIdentifier) {
        const kr = new DerReader(value, 0);
        const kh = kr.header();
        if (kh.tag !== TAG.OCTET_STRING) throw bad("subjectKeyIdentifier is not an OCTET STRING");
        subjectKeyIdentifier = copyBytes(kr.value(kh, "subjectKeyIdentifier"));
      }
    }
    exts.close();
    wrapper.close();
  }
  tbs.close();
  return { issuer, serialNumber, subjectPublicKeyInfo, publicKeyAlgorithm, subjectKeyIdentifier };
}

/** Refuses a certificate whose key cannot do RSAES-OAEP key transport. */
export function requireRsaKey(fields: CertificateFields): void {
  if (fields.publicKeyAlgorithm !== OID.rsaEncryption) {
    throw new EnvelopeError(
      "UNSUPPORTED_ALGORITHM",
      `recipient certificate has a ${describeOid(fields.publicKeyAlgorithm)} key; key transport needs an RSA key (RFC 8017 rsaEncryption)`,
      { oid: fields.publicKeyAlgorithm },
    );
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/;

/**
 * A certificate given as PEM text (string or its bytes, e.g. a file read as-is) or as DER →
 * DER. RFC 7468 §5: the label is CERTIFICATE; only the first block is taken.
 */
export function certificateToDer(input: string | Uint8Array): Uint8Array {
  let text: string | undefined;
  if (typeof input === "string") text = input;
  else if (input[0] === 0x2d /* "-" */ || input[0] === 0x0a || input[0] === 0x0d || input[0] === 0x20) {
    text = new TextDecoder().decode(input);
  }
  if (text === undefined) return input as Uint8Array;
  const m = PEM_CERT.exec(text);
  if (m === null) throw bad("no PEM block labelled CERTIFICATE");
  const binary = atob(m[1]!.replace(/\s+/g, ""));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Names for people (inspectEnvelope, error messages)

const ATTRIBUTE_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
  "0.9.2342.19200300.100.1.25": "DC",
};

function decodeString(tag: number, value: Uint8Array): string | undefined {
  switch (tag) {
    case 0x0c: // UTF8String
      return new TextDecoder("utf-8", { fatal: false }).decode(value);
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString (treated as Latin-1, as OpenSSL does)
    case 0x1a: {
      // VisibleString. A loop, not fromCharCode(...value): a spread of a long value overflows the stack.
      let s = "";
      for (const b of value) s += String.fromCharCode(b);
      return s;
    }
    case 0x1e: {
      // BMPString: UTF-16BE
      let s = "";
      for (let i = 0; i + 1 < value.length; i += 2) s += String.fromCharCode((value[i]! << 8) | value[i + 1]!);
      return s;
    }
    default:
      return undefined;
  }
}

function escapeRdnValue(s: string): string {
  // RFC 4514 §2.4
  return s
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ");
}

/**
 * RFC 4514 string of a DER Name, most significant RDN last ("CN=Alice,O=Org"). Unknown
 * attribute types appear as dotted OIDs, non-string values as #hex. Never throws: a name that
 * does not parse is shown as #hex of the whole encoding.
 */
export function formatName(nameDer: Uint8Array): string {
  if (nameDer.length > 4096) return `#${toHex(nameDer.subarray(0, 64))}…`;
  try {
    const r = new DerReader(nameDer);
    const outer = new Container(r, nameDer.length, "Name");
    const name = Container.of(r, outer.expect(TAG.SEQUENCE, "Name"), "Name");
    const rdns: string[] = [];
    while (name.hasMore()) {
      const rdn = Container.of(r, name.expect(TAG.SET, "RDN"), "RDN");
      const parts: string[] = [];
      while (rdn.hasMore()) {
        const atv = Container.of(r, rdn.expect(TAG.SEQUENCE, "AttributeTypeAndValue"), "ATV");
        const type = readOid(r, atv, "type");
        const vh = atv.next("value");
        r.skip(vh);
        const raw = r.raw(vh);
        atv.close();
        const str = vh.constructed ? undefined : decodeString(vh.tag, raw.subarray(vh.valueOffset - vh.offset));
        parts.push(`${ATTRIBUTE_NAMES[type] ?? type}=${str === undefined ? `#${toHex(raw)}` : escapeRdnValue(str)}`);
      }
      rdns.push(parts.join("+"));
    }
    return rdns.reverse().join(",");
  } catch {
    return `#${toHex(nameDer)}`;
  }
}

/** Uppercase hex of an INTEGER's content octets (the form `openssl x509 -serial` prints). */
export function formatSerialNumber(serialDer: Uint8Array): string {
  try {
    const r = new DerReader(serialDer);
    const h = r.header();
    return toHex(r.value(h, "serialNumber")).toUpperCase();
  } catch {
    return toHex(serialDer).toUpperCase();
  }
}
