/**
 * Test support: run the real OpenSSL CLI (3.0 on these machines) against files in a temporary
 * directory, so the PKI is checked by an independent implementation rather than by itself.
 * Not imported by application code.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type OpensslResult = { status: number; stdout: string; stderr: string; output: string };

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), "bidhall-pki-"));

  write(name: string, data: string | Uint8Array): string {
    const file = join(this.path, name);
    writeFileSync(file, data);
    return file;
  }

  file(name: string): string {
    return join(this.path, name);
  }

  /** `openssl …` with cwd = this directory; never throws, the caller asserts on status/output. */
  openssl(args: string[], options: { input?: string | Uint8Array } = {}): OpensslResult {
    const run = spawnSync("openssl", args, {
      cwd: this.path,
      input: options.input,
      encoding: "utf8",
      // UTF-8 locale so -passin with Chinese characters reaches OpenSSL as UTF-8
      env: { ...process.env, LC_ALL: "C.UTF-8" },
      timeout: 60_000,
    });
    if (run.error) throw run.error;
    return {
      status: run.status ?? -1,
      stdout: run.stdout,
      stderr: run.stderr,
      output: run.stdout + run.stderr,
    };
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
