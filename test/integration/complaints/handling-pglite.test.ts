import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import type { Database } from "#db/schema.ts";
import { silentLog } from "../helpers/test-app.ts";
import { runHandlingScenario } from "./handling-scenario.ts";

/** Embedded mode (PGlite, one connection): the same handling, step by step, with the same refusals. */
describe("complaint handling on PGlite (embedded mode)", () => {
  let app: AppContext;
  beforeAll(async () => {
    const pglite = new PGlite();
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
    const config = {
      ...loadConfig({ BIDHALL_MODE: "embedded", BIDHALL_DATA_DIR: path.join(os.tmpdir(), `bidhall-complaints-pglite-${process.pid}`) }),
      clock: "fixed:2026-11-23T09:00:00+08:00",
    };
    app = {
      config,
      db,
      dbHandle: { db, driver: "pglite", pglite, close: () => db.destroy() },
      clock: createClock(config.clock),
      secrets: { session: "test-session-secret-which-is-long-enough" },
      log: silentLog,
    };
  }, 120_000);
  afterAll(async () => {
    await app?.dbHandle.close();
  });

  it("accepts, suspends, resumes, asks for documents, decides; refuses each step out of turn; the outbox holds each ledger step", async () => {
    const r = await runHandlingScenario(app);
    const keys = await app.db
      .selectFrom("outbox")
      .select("key")
      .where("key", "like", `complaint:${r.complaint.id}:%`)
      .orderBy("id")
      .execute();
    expect(keys.map((k) => k.key.split(":")[2])).toEqual(["accept", "suspend", "resume", "suspend", "decide"]);
  }, 180_000);
});
