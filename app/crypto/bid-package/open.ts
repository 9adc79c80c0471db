import { base64ToBytes, x5cToPem } from "#app/crypto/pki/der.ts";
import { compactVerify, decodeProtectedHeader, importX509 } from "jose";
import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipReader, type Entry, type Reader } from "@zip.js/zip.js";
import {
  BID_JSON,
  BidJson,
  DOCUMENTS_DIR,
  documentPathProblem,
  Manifest,
  MANIFEST_JSON,
  MANIFEST_JWS,
  MANIFEST_JWS_TYPE,
  type ManifestEntry,
} from "./formats.ts";

/**
 * Opens and checks a plaintext bid package (after decryption at the opening, or a bidder's
 * remedy upload): the manifest's JWS against its leaf certificate, every entry's hash and size
 * against the manifest, the set of entries, paths, `bid.json`'s shape and (through the caller's
 * validator) its fields. The certificate chain (x5c → platform CA, valid at the receipt's time)
 * is checked by the server with node:crypto; this module returns the certificates.
 */
configure({ useWebWorkers: false });

export type BidPackageCheckCode =
  | "NOT_ZIP"
  | "MISSING_ENTRY"
  | "UNEXPECTED_ENTRY"
  | "BAD_JSON"
  | "BAD_SIGNATURE"
  | "MANIFEST_MISMATCH"
  | "HASH_MISMATCH"
  | "SIZE_MISMATCH"
  | "BAD_PATH"
  | "FIELDS_INVALID"
  | "WRONG_SECTION"
  | "WRONG_BIDDER";

export class BidPackageCheckError extends Error {
  override name = "BidPackageCheckError";
  constructor(
    readonly code: BidPackageCheckCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

export interface StreamingHash {
  update(chunk: Uint8Array): void;
  digest(): Promise<string>;
}

export interface OpenBidPackageOptions {
  hash: () => StreamingHash;
  /** Problems with `fields` against the section's opening form (ajv), or an empty list. */
  validateFields?: (fields: Record<string, unknown>) => string[];
  expected?: { sectionId?: string; bidderUscc?: string };
}

export interface OpenedBidPackage {
  bid: BidJson;
  manifest: Manifest;
  /** x5c of the manifest JWS, DER, leaf first. */
  certificatesDer: Uint8Array[];
  documents: ManifestEntry[];
}

const MAX_JSON = 1 << 20;
const decoder = new TextDecoder("utf-8", { fatal: true });

function fail(code: BidPackageCheckCode, detail: string): never {
  throw new BidPackageCheckError(code, detail);
}

async function readSmall(entry: Entry, name: string): Promise<Uint8Array> {
  if (entry.directory || !("getData" in entry) || !entry.getData) fail("MISSING_ENTRY", name);
  if (entry.uncompressedSize > MAX_JSON) fail("BAD_JSON", `${name} is larger than ${MAX_JSON} bytes`);
  return entry.getData(new Uint8ArrayWriter());
}

function parseJson(bytes: Uint8Array, name: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (e) {
    return fail("BAD_JSON", `${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function openBidPackage(source: Uint8Array | Reader<unknown>, options: OpenBidPackageOptions): Promise<OpenedBidPackage> {
  const reader = new ZipReader(source instanceof Uint8Array ? new Uint8ArrayReader(source) : source);
  try {
    let entries: Entry[];
    try {
      entries = await reader.getEntries();
    } catch (e) {
      return fail("NOT_ZIP", e instanceof Error ? e.message : String(e));
    }
    const byName = new Map<string, Entry>();
    for (const e of entries) {
      if (e.directory) continue;
      if (byName.has(e.filename)) fail("UNEXPECTED_ENTRY", `${e.filename} appears twice`);
      byName.set(e.filename, e);
    }
    const get = (name: string) => byName.get(name) ?? fail("MISSING_ENTRY", name);

    const manifestBytes = await readSmall(get(MANIFEST_JSON), MANIFEST_JSON);
    const jws = decoder.decode(await readSmall(get(MANIFEST_JWS), MANIFEST_JWS)).trim();

    // The signature first: nothing else in the package is trusted before it holds.
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(jws);
    } catch {
      return fail("BAD_SIGNATURE", "manifest.jws is not a compact JWS");
    }
    if (header.alg !== "RS256" || header.typ !== MANIFEST_JWS_TYPE || !Array.isArray(header.x5c) || header.x5c.length === 0) {
      fail("BAD_SIGNATURE", `unexpected JWS header ${JSON.stringify({ alg: header.alg, typ: header.typ })}`);
    }
    const x5c = header.x5c as string[];
    let payload: Uint8Array;
    try {
      const key = await importX509(x5cToPem(x5c[0]!), "RS256");
      ({ payload } = await compactVerify(jws, key, { algorithms: ["RS256"] }));
    } catch (e) {
      return fail("BAD_SIGNATURE", e instanceof Error ? e.message : String(e));
    }
    if (payload.length !== manifestBytes.length || payload.some((b, i) => b !== manifestBytes[i])) {
      fail("MANIFEST_MISMATCH", "manifest.json is not the payload its signature covers");
    }

    const manifestParsed = Manifest.safeParse(parseJson(manifestBytes, MANIFEST_JSON));
    if (!manifestParsed.success)
      fail("BAD_JSON", `manifest.json: ${manifestParsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
    const manifest = manifestParsed.data;

    // Exactly the manifest's entries, plus the manifest and its signature.
    const listed = new Set(manifest.entries.map((e) => e.path));
    if (listed.size !== manifest.entries.length) fail("MANIFEST_MISMATCH", "the manifest lists a path twice");
    if (!listed.has(BID_JSON)) fail("MISSING_ENTRY", "the manifest does not list bid.json");
    for (const name of byName.keys()) {
      if (name !== MANIFEST_JSON && name !== MANIFEST_JWS && !listed.has(name)) fail("UNEXPECTED_ENTRY", name);
    }
    for (const e of manifest.entries) {
      if (e.path !== BID_JSON) {
        if (!e.path.startsWith(DOCUMENTS_DIR)) fail("BAD_PATH", e.path);
        const problem = documentPathProblem(e.path.slice(DOCUMENTS_DIR.length));
        if (problem) fail("BAD_PATH", `${e.path}: ${problem}`);
      }
      const entry = get(e.path);
      if (entry.directory || !entry.getData) fail("MISSING_ENTRY", e.path);
      const hash = options.hash();
      let size = 0;
      await entry.getData(
        new WritableStream<Uint8Array>({
          write(chunk) {
            size += chunk.length;
            hash.update(chunk);
          },
        }),
      );
      if (size !== e.size) fail("SIZE_MISMATCH", `${e.path}: ${size} bytes, the manifest says ${e.size}`);
      if ((await hash.digest()) !== e.sha256) fail("HASH_MISMATCH", e.path);
    }

    const bidParsed = BidJson.safeParse(parseJson(await readSmall(get(BID_JSON), BID_JSON), BID_JSON));
    if (!bidParsed.success)
      fail("BAD_JSON", `bid.json: ${bidParsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
    const bid = bidParsed.data;
    if (bid.sectionId !== manifest.sectionId || bid.bidder.uscc !== manifest.bidderUscc)
      fail("MANIFEST_MISMATCH", "bid.json and manifest.json name different sections or bidders");
    if (options.expected?.sectionId && bid.sectionId !== options.expected.sectionId)
      fail("WRONG_SECTION", `the package is for section ${bid.sectionId}`);
    if (options.expected?.bidderUscc && bid.bidder.uscc !== options.expected.bidderUscc)
      fail("WRONG_BIDDER", `the package is for ${bid.bidder.uscc}`);
    const fieldProblems = options.validateFields?.(bid.fields) ?? [];
    if (fieldProblems.length > 0) fail("FIELDS_INVALID", fieldProblems.join("; "));

    return {
      bid,
      manifest,
      certificatesDer: x5c.map((c) => base64ToBytes(c)),
      documents: manifest.entries.filter((e) => e.path !== BID_JSON),
    };
  } finally {
    await reader.close();
  }
}

/**
 * bid.json of a package whose full check failed (its signature, manifest or form), read without
 * trusting anything else: the bid was decrypted and matches its receipt's package digest, so it is
 * read out and the defect goes to the evaluation (条例 51; decision 39). Null when bid.json is
 * missing or not a valid bid.json.
 */
export async function readBidJsonUnchecked(source: Uint8Array | Reader<unknown>): Promise<BidJson | null> {
  const reader = new ZipReader(source instanceof Uint8Array ? new Uint8ArrayReader(source) : source);
  try {
    const entry = (await reader.getEntries()).find((e) => !e.directory && e.filename === BID_JSON);
    if (!entry) return null;
    const parsed = BidJson.safeParse(parseJson(await readSmall(entry, BID_JSON), BID_JSON));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  } finally {
    await reader.close();
  }
}
