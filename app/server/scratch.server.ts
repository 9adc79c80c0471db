import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Logger } from "./context.server.ts";

/**
 * Scratch files: a bid's plaintext at the opening (the decrypted package before its checks pass,
 * the remedy's upload) must never outlive the check that needed it. Every process works under a
 * directory of its own, `<tmp>/bidhall-scratch/<pid>.<random>`, and removes each scratch
 * directory when the check ends; {@link removeStaleScratch} at start-up removes what processes that
 * are gone (a crash, kill -9, a power cut) left behind (decision 0029).
 */
export const SCRATCH_ROOT_NAME = "bidhall-scratch";

let own: string | undefined;

function scratchRoot(tmp = os.tmpdir()): string {
  const root = path.join(tmp, SCRATCH_ROOT_NAME);
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  // A shared /tmp: refuse a root someone else made (or a symlink to elsewhere) rather than put plaintext in it.
  const st = fs.lstatSync(root);
  if (!st.isDirectory() || (typeof process.getuid === "function" && st.uid !== process.getuid()))
    throw new Error(`${root} is not a directory of this user; remove it or set TMPDIR elsewhere`);
  return root;
}

function ownDirectory(): string {
  own ??= fs.mkdtempSync(path.join(scratchRoot(), `${process.pid}.`));
  return own;
}

/** A fresh private directory for one check; the caller removes it whatever happens. */
export function scratchDir(purpose: string): string {
  return fs.mkdtempSync(path.join(ownDirectory(), `${purpose}-`));
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
 * Removes the scratch directories of processes that no longer run. A directory named with this
 * process's own pid but not its own is stale too (a container restarted with the same pid).
 * Returns how many were removed.
 */
export async function removeStaleScratch(log?: Logger, tmp = os.tmpdir()): Promise<number> {
  const root = scratchRoot(tmp);
  let removed = 0;
  for (const name of await fs.promises.readdir(root)) {
    const pid = Number(/^(\d+)\./.exec(name)?.[1]);
    if (!pid || path.join(root, name) === own) continue;
    if (pid !== process.pid && isAlive(pid)) continue;
    await fs.promises.rm(path.join(root, name), { recursive: true, force: true });
    removed += 1;
  }
  if (removed > 0) log?.warn(`removed ${removed} scratch director${removed === 1 ? "y" : "ies"} left by processes that stopped abruptly`);
  return removed;
}
