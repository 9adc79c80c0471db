import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AppContext } from "./context.server.ts";
import type { S3Storage } from "./storage-s3.server.ts";
import { checkKey } from "./storage-url.server.ts";

/**
 * Where files live (ARCHITECTURE.md §1): envelopes, tender documents, signed PDFs. Embedded mode
 * keeps them under `$BIDHALL_DATA_DIR/files`; production puts an S3-compatible store behind the
 * same interface (app/server/storage-s3.server.ts, decision 52). Keys are opaque, chosen by the caller, and never reused: a file is written once
 * (to a temporary name, renamed when complete) and never changed.
 */
export interface StoredFile {
  key: string;
  size: number;
  sha256: string;
}

export interface Storage {
  /** Streams `body` to `key`, computing its size and SHA-256 on the way. */
  put(key: string, body: Readable | Uint8Array): Promise<StoredFile>;
  /** The file's bytes as a stream; throws when the key does not exist. */
  get(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Removes a file that never became part of a record (a refused or rolled-back upload); no error when absent. */
  remove(key: string): Promise<void>;
}

export class FileStorage implements Storage {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    return path.join(this.root, checkKey(key));
  }

  async put(key: string, body: Readable | Uint8Array): Promise<StoredFile> {
    const target = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString("hex")}.part`;
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
    try {
      await pipeline(source, tap, fs.createWriteStream(temp, { flags: "wx" }));
      await fs.promises.rename(temp, target);
    } catch (e) {
      await fs.promises.rm(temp, { force: true });
      throw e;
    }
    return { key, size, sha256: hash.digest("hex") };
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    await fs.promises.access(file, fs.constants.R_OK);
    return fs.createReadStream(file);
  }

  async exists(key: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }
}

/** The storage of this process: S3 when STORAGE_URL is set, else the data directory. One client per process. */
export function storageFor(app: Pick<AppContext, "config">): Storage {
  if (!app.config.storageUrl) return new FileStorage(filesDir(app));
  const cached = s3Stores.get(app.config);
  if (cached) return cached;
  const store = new LazyS3Storage(app.config);
  s3Stores.set(app.config, store);
  return store;
}
const s3Stores = new WeakMap<object, LazyS3Storage>();

/** The S3 store, its SDK loaded on first use (embedded mode and the CLI's sealing never load it). */
class LazyS3Storage implements Storage {
  private store: Promise<S3Storage> | undefined;
  constructor(private readonly config: AppContext["config"]) {}
  /** The S3 store itself (for `check()` at start-up and in /readyz). */
  s3(): Promise<S3Storage> {
    this.store ??= import("./storage-s3.server.ts").then((m) => m.S3Storage.fromConfig(this.config));
    return this.store;
  }
  async put(key: string, body: Readable | Uint8Array) {
    return (await this.s3()).put(key, body);
  }
  async get(key: string) {
    return (await this.s3()).get(key);
  }
  async exists(key: string) {
    return (await this.s3()).exists(key);
  }
  async remove(key: string) {
    return (await this.s3()).remove(key);
  }
}

/**
 * Checks that the store answers: the S3 bucket exists and these credentials may use it (a
 * StorageUnavailableError naming the setting otherwise); the data directory needs no check.
 */
export async function checkStorage(app: Pick<AppContext, "config">): Promise<void> {
  const storage = storageFor(app);
  if (storage instanceof LazyS3Storage) await (await storage.s3()).check();
}

/** Where unfinished tus uploads wait (app/web/uploads.server.ts; cleaned by app/jobs/upload-cleanup.ts). */
export function uploadsDirectory(app: Pick<AppContext, "config">): string {
  return app.config.uploadsDir ?? path.join(app.config.dataDir, "uploads");
}

function filesDir(app: Pick<AppContext, "config">): string {
  return path.join(app.config.dataDir, "files");
}
