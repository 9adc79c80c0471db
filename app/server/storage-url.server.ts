/**
 * Storage keys and STORAGE_URL, without the S3 client: configuration and embedded mode load this
 * much only (the AWS SDK is loaded when a process first touches an S3 store).
 */
/** Storage keys: lower-case, relative, no `..` (the same for every backend). */
export const KEY = /^[a-z0-9][a-z0-9/_.-]{0,200}$/;

export function checkKey(key: string): string {
  if (!KEY.test(key) || key.includes("..")) throw new Error(`bad storage key ${JSON.stringify(key)}`);
  return key;
}

export interface S3Location {
  bucket: string;
  /** Empty, or ends with "/". */
  prefix: string;
}

/** `s3://bucket` or `s3://bucket/some/prefix`: the location, or a sentence saying what is wrong. */
export function parseStorageUrl(raw: string): S3Location | { problem: string } {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(raw);
  if (!m) return { problem: `STORAGE_URL must look like s3://bucket/prefix, not "${raw}"` };
  const bucket = m[1]!;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    return { problem: `STORAGE_URL names "${bucket}", which is not a valid bucket name (3–63 characters: a-z, 0-9, "." and "-")` };
  const prefix = (m[2] ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((p) => p === "." || p === ".."))
    return { problem: `STORAGE_URL's prefix must not contain "." or ".." segments: "${raw}"` };
  return { bucket, prefix: prefix === "" ? "" : `${prefix}/` };
}

/** Raised when the store is missing, refuses us or cannot be reached: one line naming the setting. */
export class StorageUnavailableError extends Error {
  override name = "StorageUnavailableError";
}
