import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { appendAudit, SYSTEM_ACTOR, verifyAuditChain } from "#app/server/audit.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import type { Database } from "#db/schema.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

const event = (i: number) => ({ type: "clock.advanced" as const, data: { seconds: i, now: new Date(0).toISOString() } });

describe("the audit chain", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("stays one unbroken chain with 50 concurrent writers", async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.db.transaction().execute((trx) => appendAudit(trx, { event: event(i), actor: SYSTEM_ACTOR, at: app.clock.now() })),
      ),
    );
    const result = await verifyAuditChain(app.db);
    expect(result).toEqual({ ok: true, rows: 50 });
    const hashes = await app.db.selectFrom("audit_log").select("prev_hash").execute();
    expect(new Set(hashes.map((h) => h.prev_hash)).size).toBe(50); // no two rows share a parent: no fork
  });

  it("refuses updates and deletes at the database level", async () => {
    await expect(sql`update audit_log set type = 'x' where seq = 1`.execute(app.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(app.db)).rejects.toThrow(/append-only/);
  });

  it("names the first row someone edited behind the trigger's back", async () => {
    // A DBA who disables the trigger can still edit; the chain shows it.
    await sql`alter table audit_log disable trigger audit_log_no_update_delete`.execute(app.db);
    await sql`update audit_log set data = '{"seconds": 999, "now": "1970-01-01T00:00:00.000Z"}' where seq = 17`.execute(app.db);
    await sql`alter table audit_log enable trigger audit_log_no_update_delete`.execute(app.db);
    expect(await verifyAuditChain(app.db)).toMatchObject({ ok: false, badSeq: "17", rows: 16 });

    // …and so does the command-line tool, in one line, with a non-zero exit.
    const cli = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/bidhall.ts", "audit", "verify"], {
      cwd: path.resolve(import.meta.dirname, "../../.."),
      env: { ...process.env, DATABASE_URL: app.databaseUrl },
    }).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim()).toBe(
      "bidhall: audit chain broken at row 17: its content does not match its hash (edited) (16 rows before it are intact)",
    );
  });
});

/**
 * Embedded mode (`npm start`) keeps the audit log in PGlite, whose driver returns int8 as a
 * number where pg returns a string: the hash input must be the same on both, or a fresh
 * platform reports its own first row as edited.
 */
describe("the audit chain on PGlite (embedded mode)", () => {
  let db: Kysely<Database>;
  beforeAll(async () => {
    const pglite = new PGlite();
    await pglite.waitReady;
    db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
  });
  afterAll(() => db.destroy());

  it("verifies what it wrote, and still names an edited row", async () => {
    const actor = { personId: randomUUID(), organisationId: randomUUID(), ip: "203.0.113.9", userAgent: "Chromium" };
    for (let i = 0; i < 12; i++)
      await db
        .transaction()
        .execute((trx) => appendAudit(trx, { event: event(i), actor, at: new Date(Date.UTC(2026, 11, 5, 1, 2, 3, i)) }));
    expect(await verifyAuditChain(db, 5)).toEqual({ ok: true, rows: 12 });

    await sql`alter table audit_log disable trigger audit_log_no_update_delete`.execute(db);
    await sql`update audit_log set ip = '198.51.100.1' where seq = 7`.execute(db);
    expect(await verifyAuditChain(db, 5)).toMatchObject({ ok: false, badSeq: "7", rows: 6 });
  });
});
