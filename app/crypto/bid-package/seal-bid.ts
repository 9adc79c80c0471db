import { sealWithWebCrypto } from "../envelope/webcrypto.ts";
import { pemBlocks, bytesToBase64, bytesToHex } from "../pki/der.ts";
import { buildBidPackageBytes, type ManifestSigner } from "./build.ts";
import type { BidJson, Manifest } from "./formats.ts";

/**
 * Sealing a bid in the browser (ARCHITECTURE.md §4 steps 2–4), on WebCrypto only: hash every
 * document, build the signed bid package, seal it for every recipient certificate of the bidder's
 * organisation in one shot. The plaintext package is returned too: it is the bidder's own backup
 * (the remedy at the opening needs it) and never leaves the browser unless the bidder saves it.
 *
 * One shot means about three times the bid's size in memory; the sealing page refuses bids over
 * {@link BROWSER_SEAL_LIMIT} and points to the offline tool, which streams.
 */
export const BROWSER_SEAL_LIMIT = 200 * 1024 * 1024;

export interface BrowserDocument {
  /** Relative to `documents/` (UTF-8 NFC, no `..`). */
  path: string;
  bytes: Uint8Array;
}

export type SealStage =
  { stage: "hashing"; done: number; total: number } | { stage: "packaging" } | { stage: "encrypting" } | { stage: "done" };

export interface SealBidInput {
  bid: BidJson;
  documents: readonly BrowserDocument[];
  /** The signing certificate (PEM) and its issuing CA (PEM); the key is a non-extractable CryptoKey. */
  signer: { certificatePem: string; issuingCaPem: string; key: CryptoKey | ManifestSigner["key"] };
  /** Every recipient certificate (PEM) from the sealing kit. */
  recipientsPem: readonly string[];
  deviceFingerprint: string;
  tool: { name: string; version: string };
  sealedAt: Date;
  onStage?: (s: SealStage) => void;
  subtle?: SubtleCrypto;
}

export interface SealedBid {
  packageBytes: Uint8Array;
  packageDigest: string;
  /** The manifest that was signed: each entry's path, size and SHA-256 (shown to the bidder as sealed). */
  manifest: Manifest;
  envelope: Uint8Array<ArrayBuffer>;
}

const subtleOf = (s?: SubtleCrypto) => s ?? (globalThis.crypto as Crypto).subtle;

export async function sha256Hex(bytes: Uint8Array, subtle?: SubtleCrypto): Promise<string> {
  const view = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  return bytesToHex(new Uint8Array(await subtleOf(subtle).digest("SHA-256", view)));
}

const derBase64 = (pem: string) => {
  const [block] = pemBlocks(pem);
  if (!block) throw new Error("not a PEM certificate");
  return bytesToBase64(block.der);
};

export async function sealBid(input: SealBidInput): Promise<SealedBid> {
  const subtle = subtleOf(input.subtle);
  const documents = [];
  for (const [i, d] of input.documents.entries()) {
    input.onStage?.({ stage: "hashing", done: i, total: input.documents.length });
    const bytes = d.bytes;
    documents.push({
      path: d.path,
      size: bytes.length,
      sha256: await sha256Hex(bytes, subtle),
      open: () => new Blob([bytes.slice()]).stream(),
    });
  }
  input.onStage?.({ stage: "hashing", done: input.documents.length, total: input.documents.length });
  input.onStage?.({ stage: "packaging" });
  const { bytes, packageDigest, manifest } = await buildBidPackageBytes({
    bid: input.bid,
    documents,
    signer: { x5c: [derBase64(input.signer.certificatePem), derBase64(input.signer.issuingCaPem)], key: input.signer.key },
    sealedAt: input.sealedAt,
    salt: globalThis.crypto.getRandomValues(new Uint8Array(32)),
    tool: input.tool,
    deviceFingerprint: input.deviceFingerprint,
    sha256: (b) => sha256Hex(b, subtle),
  });
  input.onStage?.({ stage: "encrypting" });
  const encoder = new TextEncoder();
  const envelope = await sealWithWebCrypto(
    bytes,
    input.recipientsPem.map((pem) => ({ certificateDer: encoder.encode(pem) })),
    subtle,
  );
  input.onStage?.({ stage: "done" });
  return { packageBytes: bytes, packageDigest, manifest, envelope };
}
