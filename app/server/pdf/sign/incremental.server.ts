import { concatBytes } from "./der.server.ts";

/**
 * Incremental updates (ISO 32000-1 §7.5.6): new and changed objects, a cross-reference section
 * listing only them and a trailer pointing back with /Prev are appended after the original
 * %%EOF. Every earlier byte stays as it was, which is what keeps earlier signatures valid.
 */

export class IncrementalUpdateError extends Error {
  override name = "IncrementalUpdateError";
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");
const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "latin1"));

export interface IndirectObjectBody {
  objectNumber: number;
  generation: number;
  /** The object's value as PDF syntax, without "N G obj" / "endobj". */
  body: Uint8Array;
}

export interface UpdateTrailer {
  /** One more than the highest object number in the whole file after the update. */
  size: number;
  /** "N G R" of the catalog. */
  root: string;
  info?: string | undefined;
  /** The trailer's /ID array as PDF syntax, carried over unchanged. */
  id?: string | undefined;
}

/** The offset after the last "startxref": where the newest cross-reference section starts. */
export function lastStartXref(pdf: Uint8Array): number {
  const tail = latin1(pdf.subarray(Math.max(0, pdf.length - 1024)));
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!match) throw new IncrementalUpdateError("the file does not end with startxref … %%EOF");
  const offset = Number(match[1]);
  if (offset >= pdf.length) throw new IncrementalUpdateError("startxref points past the end");
  return offset;
}

/**
 * The newest section must be a classic "xref" table: a table section may not point back to a
 * cross-reference stream with /Prev (§7.5.8.4 only allows the opposite). Documents are saved with
 * `useObjectStreams: false` so they qualify.
 */
export function assertClassicXref(pdf: Uint8Array): number {
  const offset = lastStartXref(pdf);
  if (latin1(pdf.subarray(offset, offset + 4)) !== "xref") {
    throw new IncrementalUpdateError("the newest cross-reference section is a stream; save the PDF with useObjectStreams: false");
  }
  return offset;
}

/** /Size of the newest trailer. */
export function lastTrailerSize(pdf: Uint8Array): number {
  const text = latin1(pdf.subarray(assertClassicXref(pdf)));
  const trailer = text.indexOf("trailer");
  const match = /\/Size\s+(\d+)/.exec(text.slice(trailer));
  if (trailer < 0 || !match) throw new IncrementalUpdateError("no /Size in the newest trailer");
  return Number(match[1]);
}

function xrefSubsections(entries: readonly { objectNumber: number; line: string }[]): string {
  const sorted = [...entries].sort((a, b) => a.objectNumber - b.objectNumber);
  const out: string[] = [];
  let run: typeof sorted = [];
  const flush = () => {
    if (run.length === 0) return;
    out.push(`${run[0]!.objectNumber} ${run.length}\n`, ...run.map((e) => e.line));
    run = [];
  };
  for (const entry of sorted) {
    const last = run[run.length - 1];
    if (last && entry.objectNumber === last.objectNumber) {
      throw new IncrementalUpdateError(`object ${entry.objectNumber} written twice`);
    }
    if (last && entry.objectNumber !== last.objectNumber + 1) flush();
    run.push(entry);
  }
  flush();
  return out.join("");
}

/** Appends `objects` as one incremental update; the first `pdf.length` bytes are unchanged. */
export function appendIncrementalUpdate(pdf: Uint8Array, objects: readonly IndirectObjectBody[], trailer: UpdateTrailer): Uint8Array {
  const prev = assertClassicXref(pdf);
  if (objects.length === 0) throw new IncrementalUpdateError("nothing to append");
  const parts: Uint8Array[] = [pdf];
  let length = pdf.length;
  const push = (bytes: Uint8Array) => {
    parts.push(bytes);
    length += bytes.length;
  };
  // The original may end right after %%EOF; objects must start on a new line.
  const last = pdf[pdf.length - 1];
  if (last !== 0x0a && last !== 0x0d) push(ascii("\n"));

  const entries: { objectNumber: number; line: string }[] = [];
  for (const object of objects) {
    if (object.objectNumber <= 0 || object.objectNumber >= trailer.size) {
      throw new IncrementalUpdateError(`object number ${object.objectNumber} outside 1..${trailer.size - 1}`);
    }
    // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, "n", two-byte EOL.
    const offset = String(length).padStart(10, "0");
    const generation = String(object.generation).padStart(5, "0");
    entries.push({
      objectNumber: object.objectNumber,
      line: `${offset} ${generation} n\r\n`,
    });
    push(ascii(`${object.objectNumber} ${object.generation} obj\n`));
    push(object.body);
    push(ascii("\nendobj\n"));
  }

  const xrefOffset = length;
  const trailerEntries = [
    `/Size ${trailer.size}`,
    `/Root ${trailer.root}`,
    trailer.info ? `/Info ${trailer.info}` : "",
    trailer.id ? `/ID ${trailer.id}` : "",
    `/Prev ${prev}`,
  ].filter(Boolean);
  push(ascii(`xref\n${xrefSubsections(entries)}trailer\n<<\n${trailerEntries.join("\n")}\n>>\n` + `startxref\n${xrefOffset}\n%%EOF\n`));
  return concatBytes(parts);
}
