/**
 * Write-then-rename for envelope outputs. A decrypted bid must not exist under its final name
 * until the GCM tag has been checked (STACK.md "GCM authenticates only at the end"), and a
 * half-written envelope must not look like a whole one.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import type { WriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Runs `write` with a write stream on a fresh temporary file beside `outPath` (same directory,
 * so the rename is atomic on one filesystem). `write` must end the stream (e.g. as the last
 * stage of a pipeline). The file is fsynced and closed, then renamed to `outPath` only when
 * `write` resolves; otherwise it is deleted, after its descriptor is closed (so a slow open
 * cannot recreate it after the delete).
 */
export async function writeViaTemporaryFile<T>(outPath: string, write: (out: WriteStream) => Promise<T>): Promise<T> {
  const tmp = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString("hex")}.partial`);
  // flush: fsync before close (Node ≥ 20.10), so a crash after the rename cannot leave a
  // renamed but empty file.
  const out = createWriteStream(tmp, { flags: "wx", mode: 0o600, flush: true });
  const closed = new Promise<void>((resolve) => out.once("close", () => resolve()));
  // Errors reach `write` through its pipeline; this only keeps an unobserved one from crashing.
  out.on("error", () => undefined);
  let result: T;
  try {
    result = await write(out);
    if (!out.writableFinished) throw new Error("writeViaTemporaryFile: the output stream was not ended");
    await closed;
  } catch (e) {
    out.destroy();
    await closed;
    await rm(tmp, { force: true });
    throw e;
  }
  try {
    await rename(tmp, outPath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return result;
}
