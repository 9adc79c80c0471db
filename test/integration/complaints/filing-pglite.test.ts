import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { afterAll, beforeAll, describe } from "vitest";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import type { Database } from "#db/schema.ts";
import { silentLog } from "../helpers/test-app.ts";
import { filingSuite } from "./filing-suite.ts";

/** The same objections and complaints in embedded mode (PGlite, one connection). */
describe("objections and complaints (PGlite)", () => {
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
    await ensurePlatformPki(app);
  });
  afterAll(async () => {
    await app?.dbHandle.close();
  });

  filingSuite(() => app);
});
