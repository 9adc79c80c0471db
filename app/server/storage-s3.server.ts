import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Config } from "./config.server.ts";
import type { Storage, StoredFile } from "./storage.server.ts";
import { checkKey, parseStorageUrl, StorageUnavailableError, type S3Location } from "./storage-url.server.ts";

/**
 * Files in an S3-compatible object store (decision 52): MinIO, Ceph RGW, Alibaba OSS, Tencent COS,
 * Huawei OBS or AWS itself, through the AWS SDK v3 client. `STORAGE_URL=s3://bucket/prefix`; the
 * endpoint, region and addressing style come from `STORAGE_ENDPOINT`, `STORAGE_REGION` (else
 * `AWS_REGION`) and `STORAGE_FORCE_PATH_STYLE`; credentials from the SDK's standard chain
 * (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, a profile, an instance role).
 *
 * Streaming both ways: `put` feeds the body through a hash into a multipart upload of
 * {@link PART_SIZE} parts, at most {@link QUEUE_SIZE} in flight (so a 1 GiB envelope needs about
 * 16 MiB of memory, never the whole file); every request carries its SHA-256 checksum, which the
 * store checks before it accepts the bytes (per part for a multipart upload). The SHA-256 that
 * callers record is ours, computed over the bytes that left this process; when the store answers
 * with a whole-object SHA-256 (single-part uploads) it must match, else the object is removed and
 * the put fails. An upload that dies half-way is aborted by lib-storage; one whose process dies is
 * left to the bucket's lifecycle rule (AbortIncompleteMultipartUpload, docs/operations.md).
 */
export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 2;

export class S3Storage implements Storage {
  constructor(
    readonly client: S3Client,
    readonly location: S3Location,
    /** For messages only: where the store is. */
    readonly where: string,
  ) {}

  static fromConfig(config: Pick<Config, "storageUrl" | "storageEndpoint" | "storageRegion" | "storageForcePathStyle">): S3Storage {
    const location = parseStorageUrl(config.storageUrl ?? "");
    if ("problem" in location) throw new StorageUnavailableError(location.problem);
    // The SDK version is pinned (STACK.md); its notice that later versions need Node 22 is not news at every start.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const client = new S3Client({
      ...(config.storageEndpoint ? { endpoint: config.storageEndpoint } : {}),
      region: config.storageRegion ?? "us-east-1",
      forcePathStyle: config.storageForcePathStyle,
      // Ask for a checksum on every request that supports one; SHA-256 where we choose it.
      requestChecksumCalculation: "WHEN_SUPPORTED",
      responseChecksumValidation: "WHEN_SUPPORTED",
      maxAttempts: 3,
    });
    return new S3Storage(client, location, config.storageEndpoint ?? `the ${config.storageRegion ?? "us-east-1"} region`);
  }

  private objectKey(key: string): string {
    return this.location.prefix + checkKey(key);
  }

  async put(key: string, body: Readable | Uint8Array): Promise<StoredFile> {
    const objectKey = this.objectKey(key);
    const hash = createHash("sha256");
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const source = body instanceof Readable ? body : Readable.from([Buffer.from(body)]);
    source.on("error", (e) => tap.destroy(e));
    source.pipe(tap);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.location.bucket, Key: objectKey, Body: tap, ChecksumAlgorithm: "SHA256" },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    let answered: { ChecksumSHA256?: string };
    try {
      answered = (await upload.done()) as { ChecksumSHA256?: string };
    } catch (e) {
      source.destroy();
      throw this.unavailable(e, `storing ${key}`);
    }
    const sha256 = hash.digest();
    // A whole-object checksum (no "-N" part count) is the store's SHA-256 of what it kept.
    if (answered.ChecksumSHA256 && !answered.ChecksumSHA256.includes("-") && answered.ChecksumSHA256 !== sha256.toString("base64")) {
      await this.remove(key).catch(() => undefined);
      throw new StorageUnavailableError(`the object store kept different bytes for ${key} than were sent (SHA-256 mismatch)`);
    }
    return { key, size, sha256: sha256.toString("hex") };
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }));
      if (!(out.Body instanceof Readable)) throw new Error("the S3 client returned no Node stream");
      return out.Body;
    } catch (e) {
      if (statusOf(e) === 404) throw Object.assign(new Error(`no such file in storage: ${key}`), { code: "ENOENT" });
      throw this.unavailable(e, `reading ${key}`);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw this.unavailable(e, `looking for ${key}`);
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }));
    } catch (e) {
      if (statusOf(e) === 404) return;
      throw this.unavailable(e, `removing ${key}`);
    }
  }

  /**
   * The bucket exists and these credentials may use it: at start-up (a refusal stops production
   * mode) and in `/readyz`. Throws StorageUnavailableError naming the setting to fix.
   */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.location.bucket }));
    } catch (e) {
      throw this.unavailable(e, "checking the bucket");
    }
  }

  private unavailable(e: unknown, doing: string): Error {
    if (e instanceof StorageUnavailableError) return e;
    const status = statusOf(e);
    const bucket = this.location.bucket;
    const detail = e instanceof Error ? `${e.name}${e.message && e.message !== e.name ? `: ${e.message}` : ""}` : String(e);
    let line: string;
    if (status === 404 && doing === "checking the bucket") line = `the bucket "${bucket}" does not exist at ${this.where} (STORAGE_URL)`;
    else if (status === 403 || status === 401)
      line = `the object store at ${this.where} refused these credentials for the bucket "${bucket}" (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): ${detail}`;
    else if (status === 301 || status === 400)
      line = `the object store at ${this.where} answered ${status} for the bucket "${bucket}": check STORAGE_REGION and STORAGE_FORCE_PATH_STYLE (${detail})`;
    else if (status === undefined)
      line = `cannot reach the object store at ${this.where} (STORAGE_ENDPOINT) while ${doing}: ${networkCode(e) ?? detail}`;
    else line = `the object store at ${this.where} failed while ${doing} (HTTP ${status}): ${detail}`;
    return new StorageUnavailableError(line, { cause: e });
  }
}

function statusOf(e: unknown): number | undefined {
  if (e instanceof S3ServiceException) return e.$metadata.httpStatusCode;
  const meta = (e as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return meta?.httpStatusCode;
}

function networkCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const errors = (cur as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) cur = errors[0];
    else cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
