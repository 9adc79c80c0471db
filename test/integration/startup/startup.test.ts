import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, DatabaseLockedError, toCount } from "#app/server/db.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { activeMemberships } from "#app/server/repo/people.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { createTestDatabase } from "../helpers/test-app.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-startup-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("starting the platform", () => {
  it("refuses production mode without its settings and names the missing ones", async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production" as const,
      BIDHALL_MODE: "production",
      DATABASE_URL: "postgres://nowhere/x",
    };
    const result = await run(process.execPath, ["--import", "tsx", "server.ts"], { cwd: root, env }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bidhall cannot start: production mode needs these settings, which are missing:");
    for (const name of ["PUBLIC_URL", "LEDGER_RPC_URL", "PKI_PASSPHRASE", "SESSION_SECRET", "ID_HASH_SECRET"])
      expect(result.stderr).toContain(name);
    expect(result.stderr).not.toContain("DATABASE_URL,"); // given, so not named
  });

  it("refuses a HOST that is not an address, naming it, before opening anything", async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production" as const, HOST: "http://0.0.0.0:3000" };
    const result = await run(process.execPath, ["--import", "tsx", "server.ts"], { cwd: root, env }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'bidhall cannot start: HOST must be an IP address or a host name (e.g. 127.0.0.1 or 0.0.0.0), not "http://0.0.0.0:3000"',
    );
  });

  it("keeps a second process out of the embedded database, with a clear message", async () => {
    const dataDir = path.join(tmp, "locked");
    const first = await createDb({ dataDir });
    try {
      fs.writeFileSync(path.join(dataDir, "pglite.lock"), String(process.ppid)); // a live process that is not us
      await expect(createDb({ dataDir })).rejects.toThrow(DatabaseLockedError);
      await expect(createDb({ dataDir })).rejects.toThrow(/in use by process \d+.*DATABASE_URL/);
    } finally {
      fs.writeFileSync(path.join(dataDir, "pglite.lock"), String(process.pid));
      await first.close();
    }
    expect(fs.existsSync(path.join(dataDir, "pglite.lock"))).toBe(false);
  });

  it("takes over a stale lock left by a crashed process", async () => {
    const dataDir = path.join(tmp, "stale");
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, "pglite.lock"), "999999");
    const handle = await createDb({ dataDir });
    await handle.close();
  });

  it("returns the same shapes from repository code on PGlite and on PostgreSQL", async () => {
    const pgDatabase = await createTestDatabase();
    const handles = [await createDb({ dataDir: path.join(tmp, "parity") }), await createDb({ databaseUrl: pgDatabase.url, dataDir: tmp })];
    try {
      const shapes = [];
      for (const h of handles) {
        await migrateToLatest(h.db);
        const { person } = await createOrganisationWithMember(h.db, {
          organisation: { name: "同构公司", kinds: ["bidder", "tenderer"], uscc: "91350100M000100Y43" },
          person: { name: "甲", email: "same@example.cn" },
          roles: ["admin", "bid"],
        });
        const [m] = await activeMemberships(h.db, person.id);
        const count = toCount(
          (
            await h.db
              .selectFrom("organisations")
              .select((eb) => eb.fn.countAll().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        );
        shapes.push({
          kinds: m!.kinds,
          roles: m!.roles,
          uscc: m!.organisationUscc,
          count,
          types: Object.fromEntries(Object.entries(m!).map(([k, v]) => [k, Array.isArray(v) ? "array" : typeof v])),
        });
      }
      expect(shapes[0]).toEqual(shapes[1]);
    } finally {
      for (const h of handles) await h.close();
      await pgDatabase.drop();
    }
  });
});
