import { createHash, X509Certificate } from "node:crypto";
import fs from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { Reader } from "@zip.js/zip.js";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { BidJson, Manifest } from "#app/crypto/bid-package/formats.ts";
import { BidPackageCheckError, openBidPackage, readBidJsonUnchecked, type StreamingHash } from "#app/crypto/bid-package/open.ts";
import { RECEIPT_TYPE, SignedJsonError, type Receipt } from "#app/crypto/jws/signed-json.ts";
import { PACKAGE_CHECK_FAILURES, type AttemptFailure } from "#app/domain/opening/index.ts";
import { compileOpeningForm, type OpeningForm } from "#app/domain/tendering/opening-form.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { isEnvelopeError, openWithContentKey } from "#app/server/envelope/index.server.ts";
import { currentCrl, loadPlatformTrust, requireCaCertificates } from "#app/server/pki/platform-pki.server.ts";
import { verifySignedJsonDocument } from "#app/server/pki/verify-signed-json.server.ts";
import { verifyCertificateChain } from "#app/server/pki/verify.server.ts";
import type { LoadedOpening, LoadedOpeningBid } from "#app/server/repo/openings.server.ts";
import { idNumberHash } from "#app/server/secrets.server.ts";
import { storageFor } from "#app/server/storage.server.ts";

/**
 * The server's checks of a bid at the opening (ARCHITECTURE.md §4 step 6), in the order the
 * domain ranks their failures (key → package digest → signature → form): the stored envelope
 * against its receipt, the GCM tag (the key), the package digest, the manifest JWS (certificate
 * of the bidder organisation, valid at the receipt's receivedAt), every entry hash, and bid.json
 * against the section's opening form. Each failure comes back as the domain's code with a detail
 * for the attempt row, never as an exception.
 *
 * NOTE 办法 Art 27 (decision 0029): the manifest's `sealedAt` is the sealing device's own clock,
 * kept and shown as the bidder declared it, never checked: a bid the platform accepted before the
 * deadline cannot fail at the opening because a computer's clock ran fast. The receipt's
 * `receivedAt`, set by the platform, is the time that counts.
 */

export type CheckFailure = { ok: false; failure: AttemptFailure; detail: string };
/**
 * A package defect found after a successful decryption (decision 39): the package matches its
 * receipt's digest, so the bid is opened and read out (when bid.json can be read) and the defect
 * goes to the evaluation committee (条例 51 / 87号令 63); 办法 31 covers only bids not decrypted.
 */
export type PackageDefect = { code: "SIGNATURE_INVALID" | "FORM_INVALID"; detail: string };
export type PackageCheck =
  | { ok: true; bid: BidJson; manifest: Manifest; defect?: undefined }
  | { ok: true; bid: BidJson | null; manifest: null; defect: PackageDefect }
  | CheckFailure;

/**
 * The bid's receipt, only if the platform signed it (decision 27): with one of its own pinned
 * signing certificates, chained to its root at the receipt's receivedAt. A stored receipt the
 * platform did not sign means its own records were tampered with: the platform's failure
 * (ENVELOPE_HASH_MISMATCH, deemed withdrawn), never the bidder's.
 */
export async function receiptOf(
  app: AppContext,
  bid: Pick<LoadedOpeningBid, "receiptJws">,
): Promise<{ ok: true; receipt: Receipt } | CheckFailure> {
  const trust = await loadPlatformTrust(app.db);
  const refused = (detail: string): CheckFailure => ({
    ok: false,
    failure: "ENVELOPE_HASH_MISMATCH",
    detail: `the stored receipt: ${detail}`,
  });
  try {
    const verified = await verifySignedJsonDocument(bid.receiptJws, {
      rootPem: trust.rootPem,
      intermediatesPem: [trust.issuingPem],
      platformCertificates: trust.platformCertificates,
      now: app.clock.now(),
    });
    if (verified.typ !== RECEIPT_TYPE) return refused(`it is a ${verified.typ}, not a receipt`);
    if (!verified.valid) return refused(verified.problems.join("; "));
    return { ok: true, receipt: verified.payload as Receipt };
  } catch (e) {
    if (e instanceof SignedJsonError) return refused(e.message);
    throw e;
  }
}

/**
 * Copies the stored envelope to `dir` while hashing it, checks the hash against the receipt, then
 * stream-decrypts with the posted content key; the plaintext file exists only if the tag verified.
 */
export async function decryptStoredEnvelope(
  app: AppContext,
  bid: LoadedOpeningBid,
  contentKey: Uint8Array,
  dir: string,
): Promise<{ ok: true; packagePath: string } | CheckFailure> {
  const checked = await receiptOf(app, bid);
  if (!checked.ok) return checked;
  const { receipt } = checked;
  const envelopePath = path.join(dir, "envelope.p7m");
  const hash = createHash("sha256");
  try {
    await pipeline(
      await storageFor(app).get(bid.storageKey),
      new Transform({
        transform(chunk: Buffer, _e, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      }),
      fs.createWriteStream(envelopePath),
    );
  } catch (e) {
    return { ok: false, failure: "ENVELOPE_HASH_MISMATCH", detail: `the stored envelope cannot be read: ${(e as Error).message}` };
  }
  const actual = hash.digest("hex");
  // NOTE 办法 Art 31: a stored envelope that no longer matches its receipt is the platform's failure.
  if (actual !== receipt.envelopeSha256)
    return { ok: false, failure: "ENVELOPE_HASH_MISMATCH", detail: `stored ${actual}, receipt ${receipt.envelopeSha256}` };
  const packagePath = path.join(dir, "package.zip");
  try {
    await openWithContentKey({ inPath: envelopePath, outPath: packagePath, contentKey });
  } catch (e) {
    if (isEnvelopeError(e)) return { ok: false, failure: "WRONG_KEY", detail: `${e.code}: ${e.message}` };
    throw e;
  }
  return { ok: true, packagePath };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The plaintext package's checks after the key: digest against the receipt, then the package itself. */
export async function checkPlaintextPackage(
  app: AppContext,
  loaded: LoadedOpening,
  bid: LoadedOpeningBid,
  packagePath: string,
): Promise<PackageCheck> {
  const checked = await receiptOf(app, bid);
  if (!checked.ok) return checked;
  const { receipt } = checked;
  const digest = await sha256File(packagePath);
  if (digest !== receipt.packageDigest)
    return { ok: false, failure: "PACKAGE_DIGEST_MISMATCH", detail: `package ${digest}, receipt ${receipt.packageDigest}` };
  const validate = validatorFor(loaded.section.opening_form);
  // Decision 39: past the digest the bid is decrypted; a later failure is a defect for the evaluation.
  // What is read out is bid.json as far as it is a bid of this section and bidder valid against the form.
  const defective = async (failure: AttemptFailure, detail: string): Promise<PackageCheck> => {
    const plain = new FileZipReader(packagePath);
    const inside = await readBidJsonUnchecked(plain).finally(() => plain.close());
    const readable = !!inside && inside.sectionId === loaded.section.id && inside.bidder.uscc === bid.uscc && validate(inside.fields);
    return {
      ok: true,
      bid: readable ? inside : null,
      manifest: null,
      defect: { code: failure === "BID_FORM_INVALID" ? "FORM_INVALID" : "SIGNATURE_INVALID", detail },
    };
  };
  let opened: Awaited<ReturnType<typeof openBidPackage>>;
  const reader = new FileZipReader(packagePath);
  try {
    opened = await openBidPackage(reader, {
      hash: nodeHash,
      validateFields: (fields) => (validate(fields) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`)),
      expected: { sectionId: loaded.section.id, bidderUscc: bid.uscc },
    });
  } catch (e) {
    if (e instanceof BidPackageCheckError) return defective(PACKAGE_CHECK_FAILURES[e.code], e.message);
    throw e;
  } finally {
    await reader.close();
  }

  // The signer: a certificate of the bidder organisation, valid when the platform received the bid.
  const receivedAt = new Date(receipt.receivedAt);
  const bad = (detail: string) => defective("MANIFEST_SIGNATURE_INVALID", detail);
  const pems = opened.certificatesDer.map((der) => new X509Certificate(Buffer.from(der)).toString());
  const { root, issuing } = await requireCaCertificates(app.db);
  const crl = await currentCrl(app);
  const chain = verifyCertificateChain({
    leafPem: pems[0]!,
    chainPem: [...pems.slice(1), issuing.certificatePem],
    rootPem: root.certificatePem,
    at: receivedAt,
    crls: [crl.der],
    requireKeyUsage: ["digitalSignature"],
  });
  if (!chain.ok) return bad(`${chain.reason}: ${chain.message}`);
  if (chain.leaf.subject.organizationIdentifier !== bid.uscc)
    return bad(`the signer's certificate names ${chain.leaf.subject.organizationIdentifier ?? "no organisation"}`);
  const own = await app.db
    .selectFrom("person_certificates")
    .select("serial_hex")
    .where("serial_hex", "=", chain.leaf.serialHex)
    .where("organisation_id", "=", bid.organisationId)
    .executeTakeFirst();
  if (!own) return bad(`the certificate ${chain.leaf.serialHex} was not issued to a member of the bidder`);
  return { ok: true, bid: opened.bid, manifest: opened.manifest };
}

/**
 * bid.json's fields as kept outside the package: a person's ID number replaced by its keyed hash
 * (HMAC-SHA-256 with ID_HASH_SECRET; DOMAIN.md §7), the name kept for the reading-out.
 */
export function fieldsForStorage(app: AppContext, form: OpeningForm, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...fields };
  for (const f of form) {
    const value = out[f.key] as { name?: string; idNumber?: string } | undefined;
    if (f.type !== "person" || !value || typeof value !== "object") continue;
    out[f.key] = { name: value.name, idNumberHash: value.idNumber ? idNumberHash(app.config, app.log, value.idNumber) : null };
  }
  return out;
}

const nodeHash = (): StreamingHash => {
  const h = createHash("sha256");
  return { update: (c) => void h.update(c), digest: async () => h.digest("hex") };
};

const validators = new Map<string, ValidateFunction>();
function validatorFor(form: OpeningForm): ValidateFunction {
  const key = JSON.stringify(form);
  let v = validators.get(key);
  if (!v) {
    const ajv = new Ajv2020({ allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    v = ajv.compile(compileOpeningForm(form));
    validators.set(key, v);
  }
  return v;
}

/** zip.js reads the package from disk by range: a bid of any size never sits in memory. */
class FileZipReader extends Reader<string> {
  #file: FileHandle | undefined;

  override async init(): Promise<void> {
    this.#file = await open(this.path, "r");
    this.size = (await this.#file.stat()).size;
    (this as unknown as { initialized: boolean }).initialized = true;
  }

  constructor(readonly path: string) {
    super(path);
  }

  override async readUint8Array(index: number, length: number): Promise<Uint8Array> {
    const n = Math.max(0, Math.min(length, this.size - index));
    const buffer = Buffer.alloc(n);
    if (n > 0) await this.#file!.read(buffer, 0, n, index);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, n);
  }

  async close(): Promise<void> {
    await this.#file?.close();
    this.#file = undefined;
  }
}
