import fs from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { PGliteDialect } from "kysely-pglite-dialect";
import type { Database } from "#db/schema.ts";
import { guardedDialect } from "./db-guard.server.ts";

/**
 * One way to get a database: Kysely over `pg` when a URL is given (production, tests), over
 * PGlite in `<dataDir>/pglite` when not (embedded mode). Repository code must return the same
 * types on both: see `toBigInt` / `toCount` / `toBytes` below for the known differences
 * (STACK.md "PGlite and pg differ in types").
 */
export type Driver = "pg" | "pglite";

export interface DbHandle {
  db: Kysely<Database>;
  driver: Driver;
  /** The raw PGlite instance (for LISTEN in embedded mode); undefined on pg. */
  pglite?: PGlite;
  /** The pg pool (for a dedicated LISTEN client); undefined on PGlite. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
}

/** The database named by DATABASE_URL cannot be reached at start-up (the message is one line, without the password). */
export class DatabaseUnreachableError extends Error {
  override name = "DatabaseUnreachableError";
}

/** `user@host:port/database` of a connection URL: enough to find the server, never the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    return `${user}${u.hostname || "localhost"}:${u.port || "5432"}${u.pathname && u.pathname !== "/" ? u.pathname : ""}`;
  } catch {
    return "(an unreadable URL)";
  }
}

/** Why a connection failed, in a few words (pg's errors carry a code such as ECONNREFUSED or 28P01). */
function connectionProblem(e: unknown): string {
  const err = e as { code?: string; message?: string } | null;
  const message = (err?.message ?? String(e)).split("\n")[0]!.trim();
  return err?.code && !message.includes(err.code) ? `${err.code}: ${message}` : message;
}

/**
 * Checks at start-up that the database answers, so an unreachable server is one clear line
 * (naming DATABASE_URL's host, not its password) instead of a stack trace from the first migration.
 */
export async function assertReachable(handle: DbHandle, databaseUrl: string | undefined): Promise<void> {
  if (handle.driver !== "pg" || !databaseUrl) return;
  // A client of its own, so that a server that never answers (a firewall dropping packets) fails
  // after 10 s instead of hanging start-up; the pool keeps waiting as long as a busy moment needs.
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (e) {
    throw new DatabaseUnreachableError(
      `cannot reach the database at ${describeDatabaseUrl(databaseUrl)} (DATABASE_URL): ${connectionProblem(e)}`,
      { cause: e },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

// timestamptz → Date is pg's default; keep `bigint` (int8) as a string so no precision is lost.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export async function createDb(options: { databaseUrl?: string; dataDir: string; poolSize?: number }): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: guardedDialect(new PostgresDialect({ pool })) });
    return { db, driver: "pg", pool, close: () => db.destroy() };
  }

  const dir = path.join(options.dataDir, "pglite");
  fs.mkdirSync(dir, { recursive: true });
  const releaseLock = acquireLock(path.join(options.dataDir, "pglite.lock"));
  try {
    const pglite = new PGlite(dir);
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: guardedDialect(new PGliteDialect(pglite)) });
    return {
      db,
      driver: "pglite",
      pglite,
      async close() {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
        releaseLock();
      },
    };
  } catch (e) {
    releaseLock();
    throw e;
  }
}

/**
 * PGlite is a single-process database: a second process opening the same directory would
 * corrupt it. The lock file holds the owner's pid; a stale lock (owner gone) is taken over.
 */
function acquireLock(lockPath: string): () => void {
  const mine = String(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, mine, { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(lockPath, "utf8") === mine) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(fs.readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseLockedError(
          `the embedded database in ${path.dirname(lockPath)} is in use by process ${owner} ` +
            `(probably a running bidhall server). Stop it first, or set DATABASE_URL to use PostgreSQL.`,
        );
      }
      fs.unlinkSync(lockPath); // stale: its owner is gone
    }
  }
  throw new DatabaseLockedError(`could not take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** `count(*)` is a string on pg and a number on PGlite. */
export function toCount(v: unknown): number {
  return typeof v === "bigint" ? Number(v) : Number(v ?? 0);
}

/** int8 columns: a string on pg (see the type parser above), number or bigint on PGlite. */
export function toBigInt(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" || typeof v === "string") return BigInt(v);
  throw new TypeError(`not an integer: ${String(v)}`);
}

/** bytea: a Buffer on pg, a Uint8Array on PGlite. */
export function toBytes(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
