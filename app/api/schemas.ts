import { z } from "zod";
import { Receipt } from "#app/crypto/jws/signed-json.ts";
import { OpeningForm } from "#app/domain/tendering/opening-form.ts";

/**
 * The contract of bidhall's HTTP API (`/api/…`, decision 50): the request schemas the routes parse
 * and the response schemas their bodies are typed against. The OpenAPI document
 * (app/api/openapi.ts, served at /api/openapi.json, committed as docs/openapi.json) is generated
 * from these same schemas, so it cannot say something the routes do not do. Pure zod: routes,
 * the upload server and the generator import it; nothing server-only.
 */

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const isoTime = z.string().datetime({ offset: true });

/** Every refusal of every `/api` route, tus included: an AppError code and its message in the request's language. */
export const ApiError = z.object({
  error: z.object({
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .describe("The AppError code, e.g. UNAUTHENTICATED, BID_AFTER_DEADLINE"),
    message: z.string().describe("zh-CN, or English when Accept-Language starts with `en`"),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

export const SectionParams = z.object({ sectionId: z.string().uuid() });

// --- sealing kit --------------------------------------------------------------------------------

/** The `securityKind` values of the tus metadata (and bid.json `security.kind`). */
export const SecurityKind = z.enum(["guarantee", "credit-commitment"]);
export type SecurityKind = z.infer<typeof SecurityKind>;

export const SealingKit = z.object({
  section: z.object({ id: z.string().uuid(), code: z.string(), name: z.string(), deadlineAt: isoTime }),
  bidder: z.object({ uscc: z.string(), name: z.string() }),
  schema: z.record(z.string(), z.unknown()).describe("JSON Schema (draft 2020-12) that bid.json `fields` must satisfy"),
  form: OpeningForm.describe("The field list the schema was compiled from"),
  security: z.object({
    amountFen: z.string().regex(/^\d+$/).describe("The bid security asked for, in fen (decimal string)"),
    forms: z.array(z.enum(["guarantee", "creditCommitment"])).describe("The section's accepted forms that a bid can be submitted with"),
    kinds: z
      .array(SecurityKind)
      .describe(
        "What this bidder may declare now as `securityKind` (tus metadata) and bid.json `security.kind`; the upload refuses anything else",
      ),
    creditCommitmentAllowed: z.boolean(),
  }),
  guarantees: z
    .array(
      z.object({
        id: z.string().uuid(),
        ledgerId: z.string().regex(/^0x[0-9a-f]{64}$/),
        guarantorName: z.string(),
        amountFen: z.string().regex(/^\d+$/),
        validUntil: isoTime,
      }),
    )
    .describe(
      "Your electronic guarantees issued on the platform for this section and not yet bound: declare one with its `ledgerId` as bid.json `security.reference` and `securityReference`",
    ),
  recipients: z
    .array(z.object({ serialHex: z.string(), subjectName: z.string(), certificatePem: z.string(), notAfter: isoTime }))
    .describe("Seal for every one of these certificates, no other"),
  issuingCaPem: z.string().describe("The issuing CA: the second x5c entry of manifest.jws"),
});
export type SealingKit = z.infer<typeof SealingKit>;

// --- uploads (tus) ------------------------------------------------------------------------------

/** The tus `Upload-Metadata` keys of a bid upload (values base64 in the header, as tus says). */
export const UploadMetadata = z.object({
  sectionId: z.string().uuid(),
  packageDigest: hex64.describe("SHA-256 (hex) of the plaintext package ZIP"),
  securityKind: SecurityKind.optional().describe(
    "Optional with securityReference: the bid security declared beside the envelope (decision 16)",
  ),
  securityReference: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((s) => !s.includes("\0"))
    .optional(),
});

export const UploadReceipt = z.object({
  receipt: Receipt,
  receiptJws: z.string().describe("Compact JWS, RS256, typ bidhall-receipt+jws, x5c [platform leaf, issuing CA]; payload = receipt"),
});

// --- certificates and login ---------------------------------------------------------------------

export const EnrolRequest = z.object({ csr: z.string().min(100).max(20_000).describe("PKCS#10 CSR, PEM") });
export const EnrolResponse = z.object({
  serialHex: z.string(),
  certificatePem: z.string(),
  chainPem: z.array(z.string()).describe("The issuing CA, then the root"),
  notAfter: isoTime,
  fingerprint256: z.string(),
  personName: z.string(),
  organisationName: z.string(),
});

export const ChallengeRequest = z.object({});
export const ChallengeResponse = z.object({
  id: z.string().uuid(),
  challenge: z
    .string()
    .describe(
      "base64 of 16–256 random bytes. Sign `bidhall/key-possession/v1` (ASCII), one zero byte, then these bytes, with RSASSA-PKCS1-v1_5 SHA-256",
    ),
  expiresAt: isoTime,
});

export const CertificateLoginRequest = z.object({
  challengeId: z.string().uuid(),
  serial: z.string().regex(/^[0-9a-fA-F]{2,42}$/),
  signature: z.string().base64().max(2048),
  redirectTo: z.string().max(4096).optional(),
});
export const CertificateLoginResponse = z.object({ redirectTo: z.string() });

// --- the opening --------------------------------------------------------------------------------

export const SignInRequest = z.object({
  challengeId: z.string().uuid(),
  serial: z.string().regex(/^[0-9a-fA-F]{1,64}$/),
  signature: z
    .string()
    .min(1)
    .max(4096)
    .describe("base64 RSASSA-PKCS1-v1_5 SHA-256 signature of the key-possession message (see the challenge)"),
});
export const SignInResponse = z.object({ signedInAt: isoTime });

export const RecipientInfoRequest = z.object({ serial: z.string().regex(/^[0-9a-fA-F]{1,64}$/) });
export const RecipientInfoResponse = z.object({
  encryptedKey: z.string().describe("base64 RSAES-OAEP SHA-256 wrapped content key of the caller's own envelope"),
  keyEncryptionAlgorithm: z.literal("RSAES-OAEP-SHA256"),
});

const AttemptFailure = z.enum([
  "WRONG_KEY",
  "PACKAGE_DIGEST_MISMATCH",
  "MANIFEST_SIGNATURE_INVALID",
  "BID_FORM_INVALID",
  "ENVELOPE_HASH_MISMATCH",
]);

export const DecryptRequest = z.object({
  contentKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/)
    .describe("The unwrapped AES-256 content key, base64 (never the private key)"),
});
export const DecryptResult = z.union([
  z.object({ decrypted: z.literal(true) }),
  z.object({ decrypted: z.literal(false), failure: AttemptFailure, detail: z.string() }),
]);

export const ConfirmRequest = z.object({
  confirmationJws: z.string().min(20).max(32_000).describe("Compact JWS, typ bidhall-confirmation+jws, signed by the bidder's member"),
});
export const ConfirmResponse = z.object({ decision: z.enum(["confirm", "object"]), signedAt: isoTime });

// --- signing a platform PDF with a person's certificate (decision 55) -----------------------------

export const SigningPrepareRequest = z.object({
  kind: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .describe("What is signed: guarantee-letter, award-notice, complaint-decision, …"),
  subjectId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/)
    .describe("The document's id within its kind (a guarantee, a notice, a decision)"),
  certificateSerial: z
    .string()
    .regex(/^[0-9A-Fa-f:]{1,64}$/)
    .describe("Serial (hex) of the signer's own certificate, held in this browser"),
});
export const SigningPrepareResponse = z.object({
  requestId: z.string().uuid(),
  signedAttributesDer: z.string().describe("Base64 DER of the CMS signed attributes: sign these bytes with RSASSA-PKCS1-v1_5 / SHA-256"),
  documentSha256: hex64.describe("SHA-256 of the prepared PDF served at /api/signing/{requestId}/document"),
  title: z.string().describe("What is signed, zh-CN"),
  expiresAt: isoTime,
});
export const SigningRequestParams = z.object({ requestId: z.string().uuid() });
export const SigningCompleteRequest = z.object({
  signature: z
    .string()
    .regex(/^[A-Za-z0-9+/]{340,684}={0,2}$/)
    .describe("Base64 RSASSA-PKCS1-v1_5 / SHA-256 signature over the signed attributes"),
});
export const SigningCompleteResponse = z.object({ sha256: hex64.describe("SHA-256 of the signed PDF") });

// --- public ---------------------------------------------------------------------------------------

export const AnchorParams = z.object({ sha256: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/) });
export const AnchorFound = z.object({
  status: z.literal("anchored"),
  sha256: z.string(),
  root: z.string(),
  proof: z.array(z.string()),
  documentCount: z.number().int(),
  txHash: z.string(),
  blockNumber: z.number().int(),
  blockTime: z.string(),
  chainId: z.string().nullable(),
  contract: z.string().nullable(),
});
export const AnchorNotYet = z.object({
  status: z.literal("not anchored (yet)"),
  sha256: z.string(),
  queued: z.boolean(),
  queuedAt: z.string().optional(),
  batched: z.boolean().optional(),
});

export const DocumentVerification = z.object({
  kind: z.enum(["pdf", "jws"]),
  sha256: z.string(),
  valid: z.boolean(),
  signers: z.array(z.object({ label: z.string(), description: z.string(), role: z.string(), roleEstablished: z.boolean() })),
  permittedChanges: z.array(z.string()),
  problems: z.array(z.string()),
  anchoredAt: z.string().nullable(),
});

/** Types a route's answer against its schema at compile time (the runtime check is the test of the document). */
export function body<S extends z.ZodType>(_schema: S, value: z.input<S>): z.input<S> {
  return value;
}
