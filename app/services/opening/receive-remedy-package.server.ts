import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { randomBytes } from "node:crypto";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { findOpeningOfSection } from "./find-opening-of-section.server.ts";
import { uploadRemedyPackage, type RemedyResult } from "./upload-remedy-package.server.ts";

/** A browser-sealed package is at most 200 MB (app/crypto/bid-package/seal-bid.ts); leave room for the ZIP's overhead. */
const MAX_REMEDY_BYTES = 256 * 1024 * 1024;

/**
 * The remedy's plaintext package as the browser streams it (the bidder's own backup): written to
 * a private temporary file, checked by {@link uploadRemedyPackage}, then removed either way — the
 * platform keeps the checked result, never the upload.
 */
export async function receiveRemedyPackage(
  app: AppContext,
  opts: { actor: Actor; sectionId: string; body: ReadableStream<Uint8Array> | null; meta: RequestMeta },
): Promise<RemedyResult> {
  const { openingId } = await findOpeningOfSection(app, opts.sectionId);
  if (!opts.body) throw new AppError("VALIDATION_FAILED", { field: "package" });
  const file = path.join(os.tmpdir(), `bidhall-remedy-${randomBytes(8).toString("hex")}.zip`);
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      done(received > MAX_REMEDY_BYTES ? new AppError("VALIDATION_FAILED", { field: "package" }) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(opts.body as WebReadableStream<Uint8Array>), limit, fs.createWriteStream(file, { mode: 0o600 }));
    return await uploadRemedyPackage(app, { actor: opts.actor, openingId, packagePath: file, meta: opts.meta });
  } finally {
    await fs.promises.rm(file, { force: true });
  }
}
