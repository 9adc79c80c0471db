import type { TestProject } from "vitest/node";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrateToLatest } from "#db/migrate.ts";
import { adminUrl, TEMPLATE_DB, testDatabaseUrl, withDatabase } from "./helpers/pg-urls.ts";

/**
 * Creates one migrated template database per run; each test file clones its own database from
 * it (CREATE DATABASE … TEMPLATE), so files run in parallel without seeing each other's rows.
 */
export default async function setup(project: TestProject) {
  const admin = new pg.Client({ connectionString: adminUrl() });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(
      `integration tests need PostgreSQL at ${testDatabaseUrl()} (TEST_DATABASE_URL); start it with ` +
        `"pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start" or run .ci/run: ${String(e)}`,
    );
  }
  // Leftovers of interrupted runs: every test database name carries the pid that made it; drop
  // those whose process is gone, and leave a concurrent run's databases alone.
  const stale = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname ~ '^bidhall_(t|e2e|test_template)_[0-9]+'",
  );
  for (const { datname } of stale.rows) {
    const pid = Number(/^bidhall_(?:t|e2e|test_template)_(\d+)/.exec(datname)?.[1]);
    if (!isAlive(pid)) await admin.query(`drop database if exists "${datname}" with (force)`);
  }
  await admin.query(`create database "${TEMPLATE_DB}"`);
  await admin.end();

  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: withDatabase(TEMPLATE_DB), max: 1 }) }),
  });
  await migrateToLatest(db);
  await sql`select 1`.execute(db);
  await db.destroy();

  project.provide("templateDatabase", TEMPLATE_DB);
  return async () => {
    const c = new pg.Client({ connectionString: adminUrl() });
    await c.connect();
    await c.query(`drop database if exists "${TEMPLATE_DB}" with (force)`);
    await c.end();
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
