import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeStaleScratch, SCRATCH_ROOT_NAME, scratchDir } from "./scratch.server.ts";

describe("scratch directories", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-scratch-test-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("gives each check a private directory under this process's own", () => {
    const dir = scratchDir("opening");
    expect(path.basename(path.dirname(dir))).toMatch(new RegExp(`^${process.pid}\\.`));
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    fs.rmSync(dir, { recursive: true });
  });

  it("removes at start-up what processes that are gone left behind, and nothing of a running one", async () => {
    const root = path.join(tmp, SCRATCH_ROOT_NAME);
    const leave = (name: string) => {
      fs.mkdirSync(path.join(root, name, "opening-x"), { recursive: true });
      fs.writeFileSync(path.join(root, name, "opening-x", "package.zip"), "plaintext of a bid");
    };
    leave("999999999.dead01"); // a crashed process
    leave(`${process.pid}.earlier`); // this pid, but an earlier life (a container restarted)
    leave(`${process.ppid}.alive1`); // a process that still runs
    expect(await removeStaleScratch(undefined, tmp)).toBe(2);
    expect(fs.readdirSync(root)).toEqual([`${process.ppid}.alive1`]);
  });

  it("refuses a scratch root that is a symlink planted elsewhere", async () => {
    const other = fs.mkdtempSync(path.join(tmp, "planted-"));
    const tmp2 = fs.mkdtempSync(path.join(tmp, "tmp2-"));
    fs.symlinkSync(other, path.join(tmp2, SCRATCH_ROOT_NAME));
    await expect(removeStaleScratch(undefined, tmp2)).rejects.toThrow(/not a directory of this user/);
  });
});
