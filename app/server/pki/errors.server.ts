/** Errors the PKI adapters throw on purpose; `code` is stable for routes and the CLI to map. */
export type PkiErrorCode =
  | "CSR_MALFORMED"
  | "CSR_BAD_SIGNATURE"
  | "CSR_UNSUPPORTED_KEY"
  | "CSR_KEY_TOO_SHORT"
  | "INVALID_SUBJECT"
  | "INVALID_URL"
  | "INVALID_SERIAL"
  | "INVALID_VALIDITY"
  | "ISSUER_NOT_VALID"
  | "ISSUER_KEY_MISMATCH"
  | "INVALID_CRL"
  | "WRONG_PASSPHRASE"
  | "INVALID_KEY";

export class PkiError extends Error {
  override readonly name = "PkiError";
  constructor(
    readonly code: PkiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
