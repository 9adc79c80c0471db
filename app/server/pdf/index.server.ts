/**
 * The PDF module: formal Chinese documents (render/), PAdES B-B signatures (sign/) and their
 * verification. Opening records, notices, contracts and payment forms import from here.
 */
export { buildDocument, renderDocument } from "./render/document.server.ts";
export type { BuiltDocument } from "./render/document.server.ts";
export type { Align, Block, DocumentSpec, TableColumn } from "./render/layout.server.ts";
export { buildSampleRecord, renderSampleRecord, sampleRecordSpec } from "./render/sample-record.server.ts";
export { embedPdfSignature, preparePdfSignature, signPdf } from "./sign/sign-pdf.server.ts";
export type { PreparePdfSignatureOptions, PreparedPdfSignature } from "./sign/sign-pdf.server.ts";
export type { SignaturePlaceholderOptions } from "./sign/placeholder.server.ts";
export { platformSigner } from "./sign/signer.server.ts";
export type { Signer } from "./sign/signer.server.ts";
export { verifyCertificateChain, verifyPdf } from "./verify.server.ts";
export type { PdfSignatureReport, PdfVerification, VerifyPdfOptions } from "./verify.server.ts";
