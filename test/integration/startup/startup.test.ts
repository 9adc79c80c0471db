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

  /** A production environment that passes every check but the one a test breaks. */
  const strongProduction = () => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production" as const,
    BIDHALL_MODE: "production",
    PUBLIC_URL: "https://bidhall.example.cn",
    DATABASE_URL: "postgres://bidhall:pw-never-shown-9f2c@127.0.0.1:1/bidhall",
    LEDGER_RPC_URL: "http://127.0.0.1:1",
    LEDGER_DEPLOYMENT: "/nonexistent/deployment.json",
    STORAGE_URL: "s3://bidhall/prod",
    SMTP_URL: "smtps://mail.example.cn",
    SESSION_SECRET: "Qm7vX2pL9sK4tR8wE1yU6iO3aZ5cV0bN-f",
    PKI_PASSPHRASE: "tangerine velvet harbour quietly 47 orbit slate",
    LEDGER_KEY_SECRET: "b3f1c9a0e7d24f68a5c1093e7b2d4f6a8c0e1d3b5f7a9c2e",
    ID_HASH_SECRET: "Zr8Kq2Wm5Xn7Bv1Lc4Hj6Gf9Dt3Sy0Pa-_Ue",
  });
  const start = (env: NodeJS.ProcessEnv) =>
    run(process.execPath, ["--import", "tsx", "server.ts"], { cwd: root, env }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );

  it("refuses weak production secrets and an http:// PUBLIC_URL, naming each setting and why, in one line", async () => {
    const result = await start({
      ...strongProduction(),
      SESSION_SECRET: "bidhall-session-secret-bidhall-session",
      PUBLIC_URL: "http://bidhall.example.cn",
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([
      "bidhall cannot start: " +
        'SESSION_SECRET is too weak: it contains the placeholder word "secret"; ' +
        'PUBLIC_URL must be an https:// address in production (people sign in and upload bids there), not "http://bidhall.example.cn"',
    ]);
  });

  it("says in one line, naming DATABASE_URL's host but never its password, that the database cannot be reached", async () => {
    const result = await start(strongProduction());
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^bidhall cannot start: cannot reach the database at bidhall@127\.0\.0\.1:1\/bidhall \(DATABASE_URL\): .*ECONNREFUSED/,
    );
    expect(result.stderr).not.toContain("pw-never-shown");
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
