/**
 * Just enough DER (ITU-T X.690) to write and read the CMS structures of a PAdES signature.
 *
 * Hand-written rather than forge.asn1 because forge works on binary strings and re-encodes what
 * it parses; a signature check has to hash the signed attributes exactly as they were received
 * (RFC 5652 §5.4), so the reader hands back byte ranges of the original buffer.
 */

export class DerError extends Error {
  override name = "DerError";
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A TLV with a one-byte tag (every tag CMS needs here is below 31). */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const value = concatBytes(contents);
  return concatBytes([Uint8Array.of(tag), encodeLength(value.length), value]);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);

/** SET OF in DER: elements sorted by their encodings (X.690 §11.6). */
export function setOf(items: readonly Uint8Array[], tag = 0x31): Uint8Array {
  const sorted = [...items].sort(compareBytes);
  return tlv(tag, ...sorted);
}

export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
export const derNull = (): Uint8Array => Uint8Array.of(0x05, 0x00);

export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 127) {
    throw new DerError(`smallInteger takes 0..127, got ${value}`);
  }
  return tlv(0x02, Uint8Array.of(value));
}

export function objectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((arc) => {
    if (!/^\d+$/.test(arc)) throw new DerError(`bad OID ${dotted}`);
    return BigInt(arc);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined) throw new DerError(`bad OID ${dotted}`);
  const body: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let n = arc >> 7n; n > 0n; n >>= 7n) chunk.unshift(Number(n & 0x7fn) | 0x80);
    body.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(body));
}

/** An AlgorithmIdentifier; `nullParameters` where the algorithm's RFC asks for NULL. */
export function algorithmIdentifier(oid: string, nullParameters = false): Uint8Array {
  return nullParameters ? sequence(objectIdentifier(oid), derNull()) : sequence(objectIdentifier(oid));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface DerNode {
  tag: number;
  /** The whole TLV, a view into the parsed buffer. */
  der: Uint8Array;
  /** The value octets, a view into the parsed buffer. */
  value: Uint8Array;
}

/** Reads the TLV at `offset`; definite lengths only (CMS signatures are DER). */
export function readNode(buffer: Uint8Array, offset = 0): DerNode {
  const tag = buffer[offset];
  const first = buffer[offset + 1];
  if (tag === undefined || first === undefined) throw new DerError("truncated DER");
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte tags are not supported");
  let length: number;
  let header: number;
  if (first < 0x80) {
    length = first;
    header = 2;
  } else if (first === 0x80) {
    throw new DerError("indefinite length (BER) is not DER");
  } else {
    const count = first & 0x7f;
    if (count > 4) throw new DerError("DER length too large");
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = buffer[offset + 2 + i];
      if (b === undefined) throw new DerError("truncated DER length");
      length = length * 256 + b;
    }
    header = 2 + count;
  }
  const end = offset + header + length;
  if (end > buffer.length) throw new DerError("DER value runs past the end of its buffer");
  return {
    tag,
    der: buffer.subarray(offset, end),
    value: buffer.subarray(offset + header, end),
  };
}

/** The nodes inside a constructed node's value. */
export function childrenOf(node: DerNode): DerNode[] {
  if ((node.tag & 0x20) === 0) throw new DerError(`tag 0x${node.tag.toString(16)} is primitive`);
  const out: DerNode[] = [];
  for (let offset = 0; offset < node.value.length;) {
    const child = readNode(node.value, offset);
    out.push(child);
    offset += child.der.length;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) {
    const got = node ? `0x${node.tag.toString(16)}` : "nothing";
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got ${got}`);
  }
  return node;
}

export function decodeObjectIdentifier(node: DerNode): string {
  expectTag(node, 0x06, "OBJECT IDENTIFIER");
  const arcs: bigint[] = [];
  let current = 0n;
  for (const byte of node.value) {
    current = (current << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(current);
      current = 0n;
    }
  }
  const [head, ...rest] = arcs;
  if (head === undefined) throw new DerError("empty OID");
  const first = head < 80n ? head / 40n : 2n;
  return [first, head - first * 40n, ...rest].join(".");
}
