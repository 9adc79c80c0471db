import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { openingStream, publishLiveEvent } from "#app/server/events/publish.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import type { Database } from "#db/schema.ts";
import { machineLine, table, writeSection } from "../report.ts";

/**
 * Opening-hall fan-out (issue 7): CLIENTS SSE clients (default 1,000) on one server instance over
 * real HTTP on loopback; EVENTS events (default 200, at RATE per second, default 20) published
 * through PostgreSQL (a transaction with `publishLiveEvent`, LISTEN/NOTIFY, the hub reading the
 * row, `sseResponse`), beside a bare Node SSE server broadcasting the same events to as many
 * clients in the same run (the anchor). Latency runs from the publisher's call to the client's
 * read; memory is the server process's, after a GC.
 *
 *   npm run bench -- hall-fanout   (or npx tsx scripts/bench/hall-fanout/index.ts [CLIENTS] [EVENTS] [RATE] [ROUNDS])
 *
 * Uses a throwaway database on TEST_DATABASE_URL's server, dropped at the end. Server, clients
 * and publisher are three processes sharing the machine's two cores, as they would on one box.
 */
const clients = Number(process.argv[2] ?? process.env.BENCH_CLIENTS ?? 1000);
const events = Number(process.argv[3] ?? process.env.BENCH_EVENTS ?? 200);
const rate = Number(process.argv[4] ?? process.env.BENCH_RATE ?? 20);
const rounds = Number(process.argv[5] ?? process.env.BENCH_ROUNDS ?? 3);
const adminUrl = process.env.TEST_DATABASE_URL || "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const dbName = `bidhall_bench_fanout_${process.pid}`;
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const here = import.meta.dirname;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A reading-out row, about the size of the real ones. */
const payload = (seq: number, sentAt: number) => ({
  seq,
  sentAt,
  bidder: { uscc: "91350100MA2XYZ1234", name: "福建海峡建设工程有限公司" },
  fields: { price: "123456789", duration: "365", quality: "合格", manager: "张三" },
});

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  maxRss: number;
  /** user + system CPU of the server process so far */
  cpuMicros: number;
}
interface Report {
  received: number;
  outOfOrder: number;
  complete: number;
  p50: number;
  p99: number;
  max: number;
}

function child(file: string, args: string[]): ChildProcess {
  return fork(path.join(here, file), args, {
    execArgv: ["--import", "tsx", "--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/** The next IPC message of `type` from `c`, or an error after `ms` (every wait here is bounded). */
function next<T>(c: ChildProcess, type: string, ms = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${type}" from ${c.spawnargs.at(-1)} within ${ms} ms`)), ms);
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      c.off("message", onMessage);
      c.off("exit", onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${c.spawnargs.join(" ")} exited (${code}) before "${type}"`));
    };
    c.on("message", onMessage);
    c.once("exit", onExit);
  });
}

async function stopChild(c: ChildProcess | undefined, message?: unknown): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once("exit", r));
  if (message && c.connected) c.send(message);
  const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

type Result = Record<
  "received" | "outOfOrder" | "p50" | "p99" | "max" | "idleRss" | "loadedRss" | "kibPerClient" | "peakRss" | "cpuMsPerEvent" | "commitP50",
  number
>;

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Each figure is the median over the rounds; delivery counts are added up, so a single loss shows. */
function combine(results: Result[]): Result {
  const out = {} as Result;
  for (const k of Object.keys(results[0]!) as (keyof Result)[])
    out[k] = k === "received" || k === "outOfOrder" ? results.reduce((n, r) => n + r[k], 0) : median(results.map((r) => r[k]));
  return out;
}

async function phase(mode: "bare" | "ours", db: Kysely<Database>) {
  let server: ChildProcess | undefined;
  let fleet: ChildProcess | undefined;
  // A fresh opening each round: subscribers start at the beginning of its stream.
  const stream = openingStream(randomUUID());
  try {
    server = child("server.ts", mode === "ours" ? [mode, dbUrl, stream] : [mode]);
    const { port } = await next<{ port: number }>(server, "ready");
    const idle = await (server.send({ type: "memory" }), next<Memory>(server, "memory"));
    fleet = child("clients.ts", [String(port), String(clients), String(events)]);
    const done = next(fleet, "done", 120_000 + (events / rate) * 1000);
    done.catch(() => undefined); // awaited below; a timeout is reported there
    const { connected, failed } = await next<{ connected: number; failed: number }>(fleet, "connected", 120_000);
    if (connected !== clients) throw new Error(`${mode}: only ${connected} of ${clients} clients connected (${failed} failed)`);
    const loaded = await (server.send({ type: "memory" }), next<Memory>(server, "memory"));

    const commitMs: number[] = [];
    const start = now();
    for (let seq = 1; seq <= events; seq++) {
      // A fixed schedule (not sleep-after-publish), so a slow publish does not lower the rate.
      const due = start + ((seq - 1) * 1000) / rate;
      if (due > now()) await sleep(due - now());
      const sentAt = now();
      if (mode === "bare") server.send({ type: "broadcast", id: seq, event: "reading_out.row", data: payload(seq, sentAt) });
      else {
        await db
          .transaction()
          .execute((trx) => publishLiveEvent(trx, { stream, type: "reading_out.row", data: payload(seq, sentAt), at: new Date() }));
        commitMs.push(now() - sentAt);
      }
    }
    let timedOut = false;
    await done.catch(() => (timedOut = true));
    const after = await (server.send({ type: "memory" }), next<Memory>(server, "memory"));
    const report = await (fleet.send({ type: "report" }), next<Report>(fleet, "report"));
    if (timedOut) console.warn(`${mode}: not every client received every event (${report.received} of ${clients * events})`);
    return {
      received: report.received,
      outOfOrder: report.outOfOrder,
      p50: report.p50,
      p99: report.p99,
      max: report.max,
      idleRss: idle.rss,
      loadedRss: loaded.rss,
      kibPerClient: (loaded.rss - idle.rss) / clients / 1024,
      peakRss: after.maxRss,
      cpuMsPerEvent: (after.cpuMicros - loaded.cpuMicros) / 1000 / events,
      commitP50: median(commitMs),
    };
  } finally {
    await stopChild(fleet, { type: "report" });
    await stopChild(server, { type: "stop" });
  }
}

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database "${dbName}"`);
const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
pool.on("error", () => undefined); // the forced drop below may reach an idle connection before it has closed
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
try {
  await migrateToLatest(db);
  console.log(`hall-fanout: ${clients} SSE clients, ${events} events at ${rate}/s, ${rounds} rounds, on ${machineLine()}`);
  const runs: { bare: Result[]; ours: Result[] } = { bare: [], ours: [] };
  // Alternate, so a burst of load from elsewhere on the machine does not fall on one side only.
  for (let round = 1; round <= rounds; round++) {
    for (const mode of round % 2 ? (["bare", "ours"] as const) : (["ours", "bare"] as const)) {
      const r = await phase(mode, db);
      runs[mode].push(r);
      console.log(
        `round ${round} ${mode}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.kibPerClient.toFixed(1)} KiB per client`,
      );
    }
  }
  const bare = combine(runs.bare);
  const ours = combine(runs.ours);

  const mib = (b: number) => (b / 1048576).toFixed(1);
  const ms = (v: number) => v.toFixed(2);
  const rows = (
    [
      ["bare node:http SSE broadcast (anchor)", bare],
      ["bidhall: NOTIFY → LiveEventHub → sseResponse", ours],
    ] as const
  ).map(([name, r]) => [
    name,
    `${r.received} / ${clients * events * rounds}`,
    r.outOfOrder,
    ms(r.p50),
    ms(r.p99),
    ms(r.max),
    mib(r.idleRss),
    mib(r.loadedRss),
    r.kibPerClient.toFixed(1),
    mib(r.peakRss),
    r.cpuMsPerEvent.toFixed(1),
  ]);
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "—");
  const md = table(
    [
      "server",
      "delivered",
      "out of order",
      "p50 ms",
      "p99 ms",
      "max ms",
      "RSS idle MiB",
      `RSS with ${clients} clients MiB`,
      "KiB per client",
      "peak RSS MiB",
      "server CPU ms per event",
    ],
    rows,
  );
  const spread = (k: "p50" | "p99") => runs.ours.map((r) => ms(r[k])).join(", ");
  const ratios =
    `Ratio bidhall / bare: p50 ${ratio(ours.p50, bare.p50)}×, p99 ${ratio(ours.p99, bare.p99)}×, ` +
    `memory per client ${ratio(ours.kibPerClient, bare.kibPerClient)}×, RSS with clients ${ratio(ours.loadedRss, bare.loadedRss)}×, ` +
    `server CPU per event ${ratio(ours.cpuMsPerEvent, bare.cpuMsPerEvent)}×. ` +
    `The publishing transaction (lock, insert, pg_notify, commit) took ${ms(ours.commitP50)} ms at the median. ` +
    `bidhall's rounds: p50 ${spread("p50")} ms; p99 ${spread("p99")} ms.`;
  console.log(md);
  console.log(ratios);
  writeSection(
    "hall-fanout",
    `## Opening hall fan-out: ${clients} SSE clients\n\n` +
      `\`npm run bench -- hall-fanout\` (\`npx tsx scripts/bench/hall-fanout/index.ts ${clients} ${events} ${rate} ${rounds}\`) on ${machineLine()}, ` +
      `PostgreSQL on the same machine, ${new Date().toISOString().slice(0, 10)}. ${events} reading-out events at ${rate}/s to ${clients} ` +
      `clients, each its own HTTP connection over loopback; latency from the publisher's call to the client's read, over every ` +
      `(client, event) pair; server memory after a GC; each figure the median of ${rounds} rounds, the two servers alternating. ` +
      `bidhall's path: a transaction with \`publishLiveEvent\` in the publisher process, NOTIFY, the server's hub reading the row and ` +
      `writing it through \`sseResponse\` (a web ReadableStream per client, read by the loop of Remix's Express adapter); the anchor ` +
      `receives each event over IPC and \`res.write\`s one prepared frame to every client. The machine is shared: tail latency ` +
      `moves with other people's load, so compare the two rows of one run, not runs.\n\n${md}\n\n${ratios}`,
  );
} finally {
  await db.destroy();
  await admin.query(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
}
