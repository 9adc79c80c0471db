import fs from "node:fs";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatBytes } from "#app/domain/shared/bytes.ts";

/**
 * Reading a request body within a limit (decision 25). The declared Content-Length is judged before
 * anything is read; the bytes are counted as they arrive (a chunked body declares nothing), and the
 * reading stops at the first byte over the limit with `REQUEST_TOO_LARGE` (413).
 *
 * On a refusal the body stream is left alone rather than cancelled: cancelling would destroy the
 * socket and the client would see a reset instead of the 413 with its message. Express closes the
 * connection after such an answer (app/web/edge.server.ts), so the rest is never taken in.
 */
export const tooLarge = (limit: number) => new AppError("REQUEST_TOO_LARGE", { limit: formatBytes(limit) });

export function assertDeclaredLength(contentLength: string | null, limit: number): void {
  if (contentLength !== null && (!/^\d+$/.test(contentLength) || Number(contentLength) > limit)) throw tooLarge(limit);
}

/** Each chunk of the body, counted; throws at the first one that takes the total over `limit`. */
async function* limitedChunks(body: ReadableStream<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      received += value.byteLength;
      if (received > limit) throw tooLarge(limit);
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function readLimitedChunks(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>[]> {
  assertDeclaredLength(request.headers.get("content-length"), limit);
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  if (request.body) for await (const chunk of limitedChunks(request.body, limit)) chunks.push(chunk as Uint8Array<ArrayBuffer>);
  return chunks;
}

/** The whole body in memory (JSON): at most `limit` bytes. */
export async function readLimitedBody(request: Request, limit: number): Promise<Buffer> {
  return Buffer.concat(await readLimitedChunks(request, limit));
}

/** The body as form data, within `limit` bytes (Remix's `request.formData()` would read any amount). */
export async function readLimitedFormData(request: Request, limit: number): Promise<FormData> {
  const body = new Blob(await readLimitedChunks(request, limit));
  return new Response(body, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
}

/** Streams the body into a new private file (mode 0600), at most `limit` bytes; returns the size. */
export async function writeLimitedBody(body: ReadableStream<Uint8Array>, file: string, limit: number): Promise<number> {
  const out = fs.createWriteStream(file, { mode: 0o600 });
  let size = 0;
  try {
    for await (const chunk of limitedChunks(body, limit)) {
      size += chunk.byteLength;
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await finished(out);
    return size;
  } finally {
    if (!out.writableFinished) out.destroy();
  }
}
