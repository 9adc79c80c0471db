import { X509Certificate, constants, verify } from "node:crypto";
import { PDFDocument } from "pdf-lib";
import { embedSignatureHex, fillByteRange, findByteRangePlaceholder, findPendingSignature, signedBytes } from "./byte-range.server.ts";
import type { ByteRange } from "./byte-range.server.ts";
import { buildSignedAttributes, buildSignedData, sha256 } from "./cms.server.ts";
import { addSignaturePlaceholder, appendSignaturePlaceholder } from "./placeholder.server.ts";
import type { SignaturePlaceholderOptions } from "./placeholder.server.ts";
import type { Signer } from "./signer.server.ts";

/**
 * The signing flow, split so the key can live elsewhere (ARCHITECTURE.md §6):
 *
 *   preparePdfSignature(pdf, options)          server: placeholder, ByteRange, signed attributes
 *   signer.sign(signedAttributesDer)           platform key on the server, or the browser
 *   embedPdfSignature(prepared, signature, chain)  server: SignedData into /Contents
 *
 * Because the signed attributes carry no signing-time, they are a pure function of the prepared
 * bytes and the signer certificate: embedPdfSignature recomputes them instead of trusting a copy
 * that travelled through the browser.
 */

export interface PreparePdfSignatureOptions extends SignaturePlaceholderOptions {
  /** The certificate that will sign; signing-certificate-v2 binds it (RFC 5035). */
  signerCertificateDer: Uint8Array;
}

export interface PreparedPdfSignature {
  /** The PDF with the field, a final /ByteRange and an all-zero /Contents. */
  prepared: Uint8Array;
  /** The DER SET OF signed attributes: what the Signer signs. */
  signedAttributesDer: Uint8Array;
  byteRange: ByteRange;
  /** SHA-256 of the ByteRange bytes (the message-digest attribute). */
  documentDigest: Uint8Array;
}

export class PdfSigningError extends Error {
  override name = "PdfSigningError";
}

/**
 * A pdf-lib document gets its placeholder in place and is saved (the first signature of a freshly
 * drawn document). Bytes always get an incremental update, so they stay byte-identical under the
 * signature: earlier signatures survive, and a hash recorded before signing still matches the
 * signed revision.
 */
export async function preparePdfSignature(
  pdf: Uint8Array | PDFDocument,
  options: PreparePdfSignatureOptions,
): Promise<PreparedPdfSignature> {
  let withPlaceholder: Uint8Array;
  if (pdf instanceof PDFDocument) {
    addSignaturePlaceholder(pdf, options);
    withPlaceholder = await pdf.save({ useObjectStreams: false });
  } else {
    withPlaceholder = await appendSignaturePlaceholder(pdf, options);
  }
  const { pdf: prepared, byteRange } = fillByteRange(withPlaceholder, findByteRangePlaceholder(withPlaceholder));
  const documentDigest = sha256(signedBytes(prepared, byteRange));
  const signedAttributesDer = buildSignedAttributes({
    documentDigest,
    signerCertificateDer: options.signerCertificateDer,
  });
  return { prepared, signedAttributesDer, byteRange, documentDigest };
}

/** Wraps `signature` in a SignedData and writes it into the prepared signature's /Contents. */
export function embedPdfSignature(prepared: Uint8Array, signature: Uint8Array, certificateChainDer: readonly Uint8Array[]): Uint8Array {
  const [signerDer] = certificateChainDer;
  if (!signerDer) throw new PdfSigningError("the certificate chain is empty");
  const byteRange = findPendingSignature(prepared);
  const signedAttributesDer = buildSignedAttributes({
    documentDigest: sha256(signedBytes(prepared, byteRange)),
    signerCertificateDer: signerDer,
  });
  const publicKey = new X509Certificate(signerDer).publicKey;
  const valid = verify("sha256", signedAttributesDer, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  if (!valid) {
    throw new PdfSigningError("the signature does not verify with the signer certificate over these signed attributes");
  }
  const cms = buildSignedData({
    signedAttributesDer,
    signature,
    certificateChainDer,
  });
  return embedSignatureHex(prepared, byteRange, cms);
}

/** Prepare, sign and embed in one go, for signers that answer at once (the platform's key). */
export async function signPdf(pdf: Uint8Array | PDFDocument, signer: Signer, options: SignaturePlaceholderOptions): Promise<Uint8Array> {
  const [signerCertificateDer] = signer.certificateChainDer;
  if (!signerCertificateDer) throw new PdfSigningError("the signer has no certificate");
  const { prepared, signedAttributesDer } = await preparePdfSignature(pdf, {
    ...options,
    signerCertificateDer,
  });
  const signature = await signer.sign(signedAttributesDer);
  return embedPdfSignature(prepared, signature, signer.certificateChainDer);
}
