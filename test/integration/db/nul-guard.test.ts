import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit, SYSTEM_ACTOR } from "#app/server/audit.server.ts";
import { createDb, describeDatabaseUrl, toCount, type DbHandle } from "#app/server/db.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { createOrganisation } from "#test/factories/organisations.ts";
import { createTestDatabase } from "../helpers/test-app.ts";

/**
 * PostgreSQL refuses a NUL character in text; user input carrying one (a search term, a form
 * field, a JSON string) must be a 400 with a clear message, never a 500 (decision 25). Every query
 * on either driver goes through the guard in app/server/db-guard.server.ts, and a refused step
 * inside a transaction leaves the previous state intact.
 */
describe.each(["pg", "pglite"] as const)("a NUL character on the way to the database (%s)", (driver) => {
  let handle: DbHandle;
  let drop: (() => Promise<void>) | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-nul-"));

  beforeAll(async () => {
    if (driver === "pg") {
      const database = await createTestDatabase();
      drop = database.drop;
      handle = await createDb({ databaseUrl: database.url, dataDir });
    } else {
      handle = await createDb({ dataDir });
      await migrateToLatest(handle.db);
    }
  });
  afterAll(async () => {
    await handle?.close();
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const malformed = expect.objectContaining({
    code: "REQUEST_MALFORMED",
    status: 400,
    message: "REQUEST_MALFORMED: Invalid request: the submitted data contains a NUL character or a malformed encoding, so it was refused.",
  });

  it("refuses a NUL in a text parameter, in a query's where clause, and in an array", async () => {
    await expect(createOrganisation(handle.db, { name: "海峡\0建设", kinds: ["bidder"] })).rejects.toEqual(malformed);
    await expect(handle.db.selectFrom("organisations").select("id").where("name", "like", "%\0%").execute()).rejects.toBeInstanceOf(
      AppError,
    );
    await expect(sql`select ${["a", "b\0"]}::text[] as x`.execute(handle.db)).rejects.toEqual(malformed);
  });

  it("refuses `\\u0000` inside a JSON value (jsonb), and rolls back the transaction it was part of", async () => {
    const count = async () =>
      toCount(
        (
          await handle.db
            .selectFrom("organisations")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await createOrganisation(trx, { name: "先写入的单位", kinds: ["bidder"] });
        await appendAudit(trx, {
          event: { type: "clock.advanced", data: { seconds: 1, now: "x\0y" } },
          actor: SYSTEM_ACTOR,
          at: new Date(),
        });
      }),
    ).rejects.toEqual(malformed);
    expect(await count()).toBe(before);
    // Ordinary text (including a backslash and Chinese) goes through.
    await createOrganisation(handle.db, { name: "闽江\\路桥", kinds: ["bidder"] });
    expect(await count()).toBe(before + 1);
  });
});

describe("describeDatabaseUrl", () => {
  it("names the server and the database, never the password", () => {
    expect(describeDatabaseUrl("postgres://bidhall:s3cret@db.internal:6432/bidhall?sslmode=require")).toBe(
      "bidhall@db.internal:6432/bidhall",
    );
    expect(describeDatabaseUrl("postgres://db.internal/x")).toBe("db.internal:5432/x");
    expect(describeDatabaseUrl("not a url")).toBe("(an unreadable URL)");
  });
});
