import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "#app/server/db.server.ts";
import { createTestDatabase } from "../helpers/test-app.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");

/** `bidhall credit import FILE` against the platform's database: all lines or none. */
describe("bidhall credit import", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let handle: DbHandle;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-credit-cli-"));
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BIDHALL_MODE: "embedded",
      BIDHALL_DATA_DIR: dir,
      DATABASE_URL: database.url,
    };
    handle = await createDb({ databaseUrl: database.url, dataDir: dir });
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const bidhall = (...args: string[]) =>
    run(process.execPath, ["--import", "tsx", "scripts/bidhall.ts", ...args], { cwd: root, env }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const counts = async () => ({
    records: (await handle.db.selectFrom("credit_records").select("id").execute()).length,
    bans: (await handle.db.selectFrom("credit_bans").select("id").execute()).length,
  });

  it("imports a good CSV file: grades and bans, with quoted fields", async () => {
    const file = write(
      "good.csv",
      [
        "uscc,grade,effective_from,effective_to,source,reason,ban_scope,ban_until",
        '91350100M000100Y43,red,2026-01-01,2026-12-31,福建省住房和城乡建设厅,"守信激励名单，2025 年度",,',
        "91350100MA2Y00004T,black,2026-03-01,,福州市中级人民法院,失信被执行人,,",
        "91350100MA2Y00003P,,2026-06-01,,福州市住房和城乡建设局,招标投标法第五十三条,engineering,2027-05-31",
      ].join("\r\n") + "\r\n",
    );
    const r = await bidhall("credit", "import", file);
    expect(r.stderr.split("\n").filter((l) => l && !l.includes("warning:"))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/imported 2 credit records and 1 bans/);
    expect(await counts()).toEqual({ records: 2, bans: 1 });
    const red = await handle.db.selectFrom("credit_records").selectAll().where("grade", "=", "red").executeTakeFirstOrThrow();
    expect(red.reason).toBe("守信激励名单，2025 年度");
    expect(red.effective_to?.toISOString()).toBe("2026-12-31T16:00:00.000Z"); // the end of 31 December, Shanghai
    const audit = await handle.db.selectFrom("audit_log").select(["type", "user_agent"]).where("type", "=", "credit.imported").execute();
    expect(audit).toEqual([{ type: "credit.imported", user_agent: "bidhall-cli" }]);
  });

  it("imports JSON too", async () => {
    const file = write(
      "good.json",
      JSON.stringify([
        { uscc: "91350200MA2Y000053", grade: "蓝", effective_from: "2026-02-01", source: "厦门市信用办", reason: "合同履约异常" },
      ]),
    );
    const r = await bidhall("credit", "import", file);
    expect(r.code).toBe(0);
    expect(await counts()).toEqual({ records: 3, bans: 1 });
  });

  it("refuses a file with a bad line, naming every bad line, and imports nothing of it", async () => {
    const file = write(
      "bad.csv",
      [
        "uscc,grade,effective_from,effective_to,source,reason,ban_scope,ban_until",
        "91350500MA2Y00006M,orange,2026-01-01,,泉州市信用办,正常,,",
        "91350100M000100Y44,purple,2026-13-01,,x,y,,",
        "91350100MA2Y000074,red,2026-01-01,,,理由,everywhere,2027-01-01",
      ].join("\n"),
    );
    const r = await bidhall("credit", "import", file);
    expect(r.code).not.toBe(0);
    const line = r.stderr
      .trim()
      .split("\n")
      .filter((l) => !l.includes("warning:"));
    expect(line).toHaveLength(1);
    expect(line[0]).toMatch(/nothing was imported/);
    expect(line[0]).toMatch(/line 3: uscc "91350100M000100Y44" is invalid/);
    expect(line[0]).toMatch(/line 3: grade "purple"/);
    expect(line[0]).toMatch(/line 3: effective_from "2026-13-01"/);
    expect(line[0]).toMatch(/line 4: source is missing/);
    expect(line[0]).toMatch(/line 4: ban_scope "everywhere"/);
    expect(line[0]).not.toMatch(/line 2/);
    expect(await counts()).toEqual({ records: 3, bans: 1 });
  });

  it("says how to call it", async () => {
    const r = await bidhall("credit", "import");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/usage: bidhall credit import FILE/);
  });
});
