import { CompactSign } from "jose";
import { configure, ZipWriter } from "@zip.js/zip.js";
import {
  BID_JSON,
  DOCUMENTS_DIR,
  documentPathProblem,
  MANIFEST_FORMAT,
  MANIFEST_JSON,
  MANIFEST_JWS,
  MANIFEST_JWS_TYPE,
  type BidJson,
  type Manifest,
} from "./formats.ts";

/**
 * Builds a bid package as a stream (ZIP64 when needed, via zip.js), in the browser and in the
 * offline tool alike. The caller supplies each document's SHA-256 and size (the browser digests
 * the bytes it holds; the CLI hashes files in a first streaming pass) and a signer for the
 * manifest (a non-extractable WebCrypto key in the browser, a Node KeyObject in the CLI).
 */
configure({ useWebWorkers: false });

export interface PackageDocument {
  /** Relative to `documents/`. */
  path: string;
  size: number;
  sha256: string;
  open(): ReadableStream<Uint8Array>;
}

export interface ManifestSigner {
  /** Base64 DER certificates, leaf first, then the issuing CA (RFC 7515 §4.1.6). */
  x5c: string[];
  /** RS256 key: a CryptoKey (RSASSA-PKCS1-v1_5, SHA-256) or a Node KeyObject. */
  key: Parameters<CompactSign["sign"]>[0];
}

export interface BuildBidPackageInput {
  bid: BidJson;
  documents: readonly PackageDocument[];
  signer: ManifestSigner;
  sealedAt: Date;
  /** 32 random bytes. */
  salt: Uint8Array;
  tool: { name: string; version: string };
  deviceFingerprint: string;
  sha256: (bytes: Uint8Array) => Promise<string>;
}

export class BidPackageError extends Error {
  override name = "BidPackageError";
  constructor(
    readonly code: "BAD_PATH" | "DUPLICATE_PATH" | "BAD_SALT",
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

const ZIP64_LIMIT = 0xffff_fffe;
const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Writes the package to `output`; returns the manifest that was signed. */
export async function writeBidPackage(input: BuildBidPackageInput, output: WritableStream<Uint8Array>): Promise<{ manifest: Manifest }> {
  if (input.salt.length !== 32) throw new BidPackageError("BAD_SALT", `the salt must be 32 bytes, not ${input.salt.length}`);
  const seen = new Set<string>();
  for (const d of input.documents) {
    const problem = documentPathProblem(d.path);
    if (problem) throw new BidPackageError("BAD_PATH", `${JSON.stringify(d.path)}: ${problem}`);
    if (seen.has(d.path)) throw new BidPackageError("DUPLICATE_PATH", d.path);
    seen.add(d.path);
  }

  const bidBytes = encoder.encode(JSON.stringify(input.bid, null, 2));
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    sectionId: input.bid.sectionId,
    bidderUscc: input.bid.bidder.uscc,
    salt: base64url(input.salt),
    sealedAt: input.sealedAt.toISOString(),
    tool: input.tool,
    device: { fingerprint: input.deviceFingerprint },
    entries: [
      { path: BID_JSON, sha256: await input.sha256(bidBytes), size: bidBytes.length },
      ...input.documents.map((d) => ({ path: DOCUMENTS_DIR + d.path, sha256: d.sha256.toLowerCase(), size: d.size })),
    ],
  };
  const manifestBytes = encoder.encode(JSON.stringify(manifest, null, 2));
  const jws = await new CompactSign(manifestBytes)
    .setProtectedHeader({ alg: "RS256", typ: MANIFEST_JWS_TYPE, x5c: input.signer.x5c })
    .sign(input.signer.key);

  // Stored, not deflated: bid documents are mostly compressed already (PDF, images, archives),
  // and storing keeps sealing at disk speed for multi-GiB bids.
  const options = { lastModDate: input.sealedAt, level: 0 };
  const zip = new ZipWriter(output, { ...options, zip64: input.documents.some((d) => d.size > ZIP64_LIMIT) });
  await zip.add(BID_JSON, new Blob([bidBytes]).stream(), options);
  for (const d of input.documents) await zip.add(DOCUMENTS_DIR + d.path, d.open(), { ...options, zip64: d.size > ZIP64_LIMIT });
  await zip.add(MANIFEST_JSON, new Blob([manifestBytes]).stream(), options);
  await zip.add(MANIFEST_JWS, new Blob([encoder.encode(jws)]).stream(), options);
  await zip.close();
  return { manifest };
}

/** One shot, for the browser (bids up to ~200 MB): the package bytes and their digest. */
export async function buildBidPackageBytes(
  input: BuildBidPackageInput,
): Promise<{ bytes: Uint8Array; packageDigest: string; manifest: Manifest }> {
  const chunks: Uint8Array[] = [];
  const sink = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
  const { manifest } = await writeBidPackage(input, sink);
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return { bytes, packageDigest: await input.sha256(bytes), manifest };
}
