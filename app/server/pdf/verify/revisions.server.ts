import { inflateSync } from "node:zlib";
import { PDFArray, PDFContext, PDFDict, PDFName, PDFNumber, PDFObjectParser, PDFRawStream, PDFRef } from "pdf-lib";
import type { PDFObject } from "pdf-lib";

/**
 * A PDF as a viewer reads it, one revision at a time (ISO 32000-1 §7.5.6, §7.5.8): the
 * cross-reference sections reached from a revision's own `startxref` through /Prev (and /XRefStm),
 * merged newest first, and every object read where that revision's cross-reference puts it.
 * pdf-lib's loader does not do this (it reads the objects in file order), so a verifier built on
 * it would not see what an update that only rewrites cross-references shows a viewer.
 *
 * A revision that ends at byte N only ever reads bytes before N: the state a signature covers
 * cannot depend on bytes appended after it.
 */

export class PdfStructureError extends Error {
  override name = "PdfStructureError";
}

export type XrefEntry =
  { kind: "free" } | { kind: "offset"; offset: number; generation: number } | { kind: "compressed"; stream: number; index: number };

export interface RevisionState {
  /** The revision's last byte + 1 (after its %%EOF and line end). */
  end: number;
  /** The newest cross-reference section's trailer (for a stream, its dictionary). */
  trailer: PDFDict;
  /** Object number → where the revision says the object is; the newest section wins. */
  entries: Map<number, XrefEntry>;
}

const MAX_SECTIONS = 512;
const MAX_OBJECT_NUMBER = 8_388_607; // ISO 32000-1 Annex C
/** Per structural stream, and for all of one revision's object streams together (inflate bombs). */
const MAX_DECODED_BYTES = 64 * 1024 * 1024;
const MAX_OBJECT_STREAM_BYTES = 256 * 1024 * 1024;
const MAX_OBJECTS_PER_STREAM = 1_000_000;

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");

/**
 * The revision that ends at `end`: its last bytes must be `startxref N %%EOF` (and line ends).
 */
export function readRevision(pdf: Uint8Array, end: number): RevisionState {
  if (end > pdf.length || end < 16) throw new PdfStructureError("a revision ends outside the file");
  const tail = latin1(pdf.subarray(Math.max(0, end - 1024), end));
  const match = /startxref\s+(\d+)\s+%%EOF[\r\n\s]*$/.exec(tail);
  if (!match) throw new PdfStructureError(`the bytes up to ${end} do not end with startxref … %%EOF (not a complete revision)`);
  const context = PDFContext.create();
  const entries = new Map<number, XrefEntry>();
  const seen = new Set<number>();
  let trailer: PDFDict | undefined;
  let next: number | null = Number(match[1]);
  while (next !== null) {
    if (seen.has(next)) throw new PdfStructureError(`cross-reference sections loop at ${next}`);
    if (seen.size >= MAX_SECTIONS) throw new PdfStructureError("too many cross-reference sections");
    seen.add(next);
    const section = readSection(pdf, next, end, context);
    trailer ??= section.trailer;
    const merge = (from: Map<number, XrefEntry>) => {
      for (const [n, entry] of from) if (!entries.has(n)) entries.set(n, entry);
    };
    merge(section.entries);
    // A hybrid file's table first, then the stream it points to (§7.5.8.4).
    if (section.xrefStm !== null && !seen.has(section.xrefStm)) {
      seen.add(section.xrefStm);
      merge(readSection(pdf, section.xrefStm, end, context).entries);
    }
    next = section.prev;
  }
  return { end, trailer: trailer!, entries };
}

interface Section {
  entries: Map<number, XrefEntry>;
  trailer: PDFDict;
  prev: number | null;
  xrefStm: number | null;
}

function offsetOf(dict: PDFDict, key: string, end: number): number | null {
  const value = dict.get(PDFName.of(key));
  if (value === undefined) return null;
  if (!(value instanceof PDFNumber) || !Number.isSafeInteger(value.asNumber()) || value.asNumber() < 0 || value.asNumber() >= end) {
    throw new PdfStructureError(`/${key} does not point inside the revision`);
  }
  return value.asNumber();
}

function readSection(pdf: Uint8Array, offset: number, end: number, context: PDFContext): Section {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= end) {
    throw new PdfStructureError(`a cross-reference section at ${offset} lies outside the revision`);
  }
  const head = latin1(pdf.subarray(offset, Math.min(end, offset + 32)));
  const section = head.startsWith("xref") ? readTable(pdf, offset, end, context) : readXrefStream(pdf, offset, end, context);
  return {
    ...section,
    prev: offsetOf(section.trailer, "Prev", end),
    xrefStm: offsetOf(section.trailer, "XRefStm", end),
  };
}

/** A classic table: `xref`, subsections `first count` of 20-byte entries, `trailer << … >>`. */
function readTable(pdf: Uint8Array, offset: number, end: number, context: PDFContext): Omit<Section, "prev" | "xrefStm"> {
  const text = latin1(pdf.subarray(offset, end));
  const entries = new Map<number, XrefEntry>();
  const token = /\s*(\S+)/y;
  token.lastIndex = 4;
  const nextToken = () => {
    const m = token.exec(text);
    if (!m) throw new PdfStructureError(`truncated cross-reference table at ${offset}`);
    return m[1]!;
  };
  for (;;) {
    const word = nextToken();
    if (word === "trailer") break;
    const first = Number(word);
    const count = Number(nextToken());
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(count) || first < 0 || count < 0 || first + count > MAX_OBJECT_NUMBER + 1) {
      throw new PdfStructureError(`bad cross-reference subsection at ${offset}`);
    }
    for (let i = 0; i < count; i++) {
      const position = Number(nextToken());
      const generation = Number(nextToken());
      const type = nextToken();
      if (!Number.isSafeInteger(position) || !Number.isSafeInteger(generation) || (type !== "n" && type !== "f")) {
        throw new PdfStructureError(`bad cross-reference entry at ${offset}`);
      }
      const n = first + i;
      if (entries.has(n)) throw new PdfStructureError(`object ${n} listed twice in one cross-reference section`);
      entries.set(n, type === "f" ? { kind: "free" } : { kind: "offset", offset: position, generation });
    }
  }
  const trailer = PDFObjectParser.forBytes(pdf.subarray(offset + token.lastIndex, end), context).parseObject();
  if (!(trailer instanceof PDFDict)) throw new PdfStructureError(`no trailer dictionary after the table at ${offset}`);
  return { entries, trailer };
}

/** A cross-reference stream (§7.5.8): /W field widths, /Index subsections, Flate with PNG predictors. */
function readXrefStream(pdf: Uint8Array, offset: number, end: number, context: PDFContext): Omit<Section, "prev" | "xrefStm"> {
  const { object } = parseIndirectObject(pdf, offset, end, context);
  if (!(object instanceof PDFRawStream) || object.dict.get(PDFName.of("Type")) !== PDFName.of("XRef")) {
    throw new PdfStructureError(`no cross-reference table or stream at ${offset}`);
  }
  const dict = object.dict;
  const widths = numbers(dict.get(PDFName.of("W")));
  if (widths.length !== 3 || widths.some((w) => w < 0 || w > 8)) throw new PdfStructureError("bad /W in a cross-reference stream");
  const size = dict.get(PDFName.of("Size"));
  const index = dict.has(PDFName.of("Index"))
    ? numbers(dict.get(PDFName.of("Index")))
    : [0, size instanceof PDFNumber ? size.asNumber() : 0];
  const data = decodeStream(object);
  const entries = new Map<number, XrefEntry>();
  const rowLength = widths[0]! + widths[1]! + widths[2]!;
  let at = 0;
  const field = (width: number, fallback: number) => {
    if (width === 0) return fallback;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[at++]!;
    return v;
  };
  for (let s = 0; s + 1 < index.length; s += 2) {
    const [first, count] = [index[s]!, index[s + 1]!];
    if (first < 0 || count < 0 || first + count > MAX_OBJECT_NUMBER + 1)
      throw new PdfStructureError("bad /Index in a cross-reference stream");
    for (let i = 0; i < count; i++) {
      if (at + rowLength > data.length) throw new PdfStructureError("a cross-reference stream is shorter than its /Index says");
      const type = field(widths[0]!, 1);
      const second = field(widths[1]!, 0);
      const third = field(widths[2]!, 0);
      const n = first + i;
      if (entries.has(n)) continue;
      if (type === 0) entries.set(n, { kind: "free" });
      else if (type === 1) entries.set(n, { kind: "offset", offset: second, generation: third });
      else if (type === 2) entries.set(n, { kind: "compressed", stream: second, index: third });
      // Other types are reserved and mean null (§7.5.8.3): the object is absent.
    }
  }
  return { entries, trailer: dict };
}

function numbers(value: PDFObject | undefined): number[] {
  if (!(value instanceof PDFArray)) throw new PdfStructureError("expected an array of numbers");
  return value.asArray().map((v) => {
    if (!(v instanceof PDFNumber) || !Number.isSafeInteger(v.asNumber())) throw new PdfStructureError("expected an integer");
    return v.asNumber();
  });
}

/** `N G obj <object>` at `offset`, read within [offset, end). */
export function parseIndirectObject(
  pdf: Uint8Array,
  offset: number,
  end: number,
  context: PDFContext,
): { objectNumber: number; generation: number; object: PDFObject } {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= end) {
    throw new PdfStructureError(`an object at ${offset} lies outside the revision`);
  }
  const head = /^\s*(\d+)\s+(\d+)\s+obj\b/.exec(latin1(pdf.subarray(offset, Math.min(end, offset + 40))));
  if (!head) throw new PdfStructureError(`no object at ${offset}`);
  const object = PDFObjectParser.forBytes(pdf.subarray(offset + head[0].length, end), context).parseObject();
  return { objectNumber: Number(head[1]), generation: Number(head[2]), object };
}

/**
 * The bytes of a stream after its filters, for the streams the reader itself needs
 * (cross-reference and object streams): none, or FlateDecode with an optional PNG predictor.
 */
export function decodeStream(stream: PDFRawStream): Uint8Array {
  const filter = stream.dict.get(PDFName.of("Filter"));
  const filters = filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : [];
  let data: Uint8Array = stream.contents;
  for (const f of filters) {
    if (f !== PDFName.of("FlateDecode")) throw new PdfStructureError(`unsupported filter ${String(f)} in a structural stream`);
    try {
      data = new Uint8Array(inflateSync(data, { maxOutputLength: MAX_DECODED_BYTES }));
    } catch (e) {
      throw new PdfStructureError(`a structural stream does not inflate: ${(e as Error).message}`);
    }
  }
  const parms = stream.dict.get(PDFName.of("DecodeParms"));
  const params = parms instanceof PDFArray ? parms.get(0) : parms;
  if (params instanceof PDFDict) {
    const predictor = params.get(PDFName.of("Predictor"));
    const columns = params.get(PDFName.of("Columns"));
    const p = predictor instanceof PDFNumber ? predictor.asNumber() : 1;
    if (p >= 10) data = unpredictPng(data, columns instanceof PDFNumber ? columns.asNumber() : 1);
    else if (p !== 1) throw new PdfStructureError(`unsupported predictor ${p}`);
  }
  return data;
}

/** PNG row filters (RFC 2083 §6), one byte per pixel component as cross-reference streams use. */
function unpredictPng(data: Uint8Array, columns: number): Uint8Array {
  if (!Number.isSafeInteger(columns) || columns < 1) throw new PdfStructureError("bad /Columns");
  const rowLength = columns + 1;
  const rows = Math.floor(data.length / rowLength);
  const out = new Uint8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * rowLength]!;
    for (let c = 0; c < columns; c++) {
      const raw = data[r * rowLength + 1 + c]!;
      const left = c > 0 ? out[r * columns + c - 1]! : 0;
      const up = r > 0 ? out[(r - 1) * columns + c]! : 0;
      const upLeft = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1]! : 0;
      let v: number;
      if (type === 0) v = raw;
      else if (type === 1) v = raw + left;
      else if (type === 2) v = raw + up;
      else if (type === 3) v = raw + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      } else throw new PdfStructureError(`bad PNG predictor row type ${type}`);
      out[r * columns + c] = v & 0xff;
    }
  }
  return out;
}

/**
 * Reads objects of one revision by number, as its cross-reference says; a free or absent entry
 * reads as undefined (a reference to it means null, §7.3.10).
 */
export class RevisionReader {
  readonly context = PDFContext.create();
  readonly #cache = new Map<number, PDFObject | undefined>();
  readonly #objectStreams = new Map<number, { data: Uint8Array; first: number; offsets: [number, number][] }>();
  #decodedBytes = 0;

  constructor(
    readonly pdf: Uint8Array,
    readonly state: RevisionState,
  ) {}

  has(objectNumber: number): boolean {
    const entry = this.state.entries.get(objectNumber);
    return entry !== undefined && entry.kind !== "free" && objectNumber !== 0;
  }

  get(objectNumber: number): PDFObject | undefined {
    if (this.#cache.has(objectNumber)) return this.#cache.get(objectNumber);
    this.#cache.set(objectNumber, undefined); // a reference loop reads as absent instead of recursing
    const value = this.#read(objectNumber);
    this.#cache.set(objectNumber, value);
    return value;
  }

  /** Follows a reference (one level); anything else is returned as it is. */
  resolve(value: PDFObject | undefined): PDFObject | undefined {
    return value instanceof PDFRef ? this.get(value.objectNumber) : value;
  }

  #read(objectNumber: number): PDFObject | undefined {
    const entry = this.state.entries.get(objectNumber);
    if (!entry || entry.kind === "free" || objectNumber === 0) return undefined;
    if (entry.kind === "offset") {
      const parsed = parseIndirectObject(this.pdf, entry.offset, this.state.end, this.context);
      if (parsed.objectNumber !== objectNumber) {
        throw new PdfStructureError(
          `the cross-reference puts object ${objectNumber} at ${entry.offset}, where object ${parsed.objectNumber} is`,
        );
      }
      return parsed.object;
    }
    const stream = this.#objectStream(entry.stream);
    const slot = stream.offsets[entry.index];
    if (!slot || slot[0] !== objectNumber) throw new PdfStructureError(`object ${objectNumber} is not where its object stream says`);
    return PDFObjectParser.forBytes(stream.data.subarray(stream.first + slot[1]), this.context).parseObject();
  }

  #objectStream(objectNumber: number) {
    let stream = this.#objectStreams.get(objectNumber);
    if (stream) return stream;
    const entry = this.state.entries.get(objectNumber);
    if (!entry || entry.kind !== "offset") throw new PdfStructureError(`object stream ${objectNumber} is missing`);
    const { object } = parseIndirectObject(this.pdf, entry.offset, this.state.end, this.context);
    if (!(object instanceof PDFRawStream) || object.dict.get(PDFName.of("Type")) !== PDFName.of("ObjStm")) {
      throw new PdfStructureError(`object ${objectNumber} is not an object stream`);
    }
    const n = object.dict.get(PDFName.of("N"));
    const first = object.dict.get(PDFName.of("First"));
    if (!(n instanceof PDFNumber) || !(first instanceof PDFNumber)) throw new PdfStructureError("an object stream lacks /N or /First");
    const data = decodeStream(object);
    this.#decodedBytes += data.length;
    if (this.#decodedBytes > MAX_OBJECT_STREAM_BYTES) throw new PdfStructureError("the object streams inflate to too much");
    const header = latin1(data.subarray(0, first.asNumber())).trim().split(/\s+/).map(Number);
    const count = Math.min(n.asNumber(), Math.floor(header.length / 2), MAX_OBJECTS_PER_STREAM);
    const offsets: [number, number][] = [];
    for (let i = 0; i < count; i++) offsets.push([header[2 * i]!, header[2 * i + 1]!]);
    stream = { data, first: first.asNumber(), offsets };
    this.#objectStreams.set(objectNumber, stream);
    return stream;
  }
}
