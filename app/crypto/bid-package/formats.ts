import { z } from "zod";

/**
 * The plaintext bid package (ARCHITECTURE.md §4): a ZIP with `bid.json`, `documents/…`,
 * `manifest.json` and `manifest.jws`. These schemas are the contract between the browser, the
 * offline tool and the opening; they never change meaning once shipped (a new format gets a new
 * `format` string).
 */
export const BID_FORMAT = "bidhall.bid/1";
export const MANIFEST_FORMAT = "bidhall.manifest/1";
export const MANIFEST_JWS_TYPE = "bidhall-manifest+jws";

export const BID_JSON = "bid.json";
export const MANIFEST_JSON = "manifest.json";
export const MANIFEST_JWS = "manifest.jws";
export const DOCUMENTS_DIR = "documents/";

const uscc = z.string().regex(/^[0-9A-HJ-NP-RTUWXY]{18}$/);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const BidJson = z.object({
  format: z.literal(BID_FORMAT),
  sectionId: z.string().min(1),
  bidder: z.object({ uscc, name: z.string().min(1) }),
  /** Valid against the section's opening form (checked with ajv by the caller). */
  fields: z.record(z.string(), z.unknown()),
  security: z.object({ kind: z.enum(["guarantee", "credit-commitment"]), reference: z.string().min(1).max(200) }),
});
export type BidJson = z.infer<typeof BidJson>;

export const ManifestEntry = z.object({ path: z.string(), sha256: hex64, size: z.number().int().nonnegative() });
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  sectionId: z.string().min(1),
  bidderUscc: uscc,
  /** 32 random bytes, base64url: two identical bids never have identical packages. */
  salt: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  sealedAt: z.string().datetime({ offset: true }),
  tool: z.object({ name: z.string().min(1), version: z.string().min(1) }),
  device: z.object({ fingerprint: hex64 }),
  entries: z.array(ManifestEntry).min(1),
});
export type Manifest = z.infer<typeof Manifest>;

export type PathProblem = "empty" | "absolute" | "dotSegment" | "backslash" | "notNfc" | "control" | "tooLong";

/**
 * A document path inside the package: relative, `/`-separated, UTF-8 NFC, no `.` or `..`
 * segments, no control characters (ARCHITECTURE.md §4). Returns the problem, or null.
 */
export function documentPathProblem(path: string): PathProblem | null {
  if (path.length === 0) return "empty";
  if (path.length > 512) return "tooLong";
  if (path.startsWith("/")) return "absolute";
  if (path.includes("\\")) return "backslash";
  if (/[\u0000-\u001f\u007f]/.test(path)) return "control";
  if (path.normalize("NFC") !== path) return "notNfc";
  if (path.split("/").some((s) => s === "" || s === "." || s === "..")) return "dotSegment";
  return null;
}
