import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFString } from "pdf-lib";
import type { PDFObject } from "pdf-lib";
import { describeObject, fieldName, inherited, isLayoutKey, referencesIn, sameValue, walkGraph } from "./object-graph.server.ts";
import type { ObjectGraph, Referrer } from "./object-graph.server.ts";
import { RevisionReader, readRevision } from "./revisions.server.ts";

/**
 * What the incremental updates after a signature changed, judged against what a signed document
 * permits (decision 28; ISO 32000-1 §12.8.2, §12.8.4): a new signature, its field and widget with
 * their appearance, the signature field list and the page's annotation list growing by it, an
 * empty signature field being signed (its value and appearance), SigFlags, new default resources,
 * the DSS and the document information dictionary. Anything else reachable from the final
 * revision — page content, annotations, form field values, other catalog entries, objects the
 * signed revision referred to but did not define, objects it shared with what is being replaced —
 * is "changed after signing". DocMDP P=1 narrows this to nothing; FieldMDP locks fields.
 *
 * Whole revisions are compared (the state the signature covers against the final one), object by
 * object as each revision's cross-reference resolves them, never by scanning the file.
 */

export interface UpdatePolicy {
  /** DocMDP permissions of a certification signature at or before this one (1 = no changes). */
  docMdp: 1 | 2 | 3 | null;
  /** Fully qualified names of fields FieldMDP locked at or before this signature. */
  lockedFields: ReadonlySet<string>;
}

export interface UpdateAnalysis {
  /** Permitted changes, e.g. `new signature field "bidder-1"`. */
  allowed: string[];
  /** Changes the signature does not permit: the document was changed after signing. */
  disallowed: string[];
}

type Verdict = { ok: true; justify: number[]; note?: string } | { ok: false; reason: string };

const ok = (justify: number[] = [], note?: string): Verdict => ({ ok: true, justify, ...(note ? { note } : {}) });
const no = (reason: string): Verdict => ({ ok: false, reason });
const name = (key: string) => PDFName.of(key);

export class FinalRevision {
  readonly reader: RevisionReader;
  readonly graph: ObjectGraph;
  constructor(readonly pdf: Uint8Array) {
    this.reader = new RevisionReader(pdf, readRevision(pdf, pdf.length));
    this.graph = walkGraph(this.reader);
  }
}

export function analyseUpdates(final: FinalRevision, signedEnd: number, policy: UpdatePolicy): UpdateAnalysis {
  if (signedEnd === final.pdf.length) return { allowed: [], disallowed: [] };
  try {
    return new Analysis(final, new RevisionReader(final.pdf, readRevision(final.pdf, signedEnd)), policy).run();
  } catch (e) {
    return { allowed: [], disallowed: [`the updates after this signature cannot be analysed: ${(e as Error).message}`] };
  }
}

class Analysis {
  readonly S: RevisionReader;
  readonly F: RevisionReader;
  readonly gS: ObjectGraph;
  readonly gF: ObjectGraph;
  readonly added = new Set<number>();
  readonly changed = new Set<number>();
  readonly allowed: string[] = [];
  readonly disallowed: string[] = [];
  /** Old appearance objects a signed field may overwrite: object → the field. */
  readonly overridable = new Map<number, number>();
  readonly justified = new Set<number>();

  constructor(
    final: FinalRevision,
    signed: RevisionReader,
    readonly policy: UpdatePolicy,
  ) {
    this.S = signed;
    this.F = final.reader;
    this.gS = walkGraph(signed);
    this.gF = final.graph;
  }

  run(): UpdateAnalysis {
    const numbers = new Set([...this.S.state.entries.keys(), ...this.F.state.entries.keys()]);
    for (const n of numbers) {
      const [s, f] = [this.S.has(n), this.F.has(n)];
      if (!s && f) this.added.add(n);
      else if (s && !f && this.gS.reachable.has(n)) this.disallowed.push(`${describeObject(this.S, n)} was removed after signing`);
      else if (s && f && !this.sameEntry(n) && !sameValue(this.S.get(n), this.F.get(n))) this.changed.add(n);
    }
    this.checkTrailer();
    for (const n of this.added) {
      const users = this.gS.dangling.get(n);
      if (users)
        this.disallowed.push(`the signed revision referred to object ${n} (${this.who(users)}), which was defined only after signing`);
    }
    const relevant = [...this.changed].filter((n) => this.gF.reachable.has(n));
    for (const n of relevant) this.findSignedField(n);
    for (const n of relevant) {
      const verdict = this.judge(n);
      if (verdict.ok) {
        verdict.justify.forEach((j) => this.justify(j));
        if (verdict.note) this.allowed.push(verdict.note);
      } else {
        this.disallowed.push(verdict.reason);
      }
    }
    for (const n of this.added) {
      if (this.gF.reachable.has(n) && !this.justified.has(n)) {
        this.disallowed.push(`${describeObject(this.F, n)} was added after signing (used by ${this.who(this.gF.referrers.get(n) ?? [])})`);
      }
    }
    // DocMDP P=1 (§12.8.2.2): no change at all, apart from metadata and validation data (PAdES DSS).
    const metadata = new Set([
      "document information (metadata) updated",
      "XMP metadata updated",
      "DSS added",
      "DSS updated",
      "extensions declared",
    ]);
    if (this.policy.docMdp === 1 && this.allowed.some((a) => !metadata.has(a))) {
      this.disallowed.push("the certification signature's DocMDP permissions (P=1) allow no change at all");
    }
    return { allowed: [...new Set(this.allowed)], disallowed: [...new Set(this.disallowed)] };
  }

  // -------------------------------------------------------------------------------------------

  sameEntry(n: number): boolean {
    const [a, b] = [this.S.state.entries.get(n), this.F.state.entries.get(n)];
    if (!a || !b || a.kind !== b.kind) return false;
    if (a.kind === "offset" && b.kind === "offset") return a.offset === b.offset && a.generation === b.generation;
    if (a.kind === "compressed" && b.kind === "compressed") return a.stream === b.stream && a.index === b.index && this.sameEntry(a.stream);
    return false;
  }

  who(referrers: readonly Referrer[]): string {
    return (
      referrers
        .slice(0, 3)
        .map((r) => (r.from === "trailer" ? `the trailer's ${r.path}` : `${r.path} of object ${r.from}`))
        .join(", ") || "nothing"
    );
  }

  /** Marks `n` and the objects added after signing that it reaches as part of a permitted change. */
  justify(n: number): void {
    const queue = [n];
    while (queue.length > 0) {
      const current = queue.pop()!;
      if (this.justified.has(current)) continue;
      this.justified.add(current);
      for (const { ref } of referencesIn(this.F.get(current))) {
        if (this.added.has(ref.objectNumber) && !this.justified.has(ref.objectNumber)) queue.push(ref.objectNumber);
      }
    }
  }

  checkTrailer(): void {
    const [s, f] = [this.S.state.trailer, this.F.state.trailer];
    for (const key of new Set([...s.keys(), ...f.keys()])) {
      const k = key.asString().slice(1);
      if (isLayoutKey(k) || sameValue(s.get(key), f.get(key))) continue;
      if (k === "Info") {
        for (const { ref } of referencesIn(f.get(key))) this.justify(ref.objectNumber);
        this.allowed.push("document information (metadata) updated");
        continue;
      }
      this.disallowed.push(`the trailer's /${k} changed after signing`);
    }
  }

  dictOf(reader: RevisionReader, n: number): PDFDict | undefined {
    const v = reader.get(n);
    return v instanceof PDFDict ? v : undefined;
  }

  isSignatureField(reader: RevisionReader, dict: PDFDict): boolean {
    const ft = inherited(reader, dict, "FT");
    const subtype = dict.get(name("Subtype"));
    return ft === name("Sig") && (subtype === undefined || subtype === name("Widget"));
  }

  isSignatureValue(reader: RevisionReader, value: PDFObject | undefined): boolean {
    const dict = reader.resolve(value);
    if (!(dict instanceof PDFDict)) return false;
    const type = dict.get(name("Type"));
    return (type === undefined || type === name("Sig") || type === name("DocTimeStamp")) && dict.has(name("ByteRange"));
  }

  /**
   * A signature field signed in the update (no value before, a new one now): the objects that
   * made up its old appearance may be replaced, provided nothing else in the signed revision
   * used them (as pyHanko's diff analysis demands: otherwise the update also changes that).
   */
  findSignedField(n: number): void {
    const [before, after] = [this.dictOf(this.S, n), this.dictOf(this.F, n)];
    if (!before || !after || !this.isSignatureField(this.S, before)) return;
    if (inherited(this.S, before, "V") !== undefined || !this.isSignatureValue(this.F, inherited(this.F, after, "V"))) return;
    for (const k of this.appearanceObjects(n, before)) this.overridable.set(k, n);
  }

  appearanceObjects(field: number, dict: PDFDict): Set<number> {
    const objects = new Set<number>();
    const queue = referencesIn(dict.get(name("AP"))).map((r) => r.ref.objectNumber);
    while (queue.length > 0) {
      const k = queue.pop()!;
      if (objects.has(k) || k === field || !this.S.has(k)) continue;
      objects.add(k);
      const value = this.S.get(k);
      // Appearance dictionaries and their streams; resources (fonts, images) are shared by design and stay out.
      if (value instanceof PDFDict) queue.push(...referencesIn(value).map((r) => r.ref.objectNumber));
    }
    return objects;
  }

  /** Old appearance objects of `field` that something other than that appearance also uses. */
  sharedAppearance(field: number): string | null {
    const own = new Set([...this.overridable].filter(([, f]) => f === field).map(([k]) => k));
    for (const k of own) {
      const others = (this.gS.referrers.get(k) ?? []).filter((r) => r.from !== field && !(typeof r.from === "number" && own.has(r.from)));
      if (others.length > 0)
        return `${describeObject(this.S, k)}, the old appearance of field ${field}, is also used by ${this.who(others)}`;
    }
    return null;
  }

  judge(n: number): Verdict {
    const owner = this.overridable.get(n);
    if (owner !== undefined) {
      const shared = this.sharedAppearance(owner);
      if (shared) return no(`${shared}; it was overwritten after signing`);
      return ok(this.newReferences(this.F.get(n)));
    }
    const root = this.S.state.trailer.get(name("Root"));
    if (root instanceof PDFRef && root.objectNumber === n) return this.judgeCatalog();
    const metadata = this.metadataRole(n);
    if (metadata) return ok(this.newReferences(this.F.get(n)), metadata);
    const [before, after] = [this.S.get(n), this.F.get(n)];
    if (before instanceof PDFArray && after instanceof PDFArray) return this.judgeArrayObject(n, before, after);
    if (!(before instanceof PDFDict) || !(after instanceof PDFDict)) {
      return no(`${describeObject(this.S, n)} changed after signing (used by ${this.who(this.gF.referrers.get(n) ?? [])})`);
    }
    if (before.get(name("Type")) === name("Page")) return this.judgePage(n, before, after);
    if (this.isAcroForm(n)) return this.judgeAcroForm(before, after);
    if (this.isSignatureField(this.S, before)) return this.judgeSignatureField(n, before, after);
    if (this.inDss(n)) return ok(this.newReferences(after), "DSS updated");
    return no(`${describeObject(this.S, n)} changed after signing`);
  }

  /**
   * Metadata nobody sees on a page: the document information dictionary (used only by the
   * trailer's /Info) and the catalog's XMP stream (used only as its /Metadata).
   */
  metadataRole(n: number): string | null {
    const users = [...(this.gS.referrers.get(n) ?? []), ...(this.gF.referrers.get(n) ?? [])];
    const root = (this.S.state.trailer.get(name("Root")) as PDFRef | undefined)?.objectNumber;
    if (users.every((r) => r.from === "trailer" && r.path === "/Info")) return "document information (metadata) updated";
    const value = this.F.get(n);
    if (
      users.every((r) => r.from === root && r.path === "/Metadata") &&
      value instanceof PDFRawStream &&
      value.dict.get(name("Type")) === name("Metadata")
    ) {
      return "XMP metadata updated";
    }
    return null;
  }

  /** References in `value` to objects added after signing: they belong to the permitted change. */
  newReferences(value: PDFObject | undefined): number[] {
    return referencesIn(value)
      .map((r) => r.ref.objectNumber)
      .filter((k) => this.added.has(k));
  }

  judgeCatalog(): Verdict {
    const n = (this.S.state.trailer.get(name("Root")) as PDFRef).objectNumber;
    const [before, after] = [this.dictOf(this.S, n), this.dictOf(this.F, n)];
    if (!before || !after) return no("the document catalog was replaced after signing");
    const justify: number[] = [];
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const [b, a] = [before.get(key), after.get(key)];
      if (sameValue(b, a)) continue;
      const k = key.asString();
      if (k === "/AcroForm") {
        const [oldForm, newForm] = [this.S.resolve(b), this.F.resolve(a)];
        if (!(newForm instanceof PDFDict) || (oldForm !== undefined && !(oldForm instanceof PDFDict)))
          return no("the form changed after signing");
        const verdict = this.judgeAcroForm(oldForm ?? PDFDict.withContext(this.S.context), newForm);
        if (!verdict.ok) return verdict;
        justify.push(...verdict.justify, ...(a instanceof PDFRef && this.added.has(a.objectNumber) ? [a.objectNumber] : []));
      } else if (k === "/Metadata" && this.isMetadataStream(a)) {
        justify.push(...this.newReferences(a));
        this.allowed.push("XMP metadata updated");
      } else if (k === "/DSS" || k === "/Extensions") {
        justify.push(...referencesIn(a).map((r) => r.ref.objectNumber));
        this.allowed.push(k === "/DSS" ? "DSS added" : "extensions declared");
      } else {
        return no(`the document catalog's ${k} changed after signing`);
      }
    }
    return ok(justify);
  }

  isMetadataStream(value: PDFObject | undefined): boolean {
    const stream = this.F.resolve(value);
    return stream instanceof PDFRawStream && stream.dict.get(name("Type")) === name("Metadata");
  }

  isAcroForm(n: number): boolean {
    return (this.gF.referrers.get(n) ?? []).some(
      (r) => r.path === "/AcroForm" && r.from === (this.S.state.trailer.get(name("Root")) as PDFRef)?.objectNumber,
    );
  }

  inDss(n: number): boolean {
    const users = this.gS.referrers.get(n) ?? [];
    return (
      users.length > 0 &&
      users.every(
        (r) =>
          r.path.startsWith("/DSS") ||
          r.path.startsWith("/VRI") ||
          r.path.startsWith("/Certs") ||
          r.path.startsWith("/OCSPs") ||
          r.path.startsWith("/CRLs"),
      )
    );
  }

  judgeAcroForm(before: PDFDict, after: PDFDict): Verdict {
    const justify: number[] = [];
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const [b, a] = [before.get(key), after.get(key)];
      if (sameValue(b, a)) continue;
      const k = key.asString();
      if (k === "/SigFlags") continue;
      if (k === "/Fields") {
        const verdict = this.judgeGrowth(this.S.resolve(b), this.F.resolve(a), "the form's field list");
        if (!verdict.ok) return verdict;
        justify.push(...verdict.justify, ...(a instanceof PDFRef && this.added.has(a.objectNumber) ? [a.objectNumber] : []));
      } else if (k === "/DR" && this.isSuperset(this.S.resolve(b), this.F.resolve(a))) {
        justify.push(...this.newReferences(a));
      } else {
        return no(`the form's ${k} changed after signing`);
      }
    }
    return ok(justify);
  }

  /** Every entry of `before` (resolved, one level of sub-dictionaries) is still there, unchanged. */
  isSuperset(before: PDFObject | undefined, after: PDFObject | undefined): boolean {
    if (before === undefined) return after instanceof PDFDict;
    if (!(before instanceof PDFDict) || !(after instanceof PDFDict)) return false;
    return before.entries().every(([key, value]) => {
      const [b, a] = [this.S.resolve(value), this.F.resolve(after.get(key))];
      return (
        sameValue(value, after.get(key)) ||
        (b instanceof PDFDict && a instanceof PDFDict && b.entries().every(([k2, v2]) => sameValue(v2, a.get(k2))))
      );
    });
  }

  /**
   * An array that may only grow by new signature fields or widgets: every old item still there,
   * in order, and each new item a reference to a signature field or widget added after signing.
   */
  judgeGrowth(before: PDFObject | undefined, after: PDFObject | undefined, what: string): Verdict {
    const oldItems = before instanceof PDFArray ? before.asArray() : before === undefined ? [] : null;
    if (!oldItems || !(after instanceof PDFArray)) return no(`${what} changed after signing`);
    const justify: number[] = [];
    let i = 0;
    for (const item of after.asArray()) {
      if (i < oldItems.length && sameValue(oldItems[i], item)) {
        i++;
        continue;
      }
      const ref = item instanceof PDFRef && this.added.has(item.objectNumber) ? item : undefined;
      const dict = ref ? this.dictOf(this.F, ref.objectNumber) : undefined;
      if (!ref || !dict || !this.isSignatureField(this.F, dict)) {
        return no(`${what} gained ${item instanceof PDFRef ? describeObject(this.F, item.objectNumber) : "an entry"} after signing`);
      }
      justify.push(ref.objectNumber);
      const field = fieldName(this.F, dict);
      this.allowed.push(`new signature field${field ? ` "${field}"` : ""}`);
    }
    if (i < oldItems.length) return no(`${what} lost an entry after signing`);
    return ok(justify);
  }

  /** An indirect /Fields or /Annots array: it may only grow (judgeGrowth). */
  judgeArrayObject(n: number, before: PDFArray, after: PDFArray): Verdict {
    const users = this.gF.referrers.get(n) ?? [];
    const root = (this.F.state.trailer.get(name("Root")) as PDFRef | undefined)?.objectNumber;
    const isPage = (from: Referrer["from"]) => typeof from === "number" && this.dictOf(this.F, from)?.get(name("Type")) === name("Page");
    const role = (r: Referrer) =>
      r.path === "/Annots" && isPage(r.from)
        ? "annots"
        : (r.path === "/Fields" && typeof r.from === "number" && this.isAcroForm(r.from)) ||
            (r.path === "/AcroForm/Fields" && r.from === root)
          ? "fields"
          : null;
    const roles = new Set(users.map(role));
    if (roles.size !== 1 || roles.has(null)) return no(`${describeObject(this.S, n)} changed after signing (used by ${this.who(users)})`);
    return this.judgeGrowth(before, after, roles.has("fields") ? "the form's field list" : "a page's annotation list");
  }

  judgePage(n: number, before: PDFDict, after: PDFDict): Verdict {
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      if (key === name("Annots") || sameValue(before.get(key), after.get(key))) continue;
      return no(`${describeObject(this.S, n)}: its ${key.asString()} changed after signing`);
    }
    const [b, a] = [before.get(name("Annots")), after.get(name("Annots"))];
    if (sameValue(b, a)) return ok();
    const verdict = this.judgeGrowth(this.S.resolve(b), this.F.resolve(a), `the annotation list of ${describeObject(this.S, n)}`);
    if (!verdict.ok) return verdict;
    return ok([...verdict.justify, ...(a instanceof PDFRef && this.added.has(a.objectNumber) ? [a.objectNumber] : [])]);
  }

  /**
   * An empty signature field (or its widget) being signed: only its value, its appearance and
   * its annotation flags (signers set Locked) may change.
   */
  judgeSignatureField(n: number, before: PDFDict, after: PDFDict): Verdict {
    const field = fieldName(this.S, before);
    const label = `signature field${field ? ` "${field}"` : ""}`;
    if (inherited(this.S, before, "V") !== undefined) return no(`the signed ${label} changed after signing`);
    if (!this.isSignatureValue(this.F, inherited(this.F, after, "V")))
      return no(`the empty ${label} changed after signing without being signed`);
    if (field && (this.policy.lockedFields.has(field) || this.policy.lockedFields.has("*")))
      return no(`the ${label} was locked (FieldMDP) and changed after signing`);
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      if (key === name("V") || key === name("AP") || key === name("F") || sameValue(before.get(key), after.get(key))) continue;
      return no(`the ${label}: its ${key.asString()} changed after signing`);
    }
    if (!sameValue(before.get(name("AP")), after.get(name("AP")))) {
      const shared = this.sharedAppearance(n);
      if (shared) return no(`${shared}; it was replaced after signing`);
    }
    const v = after.get(name("V"));
    const justify = [...this.newReferences(after.get(name("AP"))), ...(v instanceof PDFRef ? [v.objectNumber] : [])];
    if (v instanceof PDFRef && !this.added.has(v.objectNumber)) return no(`the ${label} was given an existing object as its value`);
    return ok(justify, `empty ${label} signed`);
  }
}

/** DocMDP /P of a signature dictionary's /Reference, if it certifies the document. */
export function docMdpOf(reader: RevisionReader, signature: PDFDict): 1 | 2 | 3 | null {
  for (const ref of transforms(reader, signature)) {
    if (ref.get(name("TransformMethod")) !== name("DocMDP")) continue;
    const params = reader.resolve(ref.get(name("TransformParams")));
    const p = params instanceof PDFDict ? params.get(name("P")) : undefined;
    const value = p instanceof PDFNumber ? p.asNumber() : 2; // default 2 (§12.8.2.2.2)
    return value === 1 || value === 3 ? value : 2;
  }
  return null;
}

/** Field names FieldMDP locks ("*" = all fields), from a signature dictionary's /Reference. */
export function fieldMdpLocksOf(reader: RevisionReader, signature: PDFDict, allFields: readonly string[]): string[] {
  const locked: string[] = [];
  for (const ref of transforms(reader, signature)) {
    if (ref.get(name("TransformMethod")) !== name("FieldMDP")) continue;
    const params = reader.resolve(ref.get(name("TransformParams")));
    if (!(params instanceof PDFDict)) continue;
    const action = params.get(name("Action"));
    const fieldsValue = reader.resolve(params.get(name("Fields")));
    const listed =
      fieldsValue instanceof PDFArray
        ? fieldsValue.asArray().flatMap((f) => {
            const v = reader.resolve(f);
            return v instanceof PDFString || v instanceof PDFHexString ? [v.decodeText()] : [];
          })
        : [];
    if (action === name("All")) locked.push("*");
    else if (action === name("Include")) locked.push(...listed);
    else if (action === name("Exclude")) locked.push(...allFields.filter((f) => !listed.includes(f)));
  }
  return locked;
}

function transforms(reader: RevisionReader, signature: PDFDict): PDFDict[] {
  const references = reader.resolve(signature.get(name("Reference")));
  if (!(references instanceof PDFArray)) return [];
  return references.asArray().flatMap((r) => {
    const dict = reader.resolve(r);
    return dict instanceof PDFDict ? [dict] : [];
  });
}
