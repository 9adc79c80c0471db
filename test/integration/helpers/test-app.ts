import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext, Logger, RequestMeta } from "#app/server/context.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { adminUrl, withDatabase } from "./pg-urls.ts";

/**
 * A fresh database cloned from the migrated template, and an AppContext on it with a fixed
 * clock. Call in beforeAll; `close()` in afterAll drops the database.
 */
export interface TestApp extends AppContext {
  databaseUrl: string;
  close(): Promise<void>;
}

export const silentLog: Logger = { info() {}, warn() {}, error() {} };

export const TEST_META: RequestMeta = { ip: "203.0.113.7", userAgent: "vitest" };

export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `bidhall_t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database "${name}" template "${inject("templateDatabase")}"`);
  await admin.end();
  return {
    name,
    url: withDatabase(name),
    async drop() {
      await dropDatabase(name);
    },
  };
}

/**
 * pg's Pool.end() resolves before its sockets have closed, so a forced drop right after it would
 * kill live connections (and their clients would report errors). Wait for them to go instead.
 */
export async function dropDatabase(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`drop database if exists "${name}"`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== "55006" || attempt >= 50) throw e; // 55006: object in use
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await c.end();
  }
}

export async function createTestApp(options: { clock?: string; log?: Logger } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = {
    ...loadConfig({ BIDHALL_MODE: "embedded", BIDHALL_DATA_DIR: path.join(os.tmpdir(), database.name) }),
    databaseUrl: database.url,
    clock: options.clock ?? "fixed:2026-11-23T09:00:00+08:00",
  };
  const dbHandle = await createDb({ databaseUrl: database.url, dataDir: config.dataDir, poolSize: 20 });
  return {
    config,
    db: dbHandle.db,
    dbHandle,
    clock: createClock(config.clock),
    secrets: { session: "test-session-secret-which-is-long-enough" },
    log: options.log ?? silentLog,
    databaseUrl: database.url,
    async close() {
      await dbHandle.close();
      await database.drop();
    },
  };
}
