import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { assertDeclaredLength, writeLimitedBody } from "#app/server/request-body.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { findOpeningOfSection } from "./find-opening-of-section.server.ts";
import { assertMayUploadRemedyPackage, uploadRemedyPackage, type RemedyResult } from "./upload-remedy-package.server.ts";

/**
 * A browser-sealed package is at most 200 MB (app/crypto/bid-package/seal-bid.ts); leave room for
 * the ZIP's overhead. The same ceiling is Express's for this endpoint (app/web/edge.server.ts).
 */
export const MAX_REMEDY_BYTES = 256 * 1024 * 1024;

/**
 * The remedy's plaintext package as the browser streams it (the bidder's own backup). Limits
 * before work (decision 25): who may upload, in which phase, and the declared size are checked
 * before a byte of the body is read; the bytes are counted as they stream, to a private temporary
 * file, checked by {@link uploadRemedyPackage}, then removed either way — the platform keeps the
 * checked result, never the upload.
 */
export async function receiveRemedyPackage(
  app: AppContext,
  opts: { actor: Actor; sectionId: string; body: ReadableStream<Uint8Array> | null; contentLength: string | null; meta: RequestMeta },
): Promise<RemedyResult> {
  const { openingId } = await findOpeningOfSection(app, opts.sectionId);
  await assertMayUploadRemedyPackage(app, { actor: opts.actor, openingId });
  assertDeclaredLength(opts.contentLength, MAX_REMEDY_BYTES);
  if (!opts.body) throw new AppError("VALIDATION_FAILED", { field: "package" });
  const file = path.join(os.tmpdir(), `bidhall-remedy-${randomBytes(8).toString("hex")}.zip`);
  try {
    await writeLimitedBody(opts.body, file, MAX_REMEDY_BYTES);
    return await uploadRemedyPackage(app, { actor: opts.actor, openingId, packagePath: file, meta: opts.meta });
  } finally {
    await fs.promises.rm(file, { force: true });
  }
}
