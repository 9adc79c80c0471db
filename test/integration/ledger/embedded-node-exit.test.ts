import { spawn } from "node:child_process";
import fs from "node:fs";
import { describe, expect, it } from "vitest";

/** Running: signal 0 reaches it and it is not a zombie waiting for a reaper that may never come. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

describe("the embedded ledger node", () => {
  it("exits when the process that started it is killed with SIGKILL (no exit handler runs)", async () => {
    const parent = spawn(process.execPath, ["--import", "tsx", "test/integration/ledger/fixtures/ledger-parent.ts"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    parent.stdout.on("data", (b: Buffer) => (out += b.toString()));
    await expect.poll(() => /ledger-pid (\d+)/.exec(out), { timeout: 60_000, interval: 200 }).not.toBeNull();
    const pid = Number(/ledger-pid (\d+)/.exec(out)![1]);
    expect(alive(pid)).toBe(true);

    const exited = new Promise((resolve) => parent.once("exit", resolve));
    parent.kill("SIGKILL");
    await exited;
    // The node notices on its own (stdin closed, parent gone); the poll's timeout only detects a hang.
    try {
      await expect.poll(() => alive(pid), { timeout: 20_000, interval: 200 }).toBe(false);
    } finally {
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  });
});
