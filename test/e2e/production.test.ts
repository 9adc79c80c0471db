import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "#app/server/db.server.ts";
import { enqueueLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { testDatabaseUrl, withDatabase } from "#test/integration/helpers/pg-urls.ts";
import { startChainNode, type TestChainNode } from "#test/setup/chain-node.ts";
import { startS3Server, S3RVER_CREDENTIALS, type TestS3Server } from "#test/setup/s3-server.ts";
import { startSmtpServer, type TestSmtpServer } from "#test/setup/smtp-server.ts";

/**
 * Production mode started the way docs/operations.md tells an operator to (issue 17): a
 * PostgreSQL database, an S3-protocol server, an SMTP server and a separate chain node, then
 * `npm run db:migrate`, `npm run bidhall -- ca init`, `npm run ledger:deploy` against the node,
 * two app instances on different ports (one through `npm start`) and one `npm run worker`, all with
 * the same settings and secrets. `npm start` naming a bucket that does not exist refuses, naming it.
 * Both instances are ready (database, object store, chain node), log JSON lines carrying the request
 * id, serve metrics to the token holder only. The worker is SIGKILLed while a ledger write waits
 * for its block and restarted: every outbox item lands on the chain exactly once (decision 69).
 * Everything stops cleanly on SIGTERM.
 */
const root = path.resolve(import.meta.dirname, "../..");

describe("production mode on real services", () => {
  let s3: TestS3Server;
  let smtp: TestSmtpServer;
  let chain: TestChainNode;
  let dbName: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-production-"));
  const metricsToken = randomBytes(33).toString("base64");
  const children: ChildProcess[] = [];
  let env: NodeJS.ProcessEnv;

  /** Runs an npm script to its end; resolves with its output, rejects with it on a non-zero exit. */
  const npm = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", ...args], { cwd: root, env: { ...env, ...extra }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr.on("data", (b: Buffer) => (out += b.toString()));
      child.once("exit", (code) =>
        code === 0 ? resolve(out) : reject(Object.assign(new Error(`npm run ${args.join(" ")} exited ${code}:\n${out}`), { out })),
      );
    });

  /** Starts a long-running process; resolves once `ready` matches its output. */
  const launch = (script: string[], extra: Record<string, string>, ready: RegExp) =>
    new Promise<{ child: ChildProcess; lines: string[]; match: RegExpExecArray }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", ...script], {
        cwd: root,
        env: { ...env, ...extra },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      const lines: string[] = [];
      let buffer = "";
      const timer = setTimeout(() => reject(new Error(`${script.join(" ")} did not start:\n${lines.join("\n")}`)), 300_000);
      const onData = (b: Buffer) => {
        buffer += b.toString();
        const parts = buffer.split("\n");
        buffer = parts.pop()!;
        for (const line of parts) {
          lines.push(line);
          const match = ready.exec(line);
          if (match) {
            clearTimeout(timer);
            resolve({ child, lines, match });
          }
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${script.join(" ")} exited (${code}) while starting:\n${lines.join("\n")}`));
      });
    });

  const exitOf = (child: ChildProcess) =>
    new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code)),
    );

  beforeAll(async () => {
    [s3, smtp, chain] = await Promise.all([startS3Server(["bidhall-records"]), startSmtpServer(), startChainNode()]);
    dbName = `bidhall_prod_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`create database "${dbName}"`);
    await admin.end();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      BIDHALL_MODE: "production",
      HOST: "127.0.0.1",
      PUBLIC_URL: "https://bidhall.example.cn",
      DATABASE_URL: withDatabase(dbName),
      LEDGER_RPC_URL: chain.url,
      LEDGER_DEPLOYMENT: path.join(work, "ledger-deployment.json"),
      STORAGE_URL: "s3://bidhall-records/centre-a",
      STORAGE_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      SMTP_URL: smtp.url,
      BIDHALL_DATA_DIR: path.join(work, "data"),
      BIDHALL_UPLOADS_DIR: path.join(work, "shared-uploads"),
      METRICS_TOKEN: metricsToken,
      SESSION_SECRET: randomBytes(33).toString("base64"),
      PKI_PASSPHRASE: randomBytes(33).toString("base64"),
      LEDGER_KEY_SECRET: randomBytes(33).toString("base64"),
      ID_HASH_SECRET: randomBytes(33).toString("base64"),
      HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
    };
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await Promise.all([s3?.stop(), smtp?.stop(), chain?.stop()]);
    if (dbName) {
      const admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      await admin.query(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  const started = Date.now();
  const step = (name: string) => process.stderr.write(`production test: ${name} at ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  it(
    "migrates, creates the CA, deploys the contracts, refuses a missing bucket, serves from two instances and a worker, lands every ledger write once through a killed worker, and stops on SIGTERM",
    { timeout: 900_000 },
    async () => {
      step("db:migrate");
      expect(await npm(["db:migrate"])).toContain("0021_upload_locks Success");
      step("ca init");
      await npm(["bidhall", "--", "ca", "init"]);
      step("ledger:deploy");
      // The platform's ledger account is made on the first run; on a network that charges gas the
      // operator funds it (the command prints it) and runs the command again (it is idempotent).
      const first = await npm(["ledger:deploy"]).catch((e: { out: string }) => e.out);
      const platform = /platform account (0x[0-9a-fA-F]{40})/.exec(first)?.[1];
      expect(platform, first).toBeDefined();
      if (!fs.existsSync(env.LEDGER_DEPLOYMENT!)) {
        await chain.fund(platform!);
        await npm(["ledger:deploy"]);
      }
      const deployment = JSON.parse(fs.readFileSync(env.LEDGER_DEPLOYMENT!, "utf8")) as {
        chainId: string;
        contracts: Record<string, { address: string }>;
      };
      expect(deployment.chainId).toBe("20261205");

      step("npm start refuses a bucket that does not exist");
      const refused = await npm(["start"], { STORAGE_URL: "s3://no-such-bucket/centre-a", PORT: "0" }).then(
        (out) => ({ code: 0, out }),
        (e: { out: string }) => ({ code: 1, out: e.out }),
      );
      expect(refused.code, refused.out).not.toBe(0);
      expect(refused.out).toContain(`bidhall cannot start: the bucket "no-such-bucket" does not exist at ${s3.endpoint} (STORAGE_URL)`);

      step("instances and worker");
      const listening = /listening on http:\/\/localhost:(\d+)/;
      const [a, b, worker] = await Promise.all([
        // Instance A exactly as `npm start` runs it (scripts/start.ts: build when stale, then serve).
        launch(["scripts/start.ts"], { PORT: "0" }, listening),
        launch(["server.ts"], { PORT: "0" }, listening),
        launch(["scripts/worker.ts"], {}, /bidhall worker started/),
      ]);
      const urls = [a, b].map((s) => `http://127.0.0.1:${s.match[1]}`);
      expect(urls[0]).not.toBe(urls[1]);

      step("readiness");
      for (const url of urls) {
        const ready = await fetch(`${url}/readyz`);
        const body = (await ready.json()) as { status: string; checks: Record<string, string>; mode: string };
        expect(ready.status, JSON.stringify(body)).toBe(200);
        expect(body).toMatchObject({ status: "ready", mode: "production", checks: { database: "ok", storage: "ok", chain: "ok" } });
      }

      // Structured logs: every line of the instance is JSON, and a request's line carries the id it was answered with.
      const home = await fetch(`${urls[0]}/announcements`);
      const requestId = home.headers.get("x-request-id");
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      await expect
        .poll(() =>
          a.lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string; path?: string }).find((l) => l.requestId === requestId),
        )
        .toMatchObject({ msg: "request", path: "/announcements", status: 200, requestId });
      for (const line of [...a.lines, ...worker.lines]) expect(() => JSON.parse(line), line).not.toThrow();

      // Metrics: only for the token's holder.
      expect((await fetch(`${urls[1]}/metrics`)).status).toBe(401);
      expect((await fetch(`${urls[1]}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      const metrics = await fetch(`${urls[1]}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      for (const name of [
        "bidhall_http_request_duration_seconds_bucket",
        "bidhall_outbox_lag_seconds",
        "bidhall_live_stream_clients",
        "bidhall_jobs_failed",
      ])
        expect(text).toContain(name);

      step("worker killed during a ledger write");
      // The node holds transactions (no automining), so a ledger write is signed, recorded, sent and
      // left waiting for its block: the worker is SIGKILLed right there, then the block comes and a
      // new worker starts. Every write must be on the chain exactly once.
      const rpc = async (method: string, params: unknown[] = []) => {
        const res = await fetch(chain.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        });
        const body = (await res.json()) as { result?: unknown; error?: { message: string } };
        if (body.error) throw new Error(`${method}: ${body.error.message}`);
        return body.result;
      };
      const handle = await createDb({ databaseUrl: env.DATABASE_URL!, dataDir: work });
      const roots = Array.from({ length: 4 }, () => `0x${randomBytes(32).toString("hex")}`);
      const keys = roots.map((root) => `production-test:anchor:${root}`);
      try {
        await rpc("evm_setAutomine", [false]);
        await handle.db.transaction().execute(async (trx) => {
          for (const [i, root] of roots.entries())
            await enqueueLedgerWrite(
              trx,
              keys[i]!,
              { contract: "DocumentAnchor", method: "anchor", args: [root, "1024"], actor: "platform" },
              new Date(),
            );
        });
        await expect
          .poll(
            async () =>
              (await handle.db.selectFrom("ledger_sends").select("status").where("outbox_key", "in", keys).execute()).map((r) => r.status),
            { timeout: 60_000, interval: 100 },
          )
          .toContain("signed");
        worker.child.kill("SIGKILL");
        await exitOf(worker.child);
        await rpc("evm_mine");
        await rpc("evm_setAutomine", [true]);
        const again = await launch(["scripts/worker.ts"], {}, /bidhall worker started/);
        // The killed worker's job waits for its lease (30 s), then the new worker completes it from its record.
        await expect
          .poll(
            async () => (await handle.db.selectFrom("outbox").select("status").where("key", "in", keys).execute()).map((r) => r.status),
            { timeout: 150_000, interval: 1000 },
          )
          .toEqual(keys.map(() => "done"));
        const sends = await handle.db.selectFrom("ledger_sends").selectAll().where("outbox_key", "in", keys).execute();
        expect(sends.map((r) => r.status)).toEqual(keys.map(() => "confirmed"));
        // On the chain: one RootAnchored event per root, and the platform account sent exactly as
        // many transactions as the database recorded for it (no write went out twice).
        const logs = (await rpc("eth_getLogs", [
          { fromBlock: "0x0", toBlock: "latest", address: deployment.contracts.DocumentAnchor!.address },
        ])) as {
          topics: string[];
        }[];
        for (const root of roots) expect(logs.filter((l) => l.topics[1] === root)).toHaveLength(1);
        const account = sends[0]!.account;
        const recorded = await handle.db.selectFrom("ledger_sends").select("status").where("account", "=", account).execute();
        expect(recorded.every((r) => r.status === "confirmed")).toBe(true);
        expect(Number(await rpc("eth_getTransactionCount", [account, "latest"]))).toBe(recorded.length);

        step("SIGTERM");
        // SIGTERM: each process stops by itself, cleanly.
        for (const p of [a, b, again]) p.child.kill("SIGTERM");
        expect(await Promise.all([a, b, again].map((p) => exitOf(p.child)))).toEqual([0, 0, 0]);
      } finally {
        await rpc("evm_setAutomine", [true]).catch(() => undefined);
        await handle.close();
      }
    },
  );
});
