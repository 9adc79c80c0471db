/**
 * Write-then-rename for envelope outputs. A decrypted bid must not exist under its final name
 * until the GCM tag has been checked (STACK.md "GCM authenticates only at the end"), and a
 * half-written envelope must not look like a whole one.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, rmSync } from "node:fs";
import type { WriteStream } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Temporary outputs being written by this process; an interrupted process removes them (see {@link removeUnfinishedOutputs}). */
const unfinished = new Set<string>();

/**
 * Removes every temporary output this process is writing, synchronously: for a signal handler
 * (SIGINT, SIGTERM), which must not leave a half-decrypted, unauthenticated plaintext behind.
 */
export function removeUnfinishedOutputs(): number {
  let n = 0;
  for (const tmp of unfinished) {
    rmSync(tmp, { force: true });
    unfinished.delete(tmp);
    n += 1;
  }
  return n;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * What a process killed outright (kill -9, a power cut) left beside `outPath`: its temporary files
 * carry their pid, and those of processes that no longer run are removed before the next write.
 */
async function removeOrphans(outPath: string): Promise<void> {
  const prefix = `.${basename(outPath)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(outPath));
  } catch {
    return; // the write itself reports a missing directory
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".partial")) continue;
    const pid = Number(/^(\d+)\./.exec(name.slice(prefix.length))?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) await rm(join(dirname(outPath), name), { force: true });
  }
}

/**
 * Runs `write` with a write stream on a fresh temporary file beside `outPath` (same directory,
 * so the rename is atomic on one filesystem). `write` must end the stream (e.g. as the last
 * stage of a pipeline). The file is fsynced and closed, then renamed to `outPath` only when
 * `write` resolves; otherwise it is deleted, after its descriptor is closed (so a slow open
 * cannot recreate it after the delete).
 */
export async function writeViaTemporaryFile<T>(outPath: string, write: (out: WriteStream) => Promise<T>): Promise<T> {
  await removeOrphans(outPath);
  const tmp = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${randomBytes(6).toString("hex")}.partial`);
  unfinished.add(tmp);
  try {
    return await writeAndRename(tmp, outPath, write);
  } finally {
    unfinished.delete(tmp);
  }
}

async function writeAndRename<T>(tmp: string, outPath: string, write: (out: WriteStream) => Promise<T>): Promise<T> {
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
