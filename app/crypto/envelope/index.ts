/**
 * The bid envelope: CMS AuthEnvelopedData (RFC 5083) with AES-256-GCM (RFC 5084) and
 * RSAES-OAEP/SHA-256 key transport (RFC 4055), DER in a ContentInfo. Shared by the browser,
 * the server and the CLI; the streaming Node side is app/server/envelope.
 */
export { EnvelopeError, ENVELOPE_ERROR_CODES, isEnvelopeError } from "./errors.ts";
export type { EnvelopeErrorCode, EnvelopeErrorOptions } from "./errors.ts";
export { OID, describeOid } from "./oids.ts";
export {
  CONTENT_KEY_LENGTH,
  GCM_ICV_LENGTH,
  GCM_NONCE_LENGTH,
  MAX_HEADER_BYTES,
  buildEnvelopeHeader,
  buildEnvelopeTrailer,
  envelopeLength,
} from "./header.ts";
export type {
  BuildHeaderOptions,
  EnvelopeHeader,
  EnvelopeTrailer,
  HeaderRecipient,
  KeyTransRecipient,
  OtherRecipient,
  RecipientIdentifier,
  RecipientInfo,
} from "./header.ts";
export { EnvelopeStreamParser, parseEnvelope, parseEnvelopeHeader } from "./parser.ts";
export type { ParsedEnvelope, ParserPhase } from "./parser.ts";
export { certificateToDer, formatName, formatSerialNumber, parseCertificate, requireRsaKey } from "./certificate.ts";
export type { CertificateFields } from "./certificate.ts";
export { findRecipient, recipientMatches, summarizeRecipient } from "./recipients.ts";
export type { RecipientSummary } from "./recipients.ts";
export { openWithContentKey, sealWithWebCrypto, unwrapContentKeyWithWebCrypto } from "./webcrypto.ts";
export type { WebCryptoRecipient } from "./webcrypto.ts";
