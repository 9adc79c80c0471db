import { createHash, verify } from "node:crypto";
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFString } from "pdf-lib";
import type { PDFObject } from "pdf-lib";
import { describeSigner, identifySigner } from "../pki/signer-role.server.ts";
import type { SignerIdentity } from "../pki/signer-role.server.ts";
import { byteRangeProblems, readContents, scanByteRanges, signedBytes } from "./sign/byte-range.server.ts";
import type { ByteRange } from "./sign/byte-range.server.ts";
import { OID, issuerAndSerialNumberOf, parseSignedData } from "./sign/cms.server.ts";
import type { ParsedAttribute, ParsedSignerInfo } from "./sign/cms.server.ts";
import { bytesEqual, childrenOf, decodeObjectIdentifier, expectTag } from "./sign/der.server.ts";
import { toCertificate, verifyCertificateChain } from "./verify-chain.server.ts";
import type { ChainResult } from "./verify-chain.server.ts";
import { FinalRevision, analyseUpdates, docMdpOf, fieldMdpLocksOf } from "./verify/modifications.server.ts";
import type { UpdateAnalysis } from "./verify/modifications.server.ts";
import { fieldName } from "./verify/object-graph.server.ts";
import type { RevisionReader } from "./verify/revisions.server.ts";

export { verifyCertificateChain } from "./verify-chain.server.ts";
export type { ChainResult } from "./verify-chain.server.ts";

/**
 * Checks every signature of a PDF the way a relying party would, without trusting anything the
 * file says about itself: integrity (RFC 5652 §5.4 message digest over the ByteRange bytes, the
 * signature over the signed attributes), coverage, what each incremental update after a
 * signature changed (decision 28), the signer by certificate and role (decision 27), the chain
 * at the time that counts for that signer, and the PAdES baseline B-B profile (ETSI EN 319 142-1
 * §6.3). Used by tests, the server and `bidhall verify`.
 */

export interface VerifyPdfOptions {
  /** Trust anchors, PEM or DER. Without any, chains are not judged (`chain` is null). */
  trustedRoots?: readonly (string | Uint8Array)[];
  /** "Now": the latest time a signature can be judged at; required with trustedRoots (no clock read here). */
  validationTime?: Date;
  /** The platform's signing certificates (current and legacy), PEM or DER: only these are the platform. */
  platformCertificates?: readonly (string | Uint8Array)[];
  /** A trusted time the whole file already existed at, e.g. its ledger anchor's block time. */
  existedAt?: { at: Date; source: string };
}

export interface SignerSummary extends SignerIdentity {
  /** The certificate's subject, one line. */
  subject: string;
  issuer: string;
  serialNumber: string;
  certificateDer: Uint8Array;
  /** `platform: CN=…, O=…` — what to show for the signer. */
  description: string;
}

export type SigningTimeSource = "the platform's own signing time" | "a later platform signature" | "verification time" | string;

export interface PdfSignatureReport {
  fieldName: string;
  subFilter: string | null;
  /** /Name as the file declares it: never shown as the signer (the certificate says who signed). */
  declaredName: string | null;
  reason: string | null;
  location: string | null;
  /** /M, the claimed signing time: trusted only for the platform's own signatures (decision 28). */
  claimedSigningTime: Date | null;
  /** When the chain was judged, and why that time. */
  checkedAt: Date | null;
  checkedAtSource: SigningTimeSource | null;
  byteRange: ByteRange;
  /** Length of the revision this signature covers: nothing follows it if it equals the file. */
  signedRevisionLength: number;
  coversWholeDocument: boolean;
  /** What the updates after this signature changed, permitted or not. */
  changesAfter: UpdateAnalysis;
  /** DocMDP permissions when this is a certification signature. */
  certification: 1 | 2 | 3 | null;
  /** Digest and signature check out, and the signing-certificate-v2 hash matches the signer. */
  integrity: { valid: boolean; problems: string[] };
  signer: SignerSummary | null;
  chain: ChainResult | null;
  pades: { baselineB: boolean; problems: string[] };
}

export interface PdfVerification {
  /** Oldest first; the last one is the newest. */
  signatures: PdfSignatureReport[];
  /** Everything that stops the document from being accepted; empty when it is. */
  problems: string[];
  valid: boolean;
}

// ---------------------------------------------------------------------------------------------
// Signature fields, as the final revision's cross-reference resolves them

interface SignatureField {
  fieldName: string;
  dict: PDFDict;
}

function text(value: PDFObject | undefined): string | null {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : null;
}

function date(value: PDFObject | undefined): Date | null {
  try {
    return value instanceof PDFString || value instanceof PDFHexString ? value.decodeDate() : null;
  } catch {
    return null;
  }
}

/** Signature fields with a value, walking /Kids and inheriting /FT (ISO 32000-1 §12.7.3.1). */
function signatureFields(reader: RevisionReader): { signatures: SignatureField[]; allFields: string[] } {
  const signatures: SignatureField[] = [];
  const allFields: string[] = [];
  const get = (dict: PDFDict | undefined, key: string) => reader.resolve(dict?.get(PDFName.of(key)));
  const root = reader.resolve(reader.state.trailer.get(PDFName.of("Root")));
  const acroForm = root instanceof PDFDict ? get(root, "AcroForm") : undefined;
  const seen = new Set<PDFDict>();
  const walk = (fields: PDFObject | undefined, inheritedFt: PDFObject | undefined, depth: number) => {
    if (!(fields instanceof PDFArray) || depth > 32) return;
    for (const item of fields.asArray()) {
      const field = reader.resolve(item);
      if (!(field instanceof PDFDict) || seen.has(field)) continue;
      seen.add(field);
      const name = fieldName(reader, field) ?? "";
      const ft = field.get(PDFName.of("FT")) ?? inheritedFt;
      const value = get(field, "V");
      if (field.has(PDFName.of("T"))) allFields.push(name);
      if (ft === PDFName.of("Sig") && value instanceof PDFDict) signatures.push({ fieldName: name, dict: value });
      walk(get(field, "Kids"), ft, depth + 1);
    }
  };
  walk(acroForm instanceof PDFDict ? get(acroForm, "Fields") : undefined, undefined, 0);
  return { signatures, allFields };
}

function byteRangeOf(reader: RevisionReader, dict: PDFDict): ByteRange | null {
  const array = reader.resolve(dict.get(PDFName.of("ByteRange")));
  if (!(array instanceof PDFArray) || array.size() !== 4) return null;
  const numbers = array.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN));
  return numbers.every(Number.isSafeInteger) ? (numbers as unknown as ByteRange) : null;
}

// ---------------------------------------------------------------------------------------------
// One signature's cryptography

const HASHES: Record<string, string> = {
  [OID.sha256]: "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

function attribute(info: ParsedSignerInfo, oid: string): ParsedAttribute | undefined {
  return info.signedAttributes.find((a) => a.oid === oid);
}

/** certHash of the first ESSCertIDv2 in signing-certificate-v2 and its hash name (RFC 5035). */
function essCertHash(attr: ParsedAttribute): { hash: string | undefined; certHash: Uint8Array } {
  const signingCertificate = expectTag(attr.values[0], 0x30, "SigningCertificateV2");
  const certs = expectTag(childrenOf(signingCertificate)[0], 0x30, "certs");
  const first = childrenOf(expectTag(childrenOf(certs)[0], 0x30, "ESSCertIDv2"));
  const hasAlgorithm = first[0]?.tag === 0x30;
  const hash = hasAlgorithm ? HASHES[decodeObjectIdentifier(childrenOf(first[0]!)[0]!)] : "sha256"; // DEFAULT id-sha256
  const certHash = expectTag(first[hasAlgorithm ? 1 : 0], 0x04, "certHash").value;
  return { hash, certHash };
}

interface Cryptography {
  integrity: { valid: boolean; problems: string[] };
  pades: { baselineB: boolean; problems: string[] };
  leaf: { der: Uint8Array; others: Uint8Array[] } | null;
}

function checkCryptography(pdf: Uint8Array, reader: RevisionReader, field: SignatureField, byteRange: ByteRange): Cryptography {
  const integrity: string[] = [];
  const pades: string[] = [];
  const subFilter = reader.resolve(field.dict.get(PDFName.of("SubFilter")));
  const subFilterName = subFilter instanceof PDFName ? subFilter.decodeText() : null;
  if (subFilterName !== "ETSI.CAdES.detached") pades.push(`SubFilter is ${subFilterName ?? "missing"}, not ETSI.CAdES.detached`);

  const rangeProblems = byteRangeProblems(pdf, byteRange);
  if (rangeProblems.length > 0) {
    return { integrity: { valid: false, problems: rangeProblems }, pades: { baselineB: false, problems: pades }, leaf: null };
  }
  const contents = readContents(pdf, byteRange);
  const declared = reader.resolve(field.dict.get(PDFName.of("Contents")));
  const declaredBytes = declared instanceof PDFHexString || declared instanceof PDFString ? declared.asBytes() : undefined;
  if (!declaredBytes || !bytesEqual(declaredBytes, contents)) integrity.push("the ByteRange gap is not this signature's /Contents");

  let leaf: Cryptography["leaf"] = null;
  try {
    const signedData = parseSignedData(contents);
    const [info, ...more] = signedData.signerInfos;
    if (!info || more.length > 0) throw new Error(`expected one SignerInfo, found ${signedData.signerInfos.length}`);
    if (signedData.hasEncapsulatedContent) integrity.push("SignedData is not detached");
    const sid = info.issuerAndSerialNumber;
    const leafDer = sid
      ? signedData.certificatesDer.find((der) => {
          const { issuerDer, serialNumberDer } = issuerAndSerialNumberOf(der);
          return bytesEqual(serialNumberDer, sid.serialNumberDer) && bytesEqual(issuerDer, sid.issuerDer);
        })
      : undefined;
    if (!leafDer) throw new Error("the signer's certificate is not in the SignedData");
    leaf = { der: leafDer, others: signedData.certificatesDer.filter((der) => der !== leafDer) };
    const x509 = toCertificate(leafDer);

    const hash = HASHES[info.digestAlgorithm];
    if (!hash) throw new Error(`unsupported digest algorithm ${info.digestAlgorithm}`);
    if (!info.signedAttributesDer) throw new Error("no signed attributes");
    const digest = attribute(info, OID.messageDigest)?.values[0];
    const actual = new Uint8Array(createHash(hash).update(signedBytes(pdf, byteRange)).digest());
    if (!digest || digest.tag !== 0x04 || !bytesEqual(digest.value, actual)) {
      integrity.push("message digest does not match the signed bytes (the document was changed)");
    }
    if (!verify(hash, info.signedAttributesDer, x509.publicKey, info.signature)) {
      integrity.push("the signature over the signed attributes is invalid");
    }
    const contentType = attribute(info, OID.contentType)?.values[0];
    if (!contentType || decodeObjectIdentifier(contentType) !== OID.data) integrity.push("content-type attribute missing or not id-data");
    const essV2 = attribute(info, OID.signingCertificateV2);
    if (essV2) {
      const { hash: essHash, certHash } = essCertHash(essV2);
      const expected = essHash ? new Uint8Array(createHash(essHash).update(leafDer).digest()) : null;
      if (!expected || !bytesEqual(expected, certHash)) integrity.push("signing-certificate-v2 does not match the signer's certificate");
    } else {
      pades.push("no signing-certificate-v2 attribute");
    }
    if (attribute(info, OID.signingTime)) pades.push("signing-time attribute present (PAdES uses /M)");
  } catch (error) {
    integrity.push(error instanceof Error ? error.message : String(error));
  }
  return {
    integrity: { valid: integrity.length === 0, problems: integrity },
    pades: { baselineB: pades.length === 0 && integrity.length === 0, problems: pades },
    leaf,
  };
}

// ---------------------------------------------------------------------------------------------
// The document

const isPlatformRole = (s: PdfSignatureReport) => s.signer?.role === "platform" || s.signer?.role === "platform-legacy";

export async function verifyPdf(pdf: Uint8Array, options: VerifyPdfOptions = {}): Promise<PdfVerification> {
  if (options.trustedRoots?.length && !options.validationTime) {
    throw new TypeError("verifyPdf: validationTime is required with trustedRoots");
  }
  let final: FinalRevision;
  try {
    final = new FinalRevision(pdf);
  } catch (e) {
    const problem = `the file's structure cannot be read as a PDF viewer reads it: ${(e as Error).message}`;
    return { signatures: [], problems: [problem], valid: false };
  }
  const reader = final.reader;
  const { signatures: fields, allFields } = signatureFields(reader);
  const problems: string[] = [];
  const reports: (PdfSignatureReport & { leaf: Cryptography["leaf"] })[] = [];
  for (const field of fields) {
    const byteRange = byteRangeOf(reader, field.dict);
    if (!byteRange) {
      problems.push(`${field.fieldName}: no usable /ByteRange (unsigned field?)`);
      continue;
    }
    const signedRevisionLength = byteRange[2] + byteRange[3];
    const subFilter = reader.resolve(field.dict.get(PDFName.of("SubFilter")));
    const { leaf, ...crypto } = checkCryptography(pdf, reader, field, byteRange);
    reports.push({
      fieldName: field.fieldName,
      subFilter: subFilter instanceof PDFName ? subFilter.decodeText() : null,
      declaredName: text(reader.resolve(field.dict.get(PDFName.of("Name")))),
      reason: text(reader.resolve(field.dict.get(PDFName.of("Reason")))),
      location: text(reader.resolve(field.dict.get(PDFName.of("Location")))),
      claimedSigningTime: date(reader.resolve(field.dict.get(PDFName.of("M")))),
      checkedAt: null,
      checkedAtSource: null,
      byteRange,
      signedRevisionLength,
      coversWholeDocument: byteRange[0] === 0 && signedRevisionLength === pdf.length,
      changesAfter: { allowed: [], disallowed: [] },
      certification: docMdpOf(reader, field.dict),
      signer: null,
      chain: null,
      leaf,
      ...crypto,
    });
  }
  reports.sort((a, b) => a.signedRevisionLength - b.signedRevisionLength);

  // What came after each signature, under the permissions granted by it and the ones before it.
  let docMdp: 1 | 2 | 3 | null = null;
  const locked = new Set<string>();
  for (const report of reports) {
    docMdp ??= report.certification;
    const dict = fields.find((f) => f.fieldName === report.fieldName)!.dict;
    for (const name of fieldMdpLocksOf(reader, dict, allFields)) locked.add(name);
    report.changesAfter = analyseUpdates(final, report.signedRevisionLength, { docMdp, lockedFields: locked });
  }

  identifySigners(reports, options);

  if (reports.length === 0) problems.push("the document has no signatures");
  const scanned = scanByteRanges(pdf).length;
  if (scanned !== reports.length) problems.push(`${scanned} /ByteRange entries in the file but ${reports.length} signature fields`);
  const newest = reports[reports.length - 1];
  if (newest && !newest.coversWholeDocument) problems.push(`${newest.fieldName}: bytes were appended after the newest signature`);
  for (const report of reports) {
    const at = `${report.fieldName}:`;
    for (const problem of report.integrity.problems) problems.push(`${at} ${problem}`);
    for (const change of report.changesAfter.disallowed) problems.push(`${at} changed after signing: ${change}`);
    for (const problem of report.chain?.problems ?? []) problems.push(`${at} ${problem}`);
    if (report.signer?.problem) problems.push(`${at} ${report.signer.problem}`);
    // Our own records name the platform's field "platform": such a field signed by anyone else is a forgery.
    if (report.fieldName === "platform" && report.signer?.roleEstablished && !isPlatformRole(report)) {
      problems.push(`${at} signed by ${report.signer.description}, not by the platform`);
    }
    if (
      isPlatformRole(report) &&
      report.claimedSigningTime &&
      options.validationTime &&
      report.claimedSigningTime > options.validationTime
    ) {
      problems.push(`${at} the platform's signing time ${report.claimedSigningTime.toISOString()} is in the future`);
    }
  }
  return {
    signatures: reports.map(({ leaf: _leaf, ...report }) => report),
    problems: [...new Set(problems)],
    valid: problems.length === 0,
  };
}

/**
 * The signer of each signature by certificate and role, and its chain at the time that counts
 * (decision 28): the platform's own /M for the platform (it is trusted for its own clock, like a
 * receipt's receivedAt); for anyone else the earliest trusted proof that the signature existed —
 * a later platform signature over it, the file's anchor time — or else the validation time.
 */
function identifySigners(reports: (PdfSignatureReport & { leaf: Cryptography["leaf"] })[], options: VerifyPdfOptions): void {
  const roots = (options.trustedRoots ?? []).map(toCertificate);
  const judge = roots.length > 0 && options.validationTime !== undefined;
  const chainAt = (leaf: NonNullable<Cryptography["leaf"]>, at: Date) =>
    verifyCertificateChain(toCertificate(leaf.der), leaf.others.map(toCertificate), roots, at);
  const summary = (leaf: NonNullable<Cryptography["leaf"]>, identity: SignerIdentity): SignerSummary => {
    const x509 = toCertificate(leaf.der);
    return {
      ...identity,
      subject: x509.subject.replace(/\n/g, ", "),
      issuer: x509.issuer.replace(/\n/g, ", "),
      serialNumber: x509.serialNumber,
      certificateDer: leaf.der,
      description: describeSigner(identity),
    };
  };
  // The platform's signatures first: their times are proofs of existence for what they cover.
  const platformFirst = [...reports].sort((a, b) => Number(isPlatformCandidate(b, options)) - Number(isPlatformCandidate(a, options)));
  for (const report of platformFirst) {
    const leaf = report.leaf;
    if (!leaf) continue;
    const candidate = isPlatformCandidate(report, options);
    let at: Date | undefined = options.validationTime;
    let source: SigningTimeSource | null = judge ? "verification time" : null;
    if (candidate && report.claimedSigningTime) {
      at = report.claimedSigningTime;
      source = "the platform's own signing time";
    } else {
      const later = reports.find(
        (r) =>
          r.signedRevisionLength > report.signedRevisionLength &&
          r.signer &&
          isPlatformRole(r) &&
          r.signer.roleEstablished &&
          r.claimedSigningTime,
      );
      const proofs = [
        later ? { at: later.claimedSigningTime!, source: "a later platform signature" } : null,
        options.existedAt ? { at: options.existedAt.at, source: options.existedAt.source } : null,
      ].filter((p): p is { at: Date; source: string } => p !== null && (at === undefined || p.at < at));
      const earliest = proofs.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
      if (earliest) [at, source] = [earliest.at, earliest.source];
    }
    report.chain = judge && at ? chainAt(leaf, at) : null;
    report.checkedAt = judge && at ? at : null;
    report.checkedAtSource = judge ? source : null;
    const identity = identifySigner(leaf.der, {
      chainTrusted: report.chain?.trusted ?? null,
      platformCertificates: options.platformCertificates,
    });
    report.signer = summary(leaf, identity);
  }
}

/** Whether the certificate could be the platform's (pinned, or with the platform's purpose). */
function isPlatformCandidate(report: PdfSignatureReport & { leaf: Cryptography["leaf"] }, options: VerifyPdfOptions): boolean {
  if (!report.leaf) return false;
  const identity = identifySigner(report.leaf.der, { chainTrusted: true, platformCertificates: options.platformCertificates });
  return (identity.role === "platform" || identity.role === "platform-legacy") && identity.problem === null;
}
