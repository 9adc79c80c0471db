import { constants, sign, type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { silentLog, createTestDatabase } from "../helpers/test-app.ts";

/** An AppContext on a fresh PostgreSQL database cloned from the template, or on an in-memory-like PGlite directory. */
export async function appOn(driver: "pg" | "pglite", clock: string): Promise<AppContext & { close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bidhall-signing-${driver}-`));
  const database = driver === "pg" ? await createTestDatabase() : null;
  const dbHandle = await createDb({ ...(database ? { databaseUrl: database.url, poolSize: 10 } : {}), dataDir });
  if (!database) await migrateToLatest(dbHandle.db);
  const config = { ...loadConfig({ BIDHALL_MODE: "embedded", BIDHALL_DATA_DIR: dataDir }), clock };
  return {
    config,
    db: dbHandle.db,
    dbHandle,
    clock: createClock(clock),
    secrets: { session: "test-session-secret-which-is-long-enough" },
    log: silentLog,
    async close() {
      await dbHandle.close();
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What the browser does with the person's non-extractable key: RSASSA-PKCS1-v1_5 / SHA-256 over the DER given. */
export function signAttributes(privateKey: KeyObject, signedAttributesDerBase64: string): string {
  return sign("sha256", Buffer.from(signedAttributesDerBase64, "base64"), {
    key: privateKey,
    padding: constants.RSA_PKCS1_PADDING,
  }).toString("base64");
}
