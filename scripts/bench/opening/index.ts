import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { createDb, type DbHandle } from "#app/server/db.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { testDatabaseUrl, withDatabase } from "#test/integration/helpers/pg-urls.ts";
import { dropDatabase } from "#test/integration/helpers/test-app.ts";
import { machineLine, table, writeSection } from "../report.ts";
import { buildScene, type OpeningScene } from "./scene.ts";

/**
 * Opening benchmark (issue 7): BIDS bids (default 100) of SIZE MiB (default 20) decrypted and
 * read out through the real services (app/services/opening) on a throwaway PostgreSQL database
 * with a controlled clock: each timed run decrypts every bid of its own section through
 * decryptBid, with the content key each bidder's browser unwrapped beforehand (WebCrypto
 * RSA-OAEP, timed apart), sequentially and with a few in flight (BENCH_CONCURRENCY, default
 * 1,2,4), then publishes the reading-out (the signed record PDF). Each run is a process of its
 * own (scripts/bench/opening/run.ts) so its memory figures are its own.
 *
 * The anchor, measured in the same run before and after: `openssl speed` AES-256-GCM and
 * SHA-256 (16 KB blocks, one core). The lower bound of a run is its bytes through AES-GCM once
 * plus the SHA-256 passes the server makes (bid-package-checks.server.ts): the envelope while it
 * is copied out of storage (checked against the receipt), the plaintext package (its digest
 * against the receipt), and every entry while the package is opened (against the manifest).
 *
 *   npm run bench -- opening        (BENCH_BIDS, BENCH_SIZE_MIB, BENCH_KEYS, BENCH_CONCURRENCY to change)
 *
 * Needs PostgreSQL at TEST_DATABASE_URL (default postgres://postgres:postgres@127.0.0.1:5432/postgres);
 * the database is dropped at the end.
 */
const BIDS = Number(process.env.BENCH_BIDS ?? 100);
const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 20);
const KEYS = Number(process.env.BENCH_KEYS ?? 4);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,2,4").split(",").map(Number);
const BREAKDOWN_BIDS = 20;
/** Passes of SHA-256 over (about) the whole bid per decryption: envelope, package, entries. */
const SHA_PASSES = 3;
const CLOCK = "fixed:2026-11-23T09:00:00+08:00";

interface RunResult {
  concurrency: number;
  bids: number;
  recipientInfoMs: number[];
  unwrapMs: number[];
  decrypt: {
    seconds: number;
    perBidMs: number[];
    userSeconds: number;
    systemSeconds: number;
    rssBefore: number;
    peakRss: number;
    peakIsRunOnly: boolean;
    disk: { readBytes: number; writtenBytes: number };
  };
  readingOut?: { closeMs: number; ms: number; rows: number; decrypted: number; pdfBytes: number };
  steps: Record<"decryptStored" | "openOnly" | "openNoFsync" | "digest" | "check", number[]>;
}

/** MB/s (10⁶ bytes) from `openssl speed`, 16 KB blocks, 3 s. */
function opensslSpeed(args: string[]): number {
  const out = execFileSync("openssl", ["speed", "-bytes", "16384", "-seconds", "3", ...args], {
    stdio: ["ignore", "pipe", "ignore"],
  }).toString();
  const kbps = Number(out.trim().split("\n").pop()!.trim().split(/\s+/).pop()!.replace("k", ""));
  return (kbps * 1000) / 1e6;
}
const anchors = () => ({ aes: opensslSpeed(["-evp", "aes-256-gcm"]), sha: opensslSpeed(["sha256"]) });

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const median = (xs: number[]) => quantile(xs, 0.5);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ms = (x: number) => x.toFixed(1);

const root = path.resolve(import.meta.dirname, "../../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-bench-opening-"));
const dbName = `bidhall_bench_opening_${process.pid}`;
let dbHandle: DbHandle | undefined;
let created = false;
try {
  console.log(`opening benchmark: ${BIDS} bids × ${SIZE_MIB} MiB, runs with concurrency ${CONCURRENCY.join(", ")}, on ${machineLine()}`);
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  await admin.end();
  created = true;
  const databaseUrl = withDatabase(dbName);
  const dataDir = path.join(work, "data");
  dbHandle = await createDb({ databaseUrl, dataDir, poolSize: 10 });
  await migrateToLatest(dbHandle.db);
  const config = { ...loadConfig({ BIDHALL_MODE: "embedded", BIDHALL_DATA_DIR: dataDir }), databaseUrl, clock: CLOCK };
  const app: AppContext = {
    config,
    db: dbHandle.db,
    dbHandle,
    clock: createClock(CLOCK),
    secrets: { session: "bench-session-secret-which-is-long-enough" },
    log: { info() {}, warn() {}, error: (m) => console.error(m) },
  };

  const t0 = performance.now();
  const scene: OpeningScene = await buildScene(app, {
    sections: CONCURRENCY.length,
    bidders: BIDS,
    keys: KEYS,
    documentBytes: SIZE_MIB * 2 ** 20,
    dir: work,
    progress: (line) => console.log(`  setting up: ${line}`),
  });
  const setupSeconds = (performance.now() - t0) / 1000;
  await dbHandle.close();
  dbHandle = undefined;
  const sceneFile = path.join(work, "scene.json");
  fs.writeFileSync(sceneFile, JSON.stringify(scene), { mode: 0o600 });

  const loadBefore = os.loadavg()[0]!;
  console.log("  openssl speed (before)");
  const before = anchors();
  const runs: RunResult[] = [];
  for (const [s, concurrency] of CONCURRENCY.entries()) {
    console.log(`  decrypting section ${s + 1}: ${BIDS} bids, ${concurrency} at a time`);
    execFileSync("sync"); // the set-up's (or the previous run's) writes must not be flushed during this run
    const args = [sceneFile, String(s), String(concurrency), "--reading-out", ...(s === 0 ? [`--breakdown=${BREAKDOWN_BIDS}`] : [])];
    const r = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", path.join(import.meta.dirname, "run.ts"), ...args], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 16 << 20,
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (r.status !== 0) throw new Error(`run ${s + 1} failed (exit ${r.status})`);
    runs.push(JSON.parse(r.stdout.trim().split("\n").pop()!) as RunResult);
  }
  console.log("  openssl speed (after)");
  const after = anchors();
  const loadAfter = os.loadavg()[0]!;
  const aes = (before.aes + after.aes) / 2;
  const sha = (before.sha + after.sha) / 2;

  const bids = scene.sections[0]!.bids;
  const packageBytes = bids.reduce((n, b) => n + b.packageBytes, 0);
  const envelopeBytes = bids.reduce((n, b) => n + b.envelopeBytes, 0);
  // AES over the ciphertext (= the package), SHA-256 over the envelope, the package and its entries
  // (the document; bid.json's few hundred bytes left out).
  const shaBytes = envelopeBytes + packageBytes + bids.length * scene.documentBytes;
  const boundSeconds = packageBytes / 1e6 / aes + shaBytes / 1e6 / sha;

  const runRows = runs.map((r) => [
    r.concurrency === 1 ? "sequential" : `${r.concurrency} at a time`,
    `${r.bids}`,
    r.decrypt.seconds.toFixed(2),
    (packageBytes / 1e6 / r.decrypt.seconds).toFixed(0),
    ms(median(r.decrypt.perBidMs)),
    ms(quantile(r.decrypt.perBidMs, 0.99)),
    `${r.decrypt.userSeconds.toFixed(1)} + ${r.decrypt.systemSeconds.toFixed(1)}`,
    `${(r.decrypt.disk.readBytes / 1e6).toFixed(0)} / ${(r.decrypt.disk.writtenBytes / 1e6).toFixed(0)}`,
    mib(r.decrypt.rssBefore),
    mib(r.decrypt.peakRss),
    `${(r.decrypt.seconds / boundSeconds).toFixed(1)}×`,
  ]);
  const decryptTable = table(
    [
      "decryptBid ×" + BIDS,
      "decrypted",
      "total s",
      "MB/s",
      "per bid p50 ms",
      "per bid p99 ms",
      "Node CPU s user + sys",
      "disk MB read / written",
      "RSS before MiB",
      "peak RSS MiB",
      "÷ lower bound",
    ],
    [
      ...runRows,
      [
        "lower bound (openssl speed)",
        "—",
        boundSeconds.toFixed(2),
        (packageBytes / 1e6 / boundSeconds).toFixed(0),
        "—",
        "—",
        "—",
        "—",
        "—",
        "—",
        "1×",
      ],
    ],
  );

  const readingOuts = runs.map((r) => r.readingOut!);
  const sideRow = (step: string, who: string, xs: number[]) => [step, who, ms(median(xs)), ms(quantile(xs, 0.99)), xs.length];
  const sideTable = table(
    ["step", "who", "p50 ms", "p99 ms", "samples"],
    [
      sideRow(
        "getOwnRecipientInfo (the envelope's header from storage)",
        "server",
        runs.flatMap((r) => r.recipientInfoMs),
      ),
      sideRow(
        "unwrap the content key: WebCrypto RSA-OAEP-3072 (SHA-256), non-extractable key",
        "browser",
        runs.flatMap((r) => r.unwrapMs),
      ),
      sideRow(
        "closeDecryptionWindowEarly (every bid decided)",
        "server",
        readingOuts.map((o) => o.closeMs),
      ),
      sideRow(
        `publishReadingOut: ${readingOuts[0]!.rows} rows, signed record PDF (${(readingOuts[0]!.pdfBytes / 1024).toFixed(0)} KiB)`,
        "server",
        readingOuts.map((o) => o.ms),
      ),
    ],
  );

  const st = runs[0]!.steps;
  const m = (k: keyof RunResult["steps"]) => median(st[k]);
  const copyHash = m("decryptStored") - m("openOnly");
  const rest = m("check") - m("digest");
  const perBidMb = bids[0]!.packageBytes / 1e6;
  const at = (mbps: number) => ms((perBidMb / mbps) * 1000);
  const breakdownTable = table(
    ["step of one decryptBid (bid-package-checks.server.ts)", "median ms", "one pass at openssl speed, ms"],
    [
      ["decryptStoredEnvelope: copy the stored envelope to a scratch file, SHA-256 on the way", ms(copyHash), `${at(sha)} (SHA-256)`],
      ["decryptStoredEnvelope: openWithContentKey, AES-256-GCM to the scratch package, fsync", ms(m("openOnly")), `${at(aes)} (AES-GCM)`],
      ["decryptStoredEnvelope: the same decryption written without fsync (OpenTransform → createWriteStream)", ms(m("openNoFsync")), "—"],
      ["checkPlaintextPackage: sha256File, the package read again for its digest", ms(m("digest")), `${at(sha)} (SHA-256)`],
      ["checkPlaintextPackage: the rest (zip entries read again and hashed, JWS, chain, CRL, form)", ms(rest), `${at(sha)} (SHA-256)`],
      [
        "sum of the steps (decryptBid adds loads, the transaction, audit and live event)",
        ms(m("decryptStored") + m("check")),
        `${ms((boundSeconds / bids.length) * 1000)} (the lower bound)`,
      ],
    ],
  );
  const anchorLine =
    `openssl speed, 16 KB blocks, one core: AES-256-GCM ${before.aes.toFixed(0)} MB/s before, ${after.aes.toFixed(0)} after; ` +
    `SHA-256 ${before.sha.toFixed(0)} before, ${after.sha.toFixed(0)} after (the bound uses the means); ` +
    `1-minute load average ${loadBefore.toFixed(1)} before the runs, ${loadAfter.toFixed(1)} after`;
  console.log(decryptTable);
  console.log(sideTable);
  console.log(breakdownTable);
  console.log(anchorLine);

  const failed = runs.some((r) => r.decrypt.perBidMs.length !== BIDS) || readingOuts.some((o) => o.rows !== BIDS || o.decrypted !== BIDS);
  writeSection(
    "opening",
    `## Opening: ${BIDS} bids × ${SIZE_MIB} MiB decrypted and read out\n\n` +
      `\`npm run bench -- opening\` on ${machineLine()}, PostgreSQL on the same machine, ${new Date().toISOString().slice(0, 10)}. ` +
      `${BIDS} bidder organisations, one \`bid\` member each with a platform certificate (${KEYS} RSA-3072 keys shared ` +
      `round-robin); one section per run, each with ${BIDS} real bids (bid.json, one ${SIZE_MIB} MiB document, the manifest signed ` +
      `by the member: a ${bids[0]!.packageBytes}-byte package, sealed for the member's certificate into a ` +
      `${bids[0]!.envelopeBytes}-byte envelope, submitted before the deadline), built before timing through the services and the ` +
      `integration tests' helpers on a throwaway database, with a controlled clock (every member signed in, deadline passed, ` +
      `bidder list published, window open). Each run is its own process: first every bidder's browser side, timed apart ` +
      `(getOwnRecipientInfo, then the unwrap with WebCrypto), then, timed, \`decryptBid\` for all ${BIDS} bids with the posted ` +
      `keys (copy and hash the stored envelope, decrypt to a scratch file, package digest, manifest JWS and certificate chain, ` +
      `every entry hash, the opening form, the attempt recorded), then \`publishReadingOut\`. MB = 10⁶ bytes of package. Peak RSS ` +
      `is the run process's during the decryptions (VmHWM reset after a GC; before: RSS at that moment); Node CPU is that ` +
      `process's (PostgreSQL's is not counted), and so is the disk I/O (getrusage block counts: reads that missed the page cache, ` +
      `writes including the scratch files); ${((packageBytes * CONCURRENCY.length) / 1e9).toFixed(1)} GB of envelopes are stored, ` +
      `with ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB of RAM, and a \`sync\` precedes each run. Lower bound = the run's bytes once through AES-256-GCM plus ` +
      `${SHA_PASSES} SHA-256 passes (envelope, package, entries) at the rates \`openssl speed\` measured in this run on one core; ` +
      `with several in flight the two cores could in principle beat it. Set-up (organisations, certificates, ` +
      `${BIDS * CONCURRENCY.length} packages built, sealed and submitted, sign-ins, deadline): ${setupSeconds.toFixed(0)} s.\n\n` +
      `${decryptTable}\n\n${sideTable}\n\n` +
      `Where the time of one sequential decryption goes (median of ${st.decryptStored.length} bids, each step timed on its own after the ` +
      `run, files in the page cache):\n\n${breakdownTable}\n\n${anchorLine}.`,
  );
  if (failed) {
    console.error("opening benchmark: not every bid was decrypted and read out");
    process.exitCode = 1;
  }
} finally {
  await dbHandle?.close();
  if (created) await dropDatabase(dbName);
  fs.rmSync(work, { recursive: true, force: true });
}
