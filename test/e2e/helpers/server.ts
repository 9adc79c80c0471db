import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { testDatabaseUrl, withDatabase } from "../../integration/helpers/pg-urls.ts";

/**
 * Starts the built server as a child process on a free port against a fresh, empty PostgreSQL
 * database (the server migrates it and loads the demo data, as `npm start` does), with test
 * hooks on. Each e2e file starts its own, so a file also runs alone with `npx vitest run FILE`.
 */
export interface RunningServer {
  url: string;
  /** Empty when the server runs on PGlite (`database: "pglite"`). */
  databaseUrl: string;
  /** BIDHALL_DATA_DIR of the server (its generated secrets live there: give it to the CLI too). */
  dataDir: string;
  logs: string[];
  advanceClock(seconds: number): Promise<string>;
  /**
   * Stops the server (SIGTERM, as an operator would) and starts it again on the same port, database
   * and data directory; `clock` (e.g. `fixed:<the server's last now>`) keeps a test clock from going back.
   */
  restart(clock?: string): Promise<void>;
  /** Stops the server and removes its database and data directory (`keepDataDir`: only stops it, for the CLI to read). */
  stop(options?: { keepDataDir?: boolean }): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "../../..");

export async function startServer(
  options: {
    clock?: string;
    env?: Record<string, string>;
    /** "pglite": exactly `npm start`'s embedded database */ database?: "postgres" | "pglite";
  } = {},
): Promise<RunningServer> {
  const onPglite = options.database === "pglite";
  const dbName = `bidhall_e2e_${process.pid}_${randomBytes(4).toString("hex")}`;
  if (!onPglite) {
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`create database "${dbName}"`);
    await admin.end();
  }
  const databaseUrl = onPglite ? "" : withDatabase(dbName);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-e2e-"));

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production" as const,
    BIDHALL_MODE: "embedded",
    BIDHALL_TEST_HOOKS: "1",
    BIDHALL_DATA_DIR: dataDir,
    ...(onPglite ? {} : { DATABASE_URL: databaseUrl }),
    SESSION_SECRET: randomBytes(32).toString("hex"),
    ...options.env,
  };
  const logs: string[] = [];
  let child: ChildProcess;
  let port = "0";

  /** Spawns the server and resolves with its URL once it listens. */
  function spawnServer(clock: string | undefined): Promise<string> {
    child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: root,
      env: { ...env, PORT: port, ...(clock ? { BIDHALL_CLOCK: clock } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const spawned = child;
    return new Promise<string>((resolve, reject) => {
      // Generous: the first start seeds the demo story (keys, sealed bids, signed records) on two shared cores.
      const timer = setTimeout(() => reject(new Error(`server did not start in 150 s:\n${logs.join("")}`)), 150_000);
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        logs.push(text);
        const m = /listening on (http:\/\/localhost:(\d+))/.exec(text);
        if (m) {
          clearTimeout(timer);
          port = m[2]!;
          resolve(m[1]!.replace("localhost", "127.0.0.1"));
        }
      };
      spawned.stdout!.on("data", onData);
      spawned.stderr!.on("data", (c: Buffer) => logs.push(c.toString()));
      spawned.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${logs.join("")}`));
      });
    });
  }

  async function stopServer() {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  }

  const url = await spawnServer(options.clock);

  return {
    url,
    databaseUrl,
    dataDir,
    logs,
    async advanceClock(seconds: number) {
      const res = await fetch(`${url}/__test/clock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ advanceSeconds: seconds }),
      });
      if (!res.ok) throw new Error(`advancing the clock failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { now: string }).now;
    },
    async restart(clock?: string) {
      await stopServer();
      const again = await spawnServer(clock);
      if (again !== url) throw new Error(`the server came back on ${again}, not ${url}`);
    },
    async stop(stopOptions = {}) {
      await stopServer();
      if (stopOptions.keepDataDir) return;
      if (!onPglite) {
        const c = new pg.Client({ connectionString: testDatabaseUrl() });
        await c.connect();
        await c.query(`drop database if exists "${dbName}" with (force)`);
        await c.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
