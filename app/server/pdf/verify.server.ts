import { createHash, verify } from "node:crypto";
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from "pdf-lib";
import type { PDFObject } from "pdf-lib";
import { byteRangeProblems, readContents, scanByteRanges, signedBytes } from "./sign/byte-range.server.ts";
import type { ByteRange } from "./sign/byte-range.server.ts";
import { OID, issuerAndSerialNumberOf, parseSignedData } from "./sign/cms.server.ts";
import type { ParsedAttribute, ParsedSignerInfo } from "./sign/cms.server.ts";
import { toCertificate, verifyCertificateChain } from "./verify-chain.server.ts";
import type { ChainResult } from "./verify-chain.server.ts";

export { verifyCertificateChain } from "./verify-chain.server.ts";
export type { ChainResult } from "./verify-chain.server.ts";
import { bytesEqual, childrenOf, decodeObjectIdentifier, expectTag } from "./sign/der.server.ts";

/**
 * Checks every signature of a PDF the way a relying party would, without trusting anything the
 * file says about itself: integrity (RFC 5652 §5.4 message digest over the ByteRange bytes, the
 * signature over the signed attributes), coverage (does the newest signature reach the end of the
 * file), the signer, the chain to a given root, and the PAdES baseline B-B profile
 * (ETSI EN 319 142-1 §6.3). Used by tests and by `bidhall verify`.
 */

export interface VerifyPdfOptions {
  /** Trust anchors, PEM or DER. Without any, chains are not judged (`chain` is null). */
  trustedRoots?: readonly (string | Uint8Array)[];
  /** The time certificates must be valid at; required with trustedRoots (no clock read here). */
  validationTime?: Date;
}

export interface SignerSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  certificateDer: Uint8Array;
}

export interface PdfSignatureReport {
  fieldName: string;
  subFilter: string | null;
  signerName: string | null;
  reason: string | null;
  location: string | null;
  /** /M, the claimed signing time (not a trusted time: B-B has no time-stamp). */
  claimedSigningTime: Date | null;
  byteRange: ByteRange;
  /** Length of the revision this signature covers: nothing follows it if it equals the file. */
  signedRevisionLength: number;
  coversWholeDocument: boolean;
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
// Signature fields

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
function signatureFields(doc: PDFDocument): SignatureField[] {
  const acroForm = doc.catalog.lookupMaybe(PDFName.of("AcroForm"), PDFDict);
  const out: SignatureField[] = [];
  const walk = (fields: PDFArray | undefined, prefix: string, inheritedFt: string | null, depth: number) => {
    if (!fields || depth > 32) return;
    for (let i = 0; i < fields.size(); i++) {
      const field = fields.lookupMaybe(i, PDFDict);
      if (!field) continue;
      const partial = text(field.get(PDFName.of("T")));
      const name = partial === null ? prefix : prefix ? `${prefix}.${partial}` : partial;
      const ft = field.lookupMaybe(PDFName.of("FT"), PDFName)?.asString() ?? inheritedFt;
      const value = field.lookupMaybe(PDFName.of("V"), PDFDict);
      if (ft === "/Sig" && value) out.push({ fieldName: name, dict: value });
      walk(field.lookupMaybe(PDFName.of("Kids"), PDFArray), name, ft, depth + 1);
    }
  };
  walk(acroForm?.lookupMaybe(PDFName.of("Fields"), PDFArray), "", null, 0);
  return out;
}

function byteRangeOf(dict: PDFDict): ByteRange | null {
  const array = dict.lookupMaybe(PDFName.of("ByteRange"), PDFArray);
  if (!array || array.size() !== 4) return null;
  const numbers = array.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN));
  return numbers.every(Number.isSafeInteger) ? (numbers as unknown as ByteRange) : null;
}

// ---------------------------------------------------------------------------------------------
// One signature

const HASHES: Record<string, string> = {
  [OID.sha256]: "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

function attribute(info: ParsedSignerInfo, oid: string): ParsedAttribute | undefined {
  return info.signedAttributes.find((a) => a.oid === oid);
}

/** certHash of the first ESSCertIDv2 in signing-certificate-v2 and its hash name (RFC 5035). */
function essCertHash(attr: ParsedAttribute): {
  hash: string | undefined;
  certHash: Uint8Array;
} {
  const signingCertificate = expectTag(attr.values[0], 0x30, "SigningCertificateV2");
  const certs = expectTag(childrenOf(signingCertificate)[0], 0x30, "certs");
  const first = childrenOf(expectTag(childrenOf(certs)[0], 0x30, "ESSCertIDv2"));
  const hasAlgorithm = first[0]?.tag === 0x30;
  const hash = hasAlgorithm ? HASHES[decodeObjectIdentifier(childrenOf(first[0]!)[0]!)] : "sha256"; // DEFAULT id-sha256
  const certHash = expectTag(first[hasAlgorithm ? 1 : 0], 0x04, "certHash").value;
  return { hash, certHash };
}

function checkSignature(
  pdf: Uint8Array,
  field: SignatureField,
  byteRange: ByteRange,
  options: VerifyPdfOptions,
): Pick<PdfSignatureReport, "integrity" | "signer" | "chain" | "pades"> {
  const integrity: string[] = [];
  const pades: string[] = [];
  const subFilter = field.dict.lookupMaybe(PDFName.of("SubFilter"), PDFName)?.decodeText() ?? null;
  if (subFilter !== "ETSI.CAdES.detached") pades.push(`SubFilter is ${subFilter ?? "missing"}, not ETSI.CAdES.detached`);

  const rangeProblems = byteRangeProblems(pdf, byteRange);
  if (rangeProblems.length > 0) {
    return {
      integrity: { valid: false, problems: rangeProblems },
      signer: null,
      chain: null,
      pades: { baselineB: false, problems: pades },
    };
  }
  const contents = readContents(pdf, byteRange);
  const contentsEntry = field.dict.lookup(PDFName.of("Contents"));
  const declared = contentsEntry instanceof PDFHexString || contentsEntry instanceof PDFString ? contentsEntry.asBytes() : undefined;
  if (!declared || !bytesEqual(declared, contents)) {
    integrity.push("the ByteRange gap is not this signature's /Contents");
  }

  let signer: SignerSummary | null = null;
  let chain: ChainResult | null = null;
  try {
    const signedData = parseSignedData(contents);
    const [info, ...more] = signedData.signerInfos;
    if (!info || more.length > 0) throw new Error(`expected one SignerInfo, found ${signedData.signerInfos.length}`);
    if (signedData.hasEncapsulatedContent) integrity.push("SignedData is not detached");
    const certificates = signedData.certificatesDer.map((der) => ({
      der,
      x509: toCertificate(der),
    }));
    const sid = info.issuerAndSerialNumber;
    const leaf = sid
      ? certificates.find(({ der }) => {
          const { issuerDer, serialNumberDer } = issuerAndSerialNumberOf(der);
          return bytesEqual(serialNumberDer, sid.serialNumberDer) && bytesEqual(issuerDer, sid.issuerDer);
        })
      : undefined;
    if (!leaf) throw new Error("the signer's certificate is not in the SignedData");
    signer = {
      subject: leaf.x509.subject,
      issuer: leaf.x509.issuer,
      serialNumber: leaf.x509.serialNumber,
      certificateDer: leaf.der,
    };

    const hash = HASHES[info.digestAlgorithm];
    if (!hash) throw new Error(`unsupported digest algorithm ${info.digestAlgorithm}`);
    if (!info.signedAttributesDer) throw new Error("no signed attributes");
    const digest = attribute(info, OID.messageDigest)?.values[0];
    const actual = new Uint8Array(createHash(hash).update(signedBytes(pdf, byteRange)).digest());
    if (!digest || digest.tag !== 0x04 || !bytesEqual(digest.value, actual)) {
      integrity.push("message digest does not match the signed bytes (the document was changed)");
    }
    if (!verify(hash, info.signedAttributesDer, leaf.x509.publicKey, info.signature)) {
      integrity.push("the signature over the signed attributes is invalid");
    }

    const contentType = attribute(info, OID.contentType)?.values[0];
    if (!contentType || decodeObjectIdentifier(contentType) !== OID.data) {
      integrity.push("content-type attribute missing or not id-data");
    }
    const essV2 = attribute(info, OID.signingCertificateV2);
    if (essV2) {
      const { hash: essHash, certHash } = essCertHash(essV2);
      const expected = essHash ? new Uint8Array(createHash(essHash).update(leaf.der).digest()) : null;
      if (!expected || !bytesEqual(expected, certHash)) {
        integrity.push("signing-certificate-v2 does not match the signer's certificate");
      }
    } else {
      pades.push("no signing-certificate-v2 attribute");
    }
    if (attribute(info, OID.signingTime)) pades.push("signing-time attribute present (PAdES uses /M)");

    if (options.trustedRoots && options.trustedRoots.length > 0 && options.validationTime) {
      chain = verifyCertificateChain(
        leaf.x509,
        certificates.filter((c) => c !== leaf).map((c) => c.x509),
        options.trustedRoots.map(toCertificate),
        options.validationTime,
      );
    }
  } catch (error) {
    integrity.push(error instanceof Error ? error.message : String(error));
  }
  return {
    integrity: { valid: integrity.length === 0, problems: integrity },
    signer,
    chain,
    pades: {
      baselineB: pades.length === 0 && integrity.length === 0,
      problems: pades,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The document

export async function verifyPdf(pdf: Uint8Array, options: VerifyPdfOptions = {}): Promise<PdfVerification> {
  if (options.trustedRoots?.length && !options.validationTime) {
    throw new TypeError("verifyPdf: validationTime is required with trustedRoots");
  }
  const doc = await PDFDocument.load(pdf, {
    updateMetadata: false,
    ignoreEncryption: true,
  });
  const reports: PdfSignatureReport[] = [];
  const problems: string[] = [];
  for (const field of signatureFields(doc)) {
    const byteRange = byteRangeOf(field.dict);
    if (!byteRange) {
      problems.push(`${field.fieldName}: no usable /ByteRange (unsigned field?)`);
      continue;
    }
    const signedRevisionLength = byteRange[2] + byteRange[3];
    reports.push({
      fieldName: field.fieldName,
      subFilter: field.dict.lookupMaybe(PDFName.of("SubFilter"), PDFName)?.decodeText() ?? null,
      signerName: text(field.dict.get(PDFName.of("Name"))),
      reason: text(field.dict.get(PDFName.of("Reason"))),
      location: text(field.dict.get(PDFName.of("Location"))),
      claimedSigningTime: date(field.dict.get(PDFName.of("M"))),
      byteRange,
      signedRevisionLength,
      coversWholeDocument: byteRange[0] === 0 && signedRevisionLength === pdf.length,
      ...checkSignature(pdf, field, byteRange, options),
    });
  }
  reports.sort((a, b) => a.signedRevisionLength - b.signedRevisionLength);

  if (reports.length === 0) problems.push("the document has no signatures");
  const scanned = scanByteRanges(pdf).length;
  if (scanned !== reports.length) {
    problems.push(`${scanned} /ByteRange entries in the file but ${reports.length} signature fields`);
  }
  const newest = reports[reports.length - 1];
  if (newest && !newest.coversWholeDocument) {
    problems.push(`${newest.fieldName}: bytes were appended after the newest signature`);
  }
  for (const report of reports) {
    for (const problem of report.integrity.problems) problems.push(`${report.fieldName}: ${problem}`);
    for (const problem of report.chain?.problems ?? []) problems.push(`${report.fieldName}: ${problem}`);
  }
  return { signatures: reports, problems, valid: problems.length === 0 };
}
