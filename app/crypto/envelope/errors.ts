/**
 * The one error type of the envelope format. Every refusal of the parser, the openers and the
 * sealers is an `EnvelopeError` with a `code` a caller can branch on (the upload check maps them
 * onto user messages; the opening records them as the decryption result).
 */
export const ENVELOPE_ERROR_CODES = [
  /** Not a DER/BER ContentInfo at all (RFC 5652 §3): wrong outer tag, PEM text, empty input. */
  "NOT_CMS",
  /** A ContentInfo, but not id-ct-authEnvelopedData (RFC 5083 §1), or an inner type other than id-data. */
  "WRONG_CONTENT_TYPE",
  /** An algorithm (or parameter) bidhall does not accept; `oid` names it. */
  "UNSUPPORTED_ALGORITHM",
  /** None of the recipient infos names the given certificate (issuer + serial, or key identifier). */
  "NO_RECIPIENT_FOR_CERTIFICATE",
  /** The input ends before the structure does. */
  "TRUNCATED",
  /** The GCM tag (RFC 5084 §3) or the RSA-OAEP key unwrap did not verify: altered or wrong key. */
  "AUTHENTICATION_FAILED",
  /** Anything else structurally wrong; `detail` says what. */
  "MALFORMED",
] as const;

export type EnvelopeErrorCode = (typeof ENVELOPE_ERROR_CODES)[number];

export interface EnvelopeErrorOptions {
  /** Dotted OID of the offending algorithm or content type, when there is one. */
  oid?: string;
  /** Absolute byte offset in the envelope where the problem was found, when known. */
  offset?: number;
  cause?: unknown;
}

export class EnvelopeError extends Error {
  override name = "EnvelopeError";
  readonly oid: string | undefined;
  readonly offset: number | undefined;

  constructor(
    readonly code: EnvelopeErrorCode,
    readonly detail: string,
    options: EnvelopeErrorOptions = {},
  ) {
    const where = options.offset === undefined ? "" : ` (at byte ${options.offset})`;
    super(`${code}: ${detail}${where}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.oid = options.oid;
    this.offset = options.offset;
  }
}

export function isEnvelopeError(e: unknown, code?: EnvelopeErrorCode): e is EnvelopeError {
  return e instanceof EnvelopeError && (code === undefined || e.code === code);
}
