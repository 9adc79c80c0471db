import { PDFArray, PDFDict, PDFDocument, PDFInvalidObject, PDFName, PDFNumber, PDFRef, PDFString, PDFHexString } from "pdf-lib";
import type { PDFObject } from "pdf-lib";
import { BYTE_RANGE_PLACEHOLDER, SIGNATURE_CONTENTS_BYTES } from "./byte-range.server.ts";
import { appendIncrementalUpdate, lastTrailerSize } from "./incremental.server.ts";
import type { IndirectObjectBody } from "./incremental.server.ts";

/**
 * Signature fields and their placeholders, two ways:
 * - `addSignaturePlaceholder` on a pdf-lib document that is about to be saved (first signature);
 * - `appendSignaturePlaceholder` on saved bytes, as an incremental update that leaves every
 *   earlier byte alone (any later signature, or a first one on a PDF whose hash was recorded).
 *
 * Both write the same signature dictionary. @signpdf's placeholders were tried and not used:
 * they encode text entries as Latin-1 (Chinese reasons and names come out garbled), the plain
 * one rebuilds /AcroForm /Fields by text search (it dropped the first field of a pdf-lib file,
 * so pdfsig no longer listed the first signature) and names every field "SignatureN".
 */

export interface SignaturePlaceholderOptions {
  /** Unique per document; letters, digits, "_" and "-" (partial field names have no "."). */
  fieldName: string;
  /** /Reason, e.g. "开标记录确认". */
  reason: string;
  /** /Location, e.g. "bidhall 公共资源交易平台". */
  location: string;
  /** /Name: the signer as a person or organisation reads it. */
  signerName: string;
  contactInfo?: string;
  /**
   * /M, the claimed signing time. PAdES B-B keeps it here and forbids the signing-time
   * attribute (ETSI EN 319 142-1 §6.3). Taken from the caller: the platform clock decides.
   */
  signingTime: Date;
  /** Page the (invisible) widget annotation sits on; default 0. */
  pageIndex?: number;
}

export class SignatureFieldError extends Error {
  override name = "SignatureFieldError";
}

const FIELD_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SIG_FLAGS_SIGNATURES_EXIST_APPEND_ONLY = 3; // ISO 32000-1 §12.7.2, table 219
const ANNOTATION_PRINT_LOCKED = 4 | 128; // §12.5.3, table 165

/** A UTF-16BE text string with BOM, written in hex so no byte needs escaping (§7.9.2.2). */
function textString(text: string): string {
  let hex = "FEFF";
  for (let i = 0; i < text.length; i++) {
    hex += text.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  }
  return `<${hex}>`;
}

function pdfDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new SignatureFieldError("signingTime is not a valid date");
  const iso = date.toISOString(); // 2025-06-18T09:30:00.000Z
  return `(D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z)`;
}

/** The signature dictionary with an unfilled ByteRange and all-zero /Contents. */
export function signatureDictionary(options: SignaturePlaceholderOptions): Uint8Array {
  const entries = [
    "/Type /Sig",
    "/Filter /Adobe.PPKLite",
    // EN 319 142-1 §5.1: PAdES signatures use ETSI.CAdES.detached, not adbe.pkcs7.detached.
    "/SubFilter /ETSI.CAdES.detached",
    `/ByteRange ${BYTE_RANGE_PLACEHOLDER}`,
    `/Contents <${"0".repeat(SIGNATURE_CONTENTS_BYTES * 2)}>`,
    `/M ${pdfDate(options.signingTime)}`,
    `/Name ${textString(options.signerName)}`,
    `/Reason ${textString(options.reason)}`,
    `/Location ${textString(options.location)}`,
    options.contactInfo ? `/ContactInfo ${textString(options.contactInfo)}` : "",
    "/Prop_Build << /App << /Name /bidhall >> >>",
  ].filter(Boolean);
  return new Uint8Array(Buffer.from(`<<\n${entries.join("\n")}\n>>`, "latin1"));
}

function assertFieldName(doc: PDFDocument, fieldName: string): void {
  if (!FIELD_NAME.test(fieldName)) {
    throw new SignatureFieldError(`field name "${fieldName}" must match ${FIELD_NAME}`);
  }
  if (fieldNames(doc).includes(fieldName)) {
    throw new SignatureFieldError(`the document already has a field named "${fieldName}"`);
  }
}

function decodeName(value: PDFObject | undefined): string | null {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : null;
}

/** Fully qualified names of every form field (§12.7.3.2), signature fields included. */
export function fieldNames(doc: PDFDocument): string[] {
  const acroForm = doc.catalog.lookupMaybe(PDFName.of("AcroForm"), PDFDict);
  const fields = acroForm?.lookupMaybe(PDFName.of("Fields"), PDFArray);
  const names: string[] = [];
  const walk = (array: PDFArray | undefined, prefix: string, depth: number) => {
    if (!array || depth > 32) return;
    for (let i = 0; i < array.size(); i++) {
      const field = array.lookupMaybe(i, PDFDict);
      if (!field) continue;
      const partial = decodeName(field.get(PDFName.of("T")));
      const name = partial === null ? prefix : prefix ? `${prefix}.${partial}` : partial;
      const kids = field.lookupMaybe(PDFName.of("Kids"), PDFArray);
      if (kids) walk(kids, name, depth + 1);
      if (partial !== null) names.push(name);
    }
  };
  walk(fields, "", 0);
  return names;
}

function pageRef(doc: PDFDocument, pageIndex = 0) {
  const pages = doc.getPages();
  const page = pages[pageIndex];
  if (!page) throw new SignatureFieldError(`no page ${pageIndex} (the document has ${pages.length})`);
  return page;
}

function widgetDictionary(doc: PDFDocument, signatureRef: PDFRef, page: PDFRef, fieldName: string) {
  // An invisible signature: a zero-size widget needs no appearance stream (ISO 32000-2 §12.5.5).
  return doc.context.obj({
    Type: "Annot",
    Subtype: "Widget",
    FT: "Sig",
    T: PDFString.of(fieldName),
    V: signatureRef,
    P: page,
    Rect: [0, 0, 0, 0],
    F: ANNOTATION_PRINT_LOCKED,
  });
}

/**
 * Adds the field, widget and placeholder to a document before its first save. Save it with
 * `useObjectStreams: false` (the dictionary is registered raw, so it stays out of object streams
 * either way, but later incremental updates need a classic xref table).
 */
export function addSignaturePlaceholder(doc: PDFDocument, options: SignaturePlaceholderOptions): void {
  assertFieldName(doc, options.fieldName);
  const page = pageRef(doc, options.pageIndex);
  const signatureRef = doc.context.register(PDFInvalidObject.of(signatureDictionary(options)));
  const widgetRef = doc.context.register(widgetDictionary(doc, signatureRef, page.ref, options.fieldName));

  const annots = page.node.lookupMaybe(PDFName.of("Annots"), PDFArray);
  if (annots) annots.push(widgetRef);
  else page.node.set(PDFName.of("Annots"), doc.context.obj([widgetRef]));

  let acroForm = doc.catalog.lookupMaybe(PDFName.of("AcroForm"), PDFDict);
  if (!acroForm) {
    acroForm = doc.context.obj({});
    doc.catalog.set(PDFName.of("AcroForm"), doc.context.register(acroForm));
  }
  const fields = acroForm.lookupMaybe(PDFName.of("Fields"), PDFArray);
  if (fields) fields.push(widgetRef);
  else acroForm.set(PDFName.of("Fields"), doc.context.obj([widgetRef]));
  const flags = acroForm.lookupMaybe(PDFName.of("SigFlags"), PDFNumber)?.asNumber() ?? 0;
  acroForm.set(PDFName.of("SigFlags"), PDFNumber.of(flags | SIG_FLAGS_SIGNATURES_EXIST_APPEND_ONLY));
}

function serialize(object: PDFObject): Uint8Array {
  const bytes = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(bytes, 0);
  return bytes;
}

/**
 * Appends field, widget and placeholder as an incremental update. pdf-lib only parses here; the
 * changed objects (page or its /Annots array, /AcroForm or its /Fields array, or the catalog
 * when there was no form) are written again under their own numbers after the original bytes.
 */
export async function appendSignaturePlaceholder(pdf: Uint8Array, options: SignaturePlaceholderOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const { context } = doc;
  if (context.trailerInfo.Encrypt) throw new SignatureFieldError("encrypted PDFs are not supported");
  const root = context.trailerInfo.Root;
  if (!(root instanceof PDFRef)) throw new SignatureFieldError("the trailer has no /Root reference");
  assertFieldName(doc, options.fieldName);
  const page = pageRef(doc, options.pageIndex);

  let next = Math.max(context.largestObjectNumber + 1, lastTrailerSize(pdf));
  const signatureRef = PDFRef.of(next++);
  const widgetRef = PDFRef.of(next++);
  const written = new Map<string, IndirectObjectBody>();
  const write = (ref: PDFRef, body: Uint8Array) => {
    written.set(ref.tag, {
      objectNumber: ref.objectNumber,
      generation: ref.generationNumber,
      body,
    });
  };
  write(signatureRef, signatureDictionary(options));
  write(widgetRef, serialize(widgetDictionary(doc, signatureRef, page.ref, options.fieldName)));

  // The page's /Annots: an indirect array is rewritten on its own, otherwise the page is.
  const annotsEntry = page.node.get(PDFName.of("Annots"));
  if (annotsEntry instanceof PDFRef) {
    const annots = context.lookup(annotsEntry, PDFArray);
    annots.push(widgetRef);
    write(annotsEntry, serialize(annots));
  } else {
    if (annotsEntry instanceof PDFArray) annotsEntry.push(widgetRef);
    else page.node.set(PDFName.of("Annots"), context.obj([widgetRef]));
    write(page.ref, serialize(page.node));
  }

  // The form: reuse an indirect /AcroForm, otherwise give it its own object and rewrite the
  // catalog to point at it.
  const acroFormEntry = doc.catalog.get(PDFName.of("AcroForm"));
  let acroFormRef: PDFRef;
  let acroForm: PDFDict;
  if (acroFormEntry instanceof PDFRef) {
    acroFormRef = acroFormEntry;
    acroForm = context.lookup(acroFormEntry, PDFDict);
  } else {
    acroFormRef = PDFRef.of(next++);
    acroForm = acroFormEntry instanceof PDFDict ? acroFormEntry : context.obj({});
    doc.catalog.set(PDFName.of("AcroForm"), acroFormRef);
    write(root, serialize(doc.catalog));
  }
  const fieldsEntry = acroForm.get(PDFName.of("Fields"));
  if (fieldsEntry instanceof PDFRef) {
    const fields = context.lookup(fieldsEntry, PDFArray);
    fields.push(widgetRef);
    write(fieldsEntry, serialize(fields));
  } else if (fieldsEntry instanceof PDFArray) {
    fieldsEntry.push(widgetRef);
  } else {
    acroForm.set(PDFName.of("Fields"), context.obj([widgetRef]));
  }
  const flags = acroForm.lookupMaybe(PDFName.of("SigFlags"), PDFNumber)?.asNumber() ?? 0;
  acroForm.set(PDFName.of("SigFlags"), PDFNumber.of(flags | SIG_FLAGS_SIGNATURES_EXIST_APPEND_ONLY));
  write(acroFormRef, serialize(acroForm));

  const { Info, ID } = context.trailerInfo;
  return appendIncrementalUpdate(pdf, [...written.values()], {
    size: next,
    root: root.toString(),
    info: Info instanceof PDFRef ? Info.toString() : undefined,
    id: ID instanceof PDFArray ? Buffer.from(serialize(ID)).toString("latin1") : undefined,
  });
}
