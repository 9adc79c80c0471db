import { PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNull, PDFNumber, PDFRawStream, PDFRef, PDFStream, PDFString } from "pdf-lib";
import type { PDFObject } from "pdf-lib";
import type { RevisionReader } from "./revisions.server.ts";

/**
 * The object graph of one revision: which objects the trailer reaches, who refers to each object
 * (and under which key), and references to objects the revision does not define. Values compare
 * structurally, references by object number (what they point to is compared on its own).
 */

export interface Referrer {
  /** The referring object, or "trailer". */
  from: number | "trailer";
  /** The key path inside the referrer, e.g. "/AP/N" or "/Kids[0]". */
  path: string;
}

export interface ObjectGraph {
  reachable: Set<number>;
  referrers: Map<number, Referrer[]>;
  /** References to object numbers the revision leaves free or undefined (they read as null). */
  dangling: Map<number, Referrer[]>;
}

const MAX_OBJECTS = 500_000;
/** Trailer keys that are about the file's layout, not its content. */
const LAYOUT_KEYS = new Set(["Size", "Prev", "XRefStm", "ID", "Type", "W", "Index", "Filter", "DecodeParms", "Length"]);

export function isLayoutKey(key: string): boolean {
  return LAYOUT_KEYS.has(key);
}

/** Every reference inside a value (not following them), with its key path. */
export function referencesIn(value: PDFObject | undefined, path = ""): { ref: PDFRef; path: string }[] {
  const out: { ref: PDFRef; path: string }[] = [];
  const visit = (v: PDFObject | undefined, at: string, depth: number) => {
    if (depth > 64 || v === undefined) return;
    if (v instanceof PDFRef) out.push({ ref: v, path: at });
    else if (v instanceof PDFArray) v.asArray().forEach((item, i) => visit(item, `${at}[${i}]`, depth + 1));
    else if (v instanceof PDFDict) for (const [key, item] of v.entries()) visit(item, `${at}${key.asString()}`, depth + 1);
    else if (v instanceof PDFStream) visit(v.dict, at, depth + 1);
  };
  visit(value, path, 0);
  return out;
}

export function walkGraph(reader: RevisionReader): ObjectGraph {
  const reachable = new Set<number>();
  const referrers = new Map<number, Referrer[]>();
  const dangling = new Map<number, Referrer[]>();
  const queue: number[] = [];
  const note = (ref: PDFRef, referrer: Referrer) => {
    const n = ref.objectNumber;
    if (!reader.has(n)) {
      dangling.set(n, [...(dangling.get(n) ?? []), referrer]);
      return;
    }
    referrers.set(n, [...(referrers.get(n) ?? []), referrer]);
    if (!reachable.has(n)) {
      if (reachable.size >= MAX_OBJECTS) throw new Error("too many objects to analyse");
      reachable.add(n);
      queue.push(n);
    }
  };
  for (const [key, value] of reader.state.trailer.entries()) {
    if (isLayoutKey(key.asString().slice(1))) continue;
    for (const { ref, path } of referencesIn(value, key.asString())) note(ref, { from: "trailer", path });
  }
  while (queue.length > 0) {
    const n = queue.shift()!;
    for (const { ref, path } of referencesIn(reader.get(n))) note(ref, { from: n, path });
  }
  return { reachable, referrers, dangling };
}

/** Structural equality; references are equal when they name the same object. */
export function sameValue(a: PDFObject | undefined, b: PDFObject | undefined, depth = 0): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || depth > 64) return false;
  if (a instanceof PDFRef || b instanceof PDFRef) {
    return a instanceof PDFRef && b instanceof PDFRef && a.objectNumber === b.objectNumber && a.generationNumber === b.generationNumber;
  }
  if (a instanceof PDFName || b instanceof PDFName) return a instanceof PDFName && b instanceof PDFName && a.asString() === b.asString();
  if (a instanceof PDFNumber || b instanceof PDFNumber)
    return a instanceof PDFNumber && b instanceof PDFNumber && a.asNumber() === b.asNumber();
  const bytes = (v: PDFObject) => (v instanceof PDFString || v instanceof PDFHexString ? v.asBytes() : undefined);
  const [ba, bb] = [bytes(a), bytes(b)];
  if (ba || bb) return ba !== undefined && bb !== undefined && Buffer.from(ba).equals(Buffer.from(bb));
  if (a instanceof PDFBool || a === PDFNull) return a.toString() === b.toString();
  if (a instanceof PDFArray || b instanceof PDFArray) {
    if (!(a instanceof PDFArray && b instanceof PDFArray) || a.size() !== b.size()) return false;
    return a.asArray().every((item, i) => sameValue(item, b.get(i), depth + 1));
  }
  if (a instanceof PDFRawStream || b instanceof PDFRawStream) {
    return (
      a instanceof PDFRawStream &&
      b instanceof PDFRawStream &&
      sameValue(a.dict, b.dict, depth + 1) &&
      Buffer.from(a.contents).equals(Buffer.from(b.contents))
    );
  }
  if (a instanceof PDFDict || b instanceof PDFDict) {
    if (!(a instanceof PDFDict && b instanceof PDFDict)) return false;
    // PDFName instances are interned, so a Set of them is a set of keys.
    const keys = new Set([...a.keys(), ...b.keys()]);
    for (const key of keys) if (!sameValue(a.get(key), b.get(key), depth + 1)) return false;
    return true;
  }
  return a.toString() === b.toString();
}

/** The value of `key`, or the nearest ancestor's through /Parent (inheritable field keys, §12.7.3.1). */
export function inherited(reader: RevisionReader, dict: PDFDict, key: string): PDFObject | undefined {
  let current: PDFDict | undefined = dict;
  for (let depth = 0; current && depth < 32; depth++) {
    const value = current.get(PDFName.of(key));
    if (value !== undefined) return value;
    const parent = reader.resolve(current.get(PDFName.of("Parent")));
    current = parent instanceof PDFDict ? parent : undefined;
  }
  return undefined;
}

/** A form field's fully qualified name (§12.7.3.2), or null when it has no /T anywhere. */
export function fieldName(reader: RevisionReader, dict: PDFDict): string | null {
  const parts: string[] = [];
  let current: PDFDict | undefined = dict;
  for (let depth = 0; current && depth < 32; depth++) {
    const t = current.get(PDFName.of("T"));
    if (t instanceof PDFString || t instanceof PDFHexString) parts.unshift(t.decodeText());
    const parent = reader.resolve(current.get(PDFName.of("Parent")));
    current = parent instanceof PDFDict ? parent : undefined;
  }
  return parts.length > 0 ? parts.join(".") : null;
}

/** A short human description of an object, for "what changed" lines. */
export function describeObject(reader: RevisionReader, n: number): string {
  const value = reader.get(n);
  const dict = value instanceof PDFStream ? value.dict : value instanceof PDFDict ? value : undefined;
  const name = (key: string) => {
    const v = dict?.get(PDFName.of(key));
    return v instanceof PDFName ? v.asString() : undefined;
  };
  if (!dict) return value instanceof PDFArray ? `object ${n} (array)` : `object ${n}`;
  const type = name("Type");
  const subtype = name("Subtype");
  if (type === "/Catalog") return `object ${n} (the document catalog)`;
  if (type === "/Page") return `object ${n} (a page)`;
  if (type === "/Pages") return `object ${n} (the page tree)`;
  if (inherited(reader, dict, "FT") !== undefined || dict.has(PDFName.of("T"))) {
    const field = fieldName(reader, dict);
    return `object ${n} (form field${field ? ` "${field}"` : ""})`;
  }
  if (type === "/Annot" || (subtype && dict.has(PDFName.of("Rect")))) return `object ${n} (annotation ${subtype ?? ""})`.replace(" )", ")");
  if (value instanceof PDFStream)
    return `object ${n} (${subtype === "/Form" ? "form XObject" : subtype === "/Image" ? "image" : "stream"})`;
  return `object ${n}${type ? ` (${type})` : ""}`;
}
