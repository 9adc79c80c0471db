import { concatBytes } from "./der.server.ts";

/**
 * Pure byte functions around a signature dictionary's /ByteRange and /Contents
 * (ISO 32000-1 §12.8.1): the signed bytes are the whole file except the /Contents hex string,
 * angle brackets included, so the file must be laid out before it is signed and the signature
 * written into a gap reserved in advance.
 */

export type ByteRange = readonly [number, number, number, number];

/** What the placeholder writers put in; ten characters per number leaves room for 9,999,999,999. */
export const BYTE_RANGE_PLACEHOLDER = "[0 /********** /********** /**********]";

/**
 * Bytes reserved for the CMS signature. A B-B signature with two RSA-3072 certificates is ~4 KB;
 * 16 KB leaves room for a longer chain and, later, a signature time-stamp (B-T) in the unsigned
 * attributes without changing the layout (STACK.md, "Second signatures").
 */
export const SIGNATURE_CONTENTS_BYTES = 16384;

export class ByteRangeError extends Error {
  override name = "ByteRangeError";
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

export interface PlaceholderLocation {
  /** Offset of the "[" of the ByteRange placeholder. */
  byteRangeStart: number;
  /** Offset just after its "]". */
  byteRangeEnd: number;
  /** Offset of the "<" opening the /Contents hex string. */
  contentsStart: number;
  /** Offset just after the ">" closing it. */
  contentsEnd: number;
}

/** Finds the single unfilled ByteRange placeholder and the /Contents of the same dictionary. */
export function findByteRangePlaceholder(pdf: Uint8Array): PlaceholderLocation {
  const text = latin1(pdf);
  const first = text.indexOf(BYTE_RANGE_PLACEHOLDER);
  if (first < 0) throw new ByteRangeError("no ByteRange placeholder in the PDF");
  if (text.indexOf(BYTE_RANGE_PLACEHOLDER, first + 1) >= 0) {
    throw new ByteRangeError("more than one ByteRange placeholder in the PDF");
  }
  const byteRangeEnd = first + BYTE_RANGE_PLACEHOLDER.length;
  const dictEnd = text.indexOf(">>", byteRangeEnd);
  const contentsKey = text.indexOf("/Contents", byteRangeEnd);
  if (contentsKey < 0 || (dictEnd >= 0 && contentsKey > dictEnd)) {
    throw new ByteRangeError("no /Contents after the ByteRange placeholder");
  }
  const contentsStart = text.indexOf("<", contentsKey);
  const contentsClose = text.indexOf(">", contentsStart);
  if (contentsStart < 0 || contentsClose < 0) throw new ByteRangeError("/Contents is not a hex string");
  if (!/^\s*$/.test(text.slice(contentsKey + "/Contents".length, contentsStart))) {
    throw new ByteRangeError("/Contents is not a hex string");
  }
  if (!/^0*$/.test(text.slice(contentsStart + 1, contentsClose))) {
    throw new ByteRangeError("/Contents of the placeholder is not all zeros");
  }
  return {
    byteRangeStart: first,
    byteRangeEnd,
    contentsStart,
    contentsEnd: contentsClose + 1,
  };
}

export function computeByteRange(pdfLength: number, contents: { contentsStart: number; contentsEnd: number }): ByteRange {
  if (contents.contentsStart <= 0 || contents.contentsEnd > pdfLength) {
    throw new ByteRangeError("contents gap lies outside the file");
  }
  return [0, contents.contentsStart, contents.contentsEnd, pdfLength - contents.contentsEnd];
}

/** "[0 a b c]" padded with spaces to `width` so no byte after it moves. */
export function formatByteRange(byteRange: ByteRange, width = BYTE_RANGE_PLACEHOLDER.length): string {
  const text = `[${byteRange.join(" ")}]`;
  if (text.length > width) throw new ByteRangeError(`ByteRange ${text} does not fit ${width} bytes`);
  return text.padEnd(width, " ");
}

/** A copy of `pdf` with the placeholder replaced by the real ByteRange (same length). */
export function fillByteRange(
  pdf: Uint8Array,
  location: PlaceholderLocation,
): {
  pdf: Uint8Array;
  byteRange: ByteRange;
} {
  const byteRange = computeByteRange(pdf.length, location);
  const out = Uint8Array.from(pdf);
  const width = location.byteRangeEnd - location.byteRangeStart;
  out.set(Buffer.from(formatByteRange(byteRange, width), "latin1"), location.byteRangeStart);
  return { pdf: out, byteRange };
}

/** Problems that make a ByteRange unusable; empty when it is well formed for this file. */
export function byteRangeProblems(pdf: Uint8Array, byteRange: ByteRange): string[] {
  const [a, b, c, d] = byteRange;
  const problems: string[] = [];
  if (![a, b, c, d].every((n) => Number.isSafeInteger(n) && n >= 0)) {
    return ["ByteRange holds a negative or non-integer number"];
  }
  if (a !== 0) problems.push("ByteRange does not start at offset 0");
  if (b >= c) problems.push("ByteRange ranges overlap or are out of order");
  if (c + d > pdf.length) problems.push("ByteRange runs past the end of the file");
  if (problems.length > 0) return problems;
  // The gap must be exactly the /Contents hex string, or bytes that change the meaning of the
  // document could hide in it unsigned.
  const gap = latin1(pdf.subarray(b, c));
  if (!/^<[0-9A-Fa-f\s]*>$/.test(gap)) problems.push("the unsigned gap is not exactly a hex string");
  return problems;
}

/** The bytes a signature covers: [a, a+b) followed by [c, c+d). */
export function signedBytes(pdf: Uint8Array, byteRange: ByteRange): Uint8Array {
  const [a, b, c, d] = byteRange;
  return concatBytes([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
}

/** A copy of `pdf` with `cmsDer` written as hex into the gap, padded with zeros. */
export function embedSignatureHex(pdf: Uint8Array, byteRange: ByteRange, cmsDer: Uint8Array): Uint8Array {
  const [, b, c] = byteRange;
  const capacity = c - b - 2;
  const hex = Buffer.from(cmsDer).toString("hex").toUpperCase();
  if (hex.length > capacity) {
    throw new ByteRangeError(`signature needs ${hex.length / 2} bytes, /Contents holds ${capacity / 2}`);
  }
  if (pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) throw new ByteRangeError("gap is not a hex string");
  const out = Uint8Array.from(pdf);
  out.set(Buffer.from(hex.padEnd(capacity, "0"), "latin1"), b + 1);
  return out;
}

/** The hex string in the gap, decoded (zero padding included). */
export function readContents(pdf: Uint8Array, byteRange: ByteRange): Uint8Array {
  const [, b, c] = byteRange;
  const hex = latin1(pdf.subarray(b + 1, c - 1)).replace(/\s+/g, "");
  return new Uint8Array(Buffer.from(hex.length % 2 ? `${hex}0` : hex, "hex"));
}

export interface ScannedSignature {
  byteRange: ByteRange;
  /** Offset of the "/ByteRange" key. */
  offset: number;
}

/** Every filled /ByteRange in the file, in file order (a raw scan; placeholders are skipped). */
export function scanByteRanges(pdf: Uint8Array): ScannedSignature[] {
  const text = latin1(pdf);
  const found: ScannedSignature[] = [];
  const pattern = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  for (const match of text.matchAll(pattern)) {
    const [, a, b, c, d] = match;
    found.push({
      byteRange: [Number(a), Number(b), Number(c), Number(d)],
      offset: match.index,
    });
  }
  return found;
}

/**
 * The signature prepared but not yet embedded: its ByteRange covers the whole file and its
 * /Contents is still all zeros.
 */
export function findPendingSignature(pdf: Uint8Array): ByteRange {
  const pending = scanByteRanges(pdf).filter(({ byteRange }) => {
    const [, b, c, d] = byteRange;
    return c + d === pdf.length && byteRangeProblems(pdf, byteRange).length === 0 && /^<0+>$/.test(latin1(pdf.subarray(b, c)));
  });
  if (pending.length !== 1) {
    throw new ByteRangeError(`expected one prepared, unsigned signature; found ${pending.length}`);
  }
  return pending[0]!.byteRange;
}
