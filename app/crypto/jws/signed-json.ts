import { x5cToPem } from "#app/crypto/pki/der.ts";
import { CompactSign, compactVerify, decodeProtectedHeader, importX509 } from "jose";
import { z } from "zod";

/**
 * Signed JSON documents (ARCHITECTURE.md §4): compact JWS, RS256, header { alg, typ, x5c: [leaf,
 * issuing CA] }. The receipt is signed by the platform at once on upload (办法 27); the
 * confirmation by a bidder's member at the opening. This module signs and checks the signature
 * against the leaf; the chain to the platform root is checked with node:crypto by the server and
 * by `bidhall verify`.
 */
export const RECEIPT_TYPE = "bidhall-receipt+jws";
export const CONFIRMATION_TYPE = "bidhall-confirmation+jws";
/** A recipient's signed acknowledgement of an award or result notice (decision 67). */
export const ACKNOWLEDGEMENT_TYPE = "bidhall-acknowledgement+jws";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const Receipt = z.object({
  format: z.literal("bidhall.receipt/1"),
  receiptNo: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "a ULID"),
  sectionId: z.string().min(1),
  bidderUscc: z.string().regex(/^[0-9A-HJ-NP-RTUWXY]{18}$/),
  version: z.number().int().positive(),
  envelopeSha256: hex64,
  packageDigest: hex64,
  size: z.number().int().nonnegative(),
  receivedAt: z.string().datetime({ offset: true }),
});
export type Receipt = z.infer<typeof Receipt>;

export const Confirmation = z.object({
  format: z.literal("bidhall.confirmation/1"),
  openingId: z.string().min(1),
  recordSha256: hex64,
  decision: z.enum(["confirm", "object"]),
  signedAt: z.string().datetime({ offset: true }),
});
export type Confirmation = z.infer<typeof Confirmation>;

export const Acknowledgement = z.object({
  format: z.literal("bidhall.acknowledgement/1"),
  noticeId: z.string().min(1),
  noticeNumber: z.string().min(1).max(80),
  noticeSha256: hex64,
  signedAt: z.string().datetime({ offset: true }),
});
export type Acknowledgement = z.infer<typeof Acknowledgement>;

const KINDS = { [RECEIPT_TYPE]: Receipt, [CONFIRMATION_TYPE]: Confirmation, [ACKNOWLEDGEMENT_TYPE]: Acknowledgement } as const;
export type SignedJsonType = keyof typeof KINDS;

export class SignedJsonError extends Error {
  override name = "SignedJsonError";
  constructor(
    readonly code: "NOT_JWS" | "UNKNOWN_TYPE" | "BAD_HEADER" | "BAD_SIGNATURE" | "BAD_PAYLOAD",
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

const encoder = new TextEncoder();

export async function signJson<T extends SignedJsonType>(
  typ: T,
  payload: z.infer<(typeof KINDS)[T]>,
  signer: { key: Parameters<CompactSign["sign"]>[0]; x5c: string[] },
): Promise<string> {
  const parsed = KINDS[typ].parse(payload);
  return new CompactSign(encoder.encode(JSON.stringify(parsed)))
    .setProtectedHeader({ alg: "RS256", typ, x5c: signer.x5c })
    .sign(signer.key);
}

export interface VerifiedJson {
  typ: SignedJsonType;
  payload: Receipt | Confirmation | Acknowledgement;
  /** Base64 DER, leaf first. */
  x5c: string[];
}

/** Checks the header, the RS256 signature against the leaf of x5c, and the payload's schema. */
export async function verifySignedJson(jws: string): Promise<VerifiedJson> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws.trim());
  } catch {
    throw new SignedJsonError("NOT_JWS", "not a compact JWS");
  }
  const typ = header.typ as SignedJsonType;
  if (!(typ in KINDS)) throw new SignedJsonError("UNKNOWN_TYPE", `typ ${String(header.typ)}`);
  if (header.alg !== "RS256" || !Array.isArray(header.x5c) || header.x5c.length === 0)
    throw new SignedJsonError("BAD_HEADER", "needs alg RS256 and an x5c chain");
  const x5c = header.x5c as string[];
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws.trim(), await importX509(x5cToPem(x5c[0]!), "RS256"), { algorithms: ["RS256"] }));
  } catch (e) {
    throw new SignedJsonError("BAD_SIGNATURE", e instanceof Error ? e.message : String(e));
  }
  const parsed = KINDS[typ].safeParse(JSON.parse(new TextDecoder().decode(payload)));
  if (!parsed.success)
    throw new SignedJsonError("BAD_PAYLOAD", parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "));
  return { typ, payload: parsed.data, x5c };
}
