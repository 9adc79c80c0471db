/**
 * A minimal DER reader over Uint8Array that keeps byte offsets. forge.asn1 re-encodes what it
 * parsed, which is fine for building but not for checking signatures: a signature covers the
 * exact bytes of a TBSCertificate or TBSCertList (RFC 5280 §4.1.1.3, §5.1.1.3), so those are
 * sliced out of the original instead. Definite lengths only (DER, X.690 §10.1); BER input such
 * as PKCS#12 from other tools goes through forge.
 */

import { bytesToHex } from "./der.ts";

export const TagClass = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;

export const Tag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  BMP_STRING: 30,
} as const;

export type Tlv = {
  /** 0 universal, 1 application, 2 context-specific, 3 private */
  cls: number;
  constructed: boolean;
  /** tag number (low-tag form only; X.509 needs no more) */
  tag: number;
  /** offset of the identifier octet */
  start: number;
  /** offset of the first content octet */
  valueStart: number;
  /** offset after the last content octet */
  end: number;
  buf: Uint8Array;
};

export class DerError extends Error {
  override readonly name = "DerError";
}

export function readTlv(buf: Uint8Array, offset = 0, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError("truncated DER");
  const id = buf[offset]!;
  const tag = id & 0x1f;
  if (tag === 0x1f) throw new DerError("high tag numbers are not supported");
  let pos = offset + 1;
  const first = buf[pos++]!;
  let len: number;
  if (first < 0x80) {
    len = first;
  } else {
    const n = first & 0x7f;
    if (n === 0) throw new DerError("indefinite length is not DER");
    if (n > 4) throw new DerError("DER length too large");
    if (pos + n > limit) throw new DerError("truncated DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++]!;
    if (len < 0x80 || (n > 1 && buf[pos - n] === 0)) throw new DerError("non-minimal DER length");
  }
  if (pos + len > limit) throw new DerError("truncated DER value");
  return {
    cls: id >> 6,
    constructed: (id & 0x20) !== 0,
    tag,
    start: offset,
    valueStart: pos,
    end: pos + len,
    buf,
  };
}

/** The whole buffer must be exactly one TLV. */
export function readDer(buf: Uint8Array): Tlv {
  const tlv = readTlv(buf, 0);
  if (tlv.end !== buf.length) throw new DerError("trailing bytes after DER value");
  return tlv;
}

export function children(tlv: Tlv): Tlv[] {
  if (!tlv.constructed) throw new DerError("expected a constructed value");
  const out: Tlv[] = [];
  let pos = tlv.valueStart;
  while (pos < tlv.end) {
    const child = readTlv(tlv.buf, pos, tlv.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

export function value(tlv: Tlv): Uint8Array {
  return tlv.buf.subarray(tlv.valueStart, tlv.end);
}

/** The complete encoding (identifier, length, contents). */
export function raw(tlv: Tlv): Uint8Array {
  return tlv.buf.subarray(tlv.start, tlv.end);
}

export function is(tlv: Tlv | undefined, cls: number, tag: number): tlv is Tlv {
  return tlv !== undefined && tlv.cls === cls && tlv.tag === tag;
}

export function expect(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!is(tlv, TagClass.UNIVERSAL, tag)) throw new DerError(`expected ${what}`);
  return tlv;
}

export function readOid(tlv: Tlv): string {
  const v = value(expect(tlv, Tag.OID, "OBJECT IDENTIFIER"));
  if (v.length === 0) throw new DerError("empty OID");
  // BigInt: UUID-based arcs (2.25.<128-bit integer>, ITU-T X.667) exceed Number's safe range.
  const parts: bigint[] = [];
  let n = 0n;
  for (const b of v) {
    n = (n << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = n < 80n ? n / 40n : 2n;
        parts.push(first, n - first * 40n);
      } else {
        parts.push(n);
      }
      n = 0n;
    }
  }
  if ((v[v.length - 1]! & 0x80) !== 0) throw new DerError("truncated OID");
  return parts.join(".");
}

/** A non-negative INTEGER's magnitude as lowercase hex, even length, without the sign octet. */
export function readUnsignedHex(tlv: Tlv): string {
  const v = value(expect(tlv, Tag.INTEGER, "INTEGER"));
  if (v.length === 0) throw new DerError("empty INTEGER");
  if ((v[0]! & 0x80) !== 0) throw new DerError("negative INTEGER");
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  return bytesToHex(v.subarray(i));
}

export function readSmallInteger(tlv: Tlv): number {
  const hex = readUnsignedHex(tlv);
  if (hex.length > 12) throw new DerError("INTEGER too large");
  return parseInt(hex, 16);
}

/** UTCTime (YYMMDDHHMMSSZ, years 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), RFC 5280 §4.1.2.5. */
export function readTime(tlv: Tlv): Date {
  const s = new TextDecoder().decode(value(tlv));
  let m: RegExpMatchArray | null;
  let year: number;
  if (is(tlv, TagClass.UNIVERSAL, Tag.UTC_TIME)) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) throw new DerError(`bad UTCTime ${s}`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (is(tlv, TagClass.UNIVERSAL, Tag.GENERALIZED_TIME)) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) throw new DerError(`bad GeneralizedTime ${s}`);
    year = Number(m[1]);
  } else {
    throw new DerError("expected a time");
  }
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

export function readString(tlv: Tlv): string {
  const v = value(tlv);
  if (is(tlv, TagClass.UNIVERSAL, Tag.BMP_STRING)) {
    let out = "";
    for (let i = 0; i + 1 < v.length; i += 2) out += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
    return out;
  }
  // UTF8String, PrintableString, IA5String (ASCII subsets of UTF-8); T61 treated as Latin-1-ish UTF-8
  return new TextDecoder().decode(v);
}
