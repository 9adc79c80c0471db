import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { appendAudit, SYSTEM_ACTOR, verifyAuditChain } from "#app/server/audit.server.ts";
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
