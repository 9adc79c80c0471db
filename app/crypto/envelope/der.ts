/**
 * Just enough ASN.1 for the envelope, on Uint8Array (no Buffer, no binary strings), so the same
 * code parses a 4 GiB file's header on the server and a bid in the browser.
 *
 * Reading accepts BER (X.690 §8): indefinite lengths and constructed strings appear in
 * `openssl cms -stream` output. Writing is DER (X.690 §10): definite, minimal lengths. Every read
 * is bounded by the bytes at hand; running out throws `NeedMoreInput`, which the stream parser
 * turns into "wait for the next chunk" and one-shot callers into TRUNCATED. No length read from
 * the input is ever used to allocate memory.
 */
import { EnvelopeError } from "./errors.ts";

/**
 * Thrown (never escapes the module's public API) when a prefix ends inside an element.
 * `needed` is a lower bound on the input length required to get further.
 */
export class NeedMoreInput extends Error {
  override name = "NeedMoreInput";
  constructor(readonly needed: number) {
    super(`need input up to byte ${needed}`);
  }
}

export const TAG = {
  EOC: 0x00,
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONSTRUCTED_OCTET_STRING: 0x24,
  CTX0_PRIMITIVE: 0x80,
  CTX0: 0xa0,
  CTX1: 0xa1,
  CTX2: 0xa2,
  CTX3: 0xa3,
  CTX4: 0xa4,
} as const;

export interface TlvHeader {
  /** Absolute offset of the identifier octet. */
  offset: number;
  /** The identifier octet (X.690 §8.1.2) in low-tag-number form; -1 for a high tag number. */
  tag: number;
  constructed: boolean;
  headerLength: number;
  /** Content length; null for the indefinite form (X.690 §8.1.3.6). */
  length: number | null;
  /** Absolute offset of the first content octet. */
  valueOffset: number;
}

/** Absolute end of a definite element, or null when indefinite. */
export function elementEnd(h: TlvHeader): number | null {
  return h.length === null ? null : h.valueOffset + h.length;
}

function malformed(detail: string, offset: number): EnvelopeError {
  return new EnvelopeError("MALFORMED", detail, { offset });
}

/**
 * Decodes the identifier and length octets at `bytes[index]`; `base` is the absolute offset of
 * `bytes[0]`. Returns null when the header is cut off by the end of `bytes`.
 */
export function decodeTlvHeader(bytes: Uint8Array, index: number, base = 0): TlvHeader | null {
  const offset = base + index;
  let i = index;
  const b0 = bytes[i++];
  if (b0 === undefined) return null;
  const constructed = (b0 & 0x20) !== 0;
  let tag = b0;
  if ((b0 & 0x1f) === 0x1f) {
    // High tag number form (X.690 §8.1.2.4): nothing in CMS uses it here; skip it properly so a
    // generic skip stays in step, and make sure it never matches an expected tag.
    tag = -1;
    let n = 0;
    for (;;) {
      const b = bytes[i++];
      if (b === undefined) return null;
      if (++n > 4) throw malformed("tag number too large", offset);
      if ((b & 0x80) === 0) break;
    }
  }
  const l0 = bytes[i++];
  if (l0 === undefined) return null;
  let length: number | null;
  if (l0 < 0x80) {
    length = l0;
  } else if (l0 === 0x80) {
    // X.690 §8.1.3.2: the indefinite form is for constructed encodings only.
    if (!constructed) throw malformed("indefinite length on a primitive element", offset);
    length = null;
  } else {
    const n = l0 & 0x7f;
    // 0xFF is reserved (X.690 §8.1.3.5 c); more than 6 octets would exceed 2^48 bytes anyway.
    if (n > 6) throw malformed(`length of ${n} octets is not supported`, offset);
    length = 0;
    for (let k = 0; k < n; k++) {
      const b = bytes[i++];
      if (b === undefined) return null;
      length = length * 256 + b;
    }
  }
  return { offset, tag, constructed, headerLength: i - index, length, valueOffset: base + i };
}

/** A cursor over a buffered prefix of the envelope; positions are absolute. */
export class DerReader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number = 0,
    private readonly base: number = 0,
  ) {}

  /** Absolute offset just past the last buffered byte. */
  get limit(): number {
    return this.base + this.bytes.length;
  }

  header(): TlvHeader {
    const h = decodeTlvHeader(this.bytes, this.pos - this.base, this.base);
    // At least one more byte; never more than needed, so callers may wait for `needed` safely.
    if (h === null) throw new NeedMoreInput(this.limit + 1);
    this.pos = h.valueOffset;
    return h;
  }

  /** True when the next two octets are end-of-contents (X.690 §8.1.5). */
  atEndOfContents(): boolean {
    if (this.pos + 2 > this.limit) throw new NeedMoreInput(this.pos + 2);
    const i = this.pos - this.base;
    return this.bytes[i] === 0 && this.bytes[i + 1] === 0;
  }

  /** The content octets of a primitive, definite element (the header already read). */
  value(h: TlvHeader, what: string): Uint8Array {
    if (h.length === null || h.constructed) {
      throw malformed(`${what}: expected a primitive encoding`, h.offset);
    }
    const end = h.valueOffset + h.length;
    if (end > this.limit) throw new NeedMoreInput(end);
    this.pos = end;
    return this.bytes.subarray(h.valueOffset - this.base, end - this.base);
  }

  /** Skips the contents of an element whose header was just read, indefinite forms included. */
  skip(h: TlvHeader, depth = 0): void {
    if (depth > 32) throw malformed("nesting too deep", h.offset);
    if (h.length !== null) {
      const end = h.valueOffset + h.length;
      // Buffered or not, what follows must be read, so the bytes are needed anyway.
      if (end > this.limit) throw new NeedMoreInput(end);
      this.pos = end;
      return;
    }
    while (!this.atEndOfContents()) this.skip(this.header(), depth + 1);
    this.pos += 2;
  }

  /** The whole encoding (identifier, length, contents) of an element already read or skipped. */
  raw(h: TlvHeader): Uint8Array {
    return this.bytes.subarray(h.offset - this.base, this.pos - this.base);
  }

  /** Reads one whole element and returns its header and full encoding. */
  element(): { header: TlvHeader; raw: Uint8Array } {
    const header = this.header();
    this.skip(header);
    return { header, raw: this.raw(header) };
  }
}

/**
 * The children of one constructed element: definite (`end` known) or indefinite (closed by
 * end-of-contents). Each child is checked to fit inside its parent, so a length edited to point
 * past its parent is refused where it is found.
 */
export class Container {
  constructor(
    private readonly r: DerReader,
    readonly end: number | null,
    private readonly what: string,
  ) {}

  static of(r: DerReader, h: TlvHeader, what: string): Container {
    if (!h.constructed) throw malformed(`${what}: expected a constructed encoding`, h.offset);
    return new Container(r, elementEnd(h), what);
  }

  hasMore(): boolean {
    if (this.end === null) return !this.r.atEndOfContents();
    if (this.r.pos > this.end) throw malformed(`${this.what}: an element runs past its end`, this.end);
    return this.r.pos < this.end;
  }

  /** The next child's header; `what` names it for errors. */
  next(what: string): TlvHeader {
    if (!this.hasMore()) throw malformed(`${this.what}: ${what} is missing`, this.r.pos);
    const h = this.r.header();
    if (h.tag === TAG.EOC && h.length === 0) {
      throw malformed(`${this.what}: unexpected end-of-contents where ${what} belongs`, h.offset);
    }
    const childEnd = elementEnd(h);
    if (this.end !== null && childEnd !== null && childEnd > this.end) {
      throw malformed(`${this.what}: ${what} runs past the end of its parent`, h.offset);
    }
    return h;
  }

  /** Reads the next child, requiring `tag`. */
  expect(tag: number, what: string): TlvHeader {
    const h = this.next(what);
    if (h.tag !== tag) {
      throw malformed(`${this.what}: expected ${what} (tag 0x${hex2(tag)}), found tag 0x${hex2(h.tag)}`, h.offset);
    }
    return h;
  }

  /** Peeks the identifier octet of the next child, or null when there is none. */
  peekTag(): number | null {
    if (!this.hasMore()) return null;
    const save = this.r.pos;
    const h = this.r.header();
    this.r.pos = save;
    return h.tag;
  }

  close(): void {
    if (this.end === null) {
      if (!this.r.atEndOfContents()) {
        throw malformed(`${this.what}: unexpected extra element`, this.r.pos);
      }
      this.r.pos += 2;
      return;
    }
    if (this.r.pos !== this.end) {
      throw malformed(`${this.what}: unexpected extra element`, this.r.pos);
    }
  }
}

function hex2(n: number): string {
  return n < 0 ? "high-tag" : n.toString(16).padStart(2, "0");
}

// ---------------------------------------------------------------------------------------------
// Values

const MAX_OID_BYTES = 64;

/** Dotted form of an OID's content octets (X.690 §8.19); BigInt so no arc can overflow. */
export function decodeOid(value: Uint8Array, offset = 0): string {
  if (value.length === 0 || (value[value.length - 1]! & 0x80) !== 0) {
    throw malformed("invalid OBJECT IDENTIFIER", offset);
  }
  // Bounds keep a hostile OID from costing quadratic BigInt work or a huge error message:
  // real ones are short, and the longest arcs (2.25.<UUID>) need 19 septets.
  if (value.length > MAX_OID_BYTES) throw malformed(`OBJECT IDENTIFIER longer than ${MAX_OID_BYTES} bytes`, offset);
  const arcs: bigint[] = [];
  let acc = 0n;
  let septets = 0;
  for (const b of value) {
    if (++septets > 20) throw malformed("OBJECT IDENTIFIER arc too large", offset);
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(acc);
      acc = 0n;
      septets = 0;
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}

/** Reads an OBJECT IDENTIFIER element. */
export function readOid(r: DerReader, c: Container, what: string): string {
  const h = c.expect(TAG.OID, what);
  return decodeOid(r.value(h, what), h.offset);
}

/** A small non-negative INTEGER (versions, ICV lengths); larger or negative values are refused. */
export function readSmallInt(r: DerReader, c: Container, what: string): number {
  const h = c.expect(TAG.INTEGER, what);
  const v = r.value(h, what);
  if (v.length === 0 || v.length > 4 || (v[0]! & 0x80) !== 0) {
    throw malformed(`${what}: not a small non-negative INTEGER`, h.offset);
  }
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Writing (DER)

export function encodeLength(n: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad DER length ${n}`);
  if (n < 0x80) return Uint8Array.of(n);
  const octets: number[] = [];
  // Division, not shifts: lengths above 2^31 (multi-GiB files) must survive.
  for (let v = n; v > 0; v = Math.floor(v / 256)) octets.unshift(v % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** Identifier + length octets for an element whose contents are `length` bytes long. */
export function tlvHeader(tag: number, length: number): Uint8Array<ArrayBuffer> {
  return concat([Uint8Array.of(tag), encodeLength(length)]);
}

export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const c of contents) length += c.length;
  return concat([tlvHeader(tag, length), ...contents]);
}

export function encodeOid(dotted: string): Uint8Array<ArrayBuffer> {
  const arcs = dotted.split(".").map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const first = arcs[0]! * 40n + arcs[1]!;
  const out: number[] = [];
  for (const arc of [first, ...arcs.slice(2)]) {
    const septets: number[] = [];
    let v = arc;
    do {
      septets.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < septets.length - 1; i++) septets[i]! |= 0x80;
    out.push(...septets);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

export function encodeSmallInt(n: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(n) || n < 0 || n > 127) throw new RangeError(`small INTEGER ${n}`);
  return Uint8Array.of(TAG.INTEGER, 1, n);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * X.690 §11.6: the components of a DER SET OF are in ascending order of their encodings, the
 * shorter padded with trailing zero octets.
 */
export function compareForSetOf(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * A copy in fresh memory. Not `.slice()`: on a Node Buffer (what servers pass in) `slice`
 * returns a view, and a view would keep a caller's reusable read buffer alive and aliased.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
