import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { sql } from "kysely";
import * as tus from "tus-js-client";
import { verifySignedJson, type Receipt } from "#app/crypto/jws/signed-json.ts";
import { bootApp } from "#app/server/boot.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { buildApp, buildIsStale } from "#scripts/start.ts";
import { startServer, type RunningServer } from "#test/e2e/helpers/server.ts";
import { machineLine, table, writeSection } from "../report.ts";
import { buildScene, type RushScene } from "./scene.ts";

/**
 * Deadline rush: UPLOADS bidders (default 200) each upload a sealed envelope of SIZE MiB (default
 * 10) at the same moment over tus to the real upload endpoint of the real server (server.ts as
 * built for `npm start`, embedded mode on a throwaway PostgreSQL database with its ledger node,
 * job runner and scheduler), the way `bidhall submit` does (tus-js-client, 8 MiB chunks, the same
 * retry delays, an API token each). Every upload must come back with a platform-signed receipt
 * for exactly its bytes. The anchor, in the same run, before and after: a bare Node `http`
 * server streaming the same uploads to disk, all at once.
 *
 *   npm run bench -- deadline-rush          (BENCH_UPLOADS, BENCH_SIZE_MIB, BENCH_KEYS to change)
 *
 * Needs PostgreSQL at TEST_DATABASE_URL (default postgres://postgres:postgres@127.0.0.1:5432/postgres)
 * and builds the app first when the build is stale, as `npm start` does.
 */
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 200);
const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 10);
const KEYS = Number(process.env.BENCH_KEYS ?? 8);
const CHUNK = 8 * 1024 * 1024; // scripts/cli/submit-command.ts
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000]; // scripts/cli/submit-command.ts
// A pinned platform date (flowing, as an offset) so the section's dates stay inside the loaded holiday calendar.
const CLOCK = `offset:${Math.round((Date.parse("2026-11-23T09:00:00+08:00") - Date.now()) / 1000)}`;
const root = path.resolve(import.meta.dirname, "../../..");

interface Outcome {
  ok: boolean;
  seconds: number;
  retries: number;
  body?: string;
  error?: string;
  /** When the client had read the last byte into its request (tus only): transfer versus processing. */
  lastByteAt?: number;
}
interface Rush {
  outcomes: Outcome[];
  bytes: number;
  seconds: number;
}

async function rush(scene: RushScene, send: (b: RushScene["bidders"][number], i: number) => Promise<Omit<Outcome, "seconds">>) {
  execFileSync("sync"); // the previous step's writes (envelopes, uploads) must not be flushed during this one
  const t0 = performance.now();
  const outcomes = await Promise.all(
    scene.bidders.map(async (b, i) => ({ ...(await send(b, i)), seconds: (performance.now() - t0) / 1000 })),
  );
  for (const o of outcomes) if (o.lastByteAt !== undefined) o.lastByteAt = (o.lastByteAt - t0) / 1000;
  const bytes = outcomes.reduce((sum, o, i) => sum + (o.ok ? scene.bidders[i]!.size : 0), 0);
  return { outcomes, bytes, seconds: Math.max(...outcomes.map((o) => o.seconds)) };
}

function tusUpload(url: string, scene: RushScene, b: RushScene["bidders"][number]): Promise<Omit<Outcome, "seconds">> {
  return new Promise((resolve) => {
    let retries = 0;
    let lastByteAt: number | undefined;
    const input = fs.createReadStream(b.envelopePath);
    const upload = new tus.Upload(input, {
      // tus-js-client's own file source (slices read from the path), noting when the last slice has been read into the request.
      fileReader: {
        openFile: async () => ({
          size: b.size,
          slice: async (start: number, end: number) => {
            const stream = Object.assign(fs.createReadStream(b.envelopePath, { start, end: end - 1 }), {
              size: Math.min(end - start, b.size),
            });
            if (end >= b.size) stream.once("end", () => (lastByteAt = performance.now()));
            return { value: stream, done: stream.size >= b.size };
          },
          close: () => input.destroy(),
        }),
      },
      endpoint: `${url}/api/uploads`,
      uploadSize: b.size,
      chunkSize: CHUNK,
      retryDelays: RETRY_DELAYS,
      metadata: { sectionId: scene.sectionId, packageDigest: scene.packageDigest, filename: "bid.p7m" },
      headers: { authorization: `Bearer ${b.token}`, "accept-language": "en" },
      // tus-js-client's own rule (retry unless a 4xx other than 409/423), counting the retries.
      onShouldRetry: (err) => {
        const status = err.originalResponse?.getStatus() ?? 0;
        const retry = status < 400 || status >= 500 || status === 409 || status === 423;
        if (retry) retries++;
        return retry;
      },
      onError: (e) => resolve({ ok: false, retries, error: `${(e as tus.DetailedError).originalResponse?.getBody() ?? e.message}` }),
      onSuccess: (p) => resolve({ ok: true, retries, body: p.lastResponse.getBody() ?? "", lastByteAt }),
    });
    upload.start();
  });
}

function bareUpload(port: number, b: RushScene["bidders"][number], i: number): Promise<Omit<Outcome, "seconds">> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: `/${i}`,
        headers: { "content-length": b.size, "content-type": "application/octet-stream" },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          const ok = res.statusCode === 201 && (JSON.parse(body) as { bytes: number }).bytes === b.size;
          resolve({ ok, retries: 0, ...(ok ? {} : { error: `${res.statusCode} ${body}` }) });
        });
      },
    );
    req.on("error", (e) => resolve({ ok: false, retries: 0, error: e.message }));
    pipeline(fs.createReadStream(b.envelopePath), req).catch(() => undefined); // reported through the request's error
  });
}

async function startBareServer(dir: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "bare-server.ts"), dir], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      const m = /listening (\d+)/.exec(c.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`the bare server exited with ${code}`)));
  });
  return { port, child };
}

/** Every receipt must be the platform's signature over exactly the bytes that bidder sent. */
async function checkReceipts(app: AppContext, scene: RushScene, run: Rush): Promise<{ verified: number; versions: number }> {
  let verified = 0;
  for (const [i, o] of run.outcomes.entries()) {
    if (!o.ok) continue;
    const { receipt, receiptJws } = JSON.parse(o.body!) as { receipt: Receipt; receiptJws: string };
    const signed = (await verifySignedJson(receiptJws)).payload as Receipt;
    const b = scene.bidders[i]!;
    if (signed.receiptNo === receipt.receiptNo && signed.envelopeSha256 === b.envelopeSha256 && signed.size === b.size) verified++;
  }
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from bid_versions v join bids b on b.id = v.bid_id where b.section_id = ${scene.sectionId}`.execute(app.db);
  return { verified, versions: Number(rows[0]!.n) };
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const mbps = (r: Rush) => r.bytes / 1e6 / r.seconds;
function row(name: string, r: Rush, ratio: string): (string | number)[] {
  const ok = r.outcomes.filter((o) => o.ok);
  const s = (x: number) => `${x.toFixed(1)} s`;
  const sent = ok.filter((o) => o.lastByteAt !== undefined);
  return [
    name,
    `${ok.length}/${r.outcomes.length}`,
    r.outcomes.length - ok.length,
    r.outcomes.reduce((sum, o) => sum + o.retries, 0),
    mbps(r).toFixed(0),
    s(r.seconds),
    s(
      quantile(
        ok.map((o) => o.seconds),
        0.5,
      ),
    ),
    sent.length > 0 ? s(Math.max(...sent.map((o) => o.lastByteAt!))) : "—",
    sent.length > 0
      ? s(
          quantile(
            sent.map((o) => o.seconds - o.lastByteAt!),
            0.5,
          ),
        )
      : "—",
    ratio,
  ];
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-bench-rush-"));
let server: RunningServer | undefined;
let app: AppContext | undefined;
let bare: ChildProcess | undefined;
try {
  console.log(`deadline rush: ${UPLOADS} × ${SIZE_MIB} MiB on ${machineLine()}`);
  if (buildIsStale()) buildApp();
  const t0 = performance.now();
  server = await startServer({ clock: CLOCK });
  app = await bootApp({
    config: loadConfig({
      BIDHALL_MODE: "embedded",
      DATABASE_URL: server.databaseUrl,
      BIDHALL_DATA_DIR: server.dataDir,
      BIDHALL_CLOCK: CLOCK,
      SESSION_SECRET: randomBytes(32).toString("hex"),
    }),
    log: { info() {}, warn() {}, error: (m) => console.error(m) },
    seed: false,
    pki: false,
  });
  const scene = await buildScene(app, {
    bidders: UPLOADS,
    keys: KEYS,
    plaintextBytes: SIZE_MIB * 2 ** 20,
    dir: work,
    progress: (line) => console.log(`  setting up: ${line}`),
  });
  const setupSeconds = (performance.now() - t0) / 1000;
  const received = path.join(work, "bare");
  fs.mkdirSync(received);
  const started = await startBareServer(received);
  bare = started.child;
  const bareRun = async () => {
    const r = await rush(scene, (b, i) => bareUpload(started.port, b, i));
    for (const f of fs.readdirSync(received)) fs.rmSync(path.join(received, f));
    return r;
  };

  console.log("  bare http, before");
  const before = await bareRun();
  console.log("  bidhall tus");
  const ours = await rush(scene, (b) => tusUpload(server!.url, scene, b));
  console.log("  bare http, after");
  const after = await bareRun();

  const { verified, versions } = await checkReceipts(app, scene, ours);
  const anchor = (mbps(before) + mbps(after)) / 2;
  const failed = ours.outcomes.filter((o) => !o.ok);
  const md = table(
    [
      "path",
      "done",
      "failures",
      "retries",
      "MB/s",
      "last receipt / response",
      "median upload",
      "last byte sent",
      "median last byte → receipt",
      "ratio",
    ],
    [
      row("bidhall: tus → submitBid → receipt", ours, `${(mbps(ours) / anchor).toFixed(2)}× bare`),
      row("bare http stream-to-disk (before)", before, "anchor"),
      row("bare http stream-to-disk (after)", after, "anchor"),
    ],
  );
  console.log(md);
  console.log(
    `receipts verified: ${verified}/${UPLOADS} (platform signature, envelope SHA-256 and size); bid versions in the database: ${versions}`,
  );
  for (const f of failed.slice(0, 5)) console.log(`  failure: ${f.error}`);
  const envelopeBytes = scene.bidders[0]!.size;
  writeSection(
    "deadline-rush",
    `## Deadline rush: ${UPLOADS} bids × ${SIZE_MIB} MiB at once\n\n` +
      `\`npm run bench -- deadline-rush\` on ${machineLine()}, ${new Date().toISOString().slice(0, 10)}. ` +
      `${UPLOADS} bidder organisations registered for one section, one \`bid\` member each with a platform certificate ` +
      `(${KEYS} RSA-3072 keys shared round-robin) and an API token; each uploads its own envelope (${envelopeBytes} bytes, ` +
      `sealed for its certificate, made before timing) at the same moment with tus-js-client as \`bidhall submit\` does ` +
      `(8 MiB chunks, same retries) over loopback to the built server (embedded mode on a throwaway PostgreSQL database, ` +
      `ledger node, worker and scheduler running). Done = a receipt came back; ${verified} of ${UPLOADS} receipts checked ` +
      `(platform signature, envelope SHA-256 and size), ${versions} bid versions in the database. The anchor is a bare Node ` +
      `\`http\` server streaming the same ${UPLOADS} uploads to disk, all at once, run before and after in the same process ` +
      `(each run starts after a \`sync\`); the ratio is against their mean. MB = 10⁶ bytes, over the time to the last receipt. ` +
      `"Last byte sent" is when the client had read the last byte of every upload into its request; what follows it is the ` +
      `server finishing the write, storing and hashing the envelope, and signing and recording the receipt. The client shares ` +
      `the 2 cores with the servers, and other people's work shares the machine. Set-up (server start, organisations, ` +
      `certificates, envelopes): ` +
      `${setupSeconds.toFixed(0)} s.\n\n${md}`,
  );
  if (failed.length > 0 || verified !== UPLOADS || versions !== UPLOADS) process.exitCode = 1;
} finally {
  bare?.kill("SIGTERM");
  await app?.dbHandle.close();
  await server?.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
