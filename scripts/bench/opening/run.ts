import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { OpenTransform, openWithContentKey } from "#app/server/envelope/index.server.ts";
import { scratchDir } from "#app/server/scratch.server.ts";
import { checkPlaintextPackage, decryptStoredEnvelope, sha256File } from "#app/services/opening/bid-package-checks.server.ts";
import { closeDecryptionWindowEarly } from "#app/services/opening/close-decryption-window-early.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { getOwnRecipientInfo } from "#app/services/opening/get-own-recipient-info.server.ts";
import { loadOpening } from "#app/services/opening/opening-context.server.ts";
import { publishReadingOut } from "#app/services/opening/publish-reading-out.server.ts";
import { storedPath } from "#test/integration/bidding/helpers/bids.ts";
import { TEST_META } from "#test/integration/helpers/test-app.ts";
import { actorOf } from "#test/factories/tendering.ts";
import type { OpeningScene } from "./scene.ts";

/**
 * One timed run of the opening benchmark, in a process of its own (launched with --expose-gc)
 * so its memory is its own: every bid of one section of the scene, on the scene's controlled
 * clock. First what each bidder's browser does (its recipient info from the server, the content
 * key unwrapped with WebCrypto RSA-OAEP and a non-extractable key imported beforehand), timed
 * per bid but apart; then, timed, every decryptBid with CONCURRENCY in flight; then, optionally,
 * publishReadingOut, and a breakdown of decryptBid's steps on the first N bids (through the
 * functions decryptBid itself calls). Prints one JSON line.
 *
 *   run.ts SCENE.json SECTION CONCURRENCY [--reading-out] [--breakdown=N]
 */
const [sceneFile, sectionArg, concurrencyArg, ...flags] = process.argv.slice(2) as [string, string, string, ...string[]];
const scene = JSON.parse(fs.readFileSync(sceneFile, "utf8")) as OpeningScene;
const section = scene.sections[Number(sectionArg)]!;
const concurrency = Number(concurrencyArg);
const breakdownBids = Number(flags.find((f) => f.startsWith("--breakdown="))?.split("=")[1] ?? 0);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const config = {
  ...loadConfig({ BIDHALL_MODE: "embedded", BIDHALL_DATA_DIR: scene.dataDir }),
  databaseUrl: scene.databaseUrl,
  clock: `fixed:${scene.clockAt}`,
};
const dbHandle = await createDb({ databaseUrl: scene.databaseUrl, dataDir: scene.dataDir, poolSize: 10 });
const app: AppContext = {
  config,
  db: dbHandle.db,
  dbHandle,
  clock: createClock(config.clock),
  secrets: { session: "bench-session-secret-which-is-long-enough" },
  log: { info() {}, warn() {}, error: (m) => console.error(m) },
};

/** VmHWM back to the current RSS (Linux ≥ 4.0), so the peak is the timed phase's own. */
function resetPeakRss(): boolean {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

try {
  const bids = section.bids;
  const actors = await Promise.all(bids.map((b) => actorOf(app.db, b.personId)));
  const pemDer = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const keys = await Promise.all(
    scene.keys.map((pem) => crypto.subtle.importKey("pkcs8", pemDer(pem), { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt"])),
  );

  // The browser's side: the own recipient info, then the unwrap, one bidder after another.
  const recipientInfoMs: number[] = [];
  const unwrapMs: number[] = [];
  const contentKeys: Uint8Array[] = [];
  for (const [i, b] of bids.entries()) {
    const t0 = performance.now();
    const info = await getOwnRecipientInfo(app, { actor: actors[i]!, openingId: section.openingId, certificateSerial: b.serialHex });
    const t1 = performance.now();
    const key = await crypto.subtle.decrypt({ name: "RSA-OAEP" }, keys[b.key]!, Buffer.from(info.encryptedKey, "base64"));
    unwrapMs.push(performance.now() - t1);
    recipientInfoMs.push(t1 - t0);
    contentKeys.push(new Uint8Array(key));
  }

  gc();
  const rssBefore = process.memoryUsage().rss;
  const peakIsRunOnly = resetPeakRss();
  const perBidMs: number[] = new Array<number>(bids.length);
  let next = 0;
  const cpu0 = process.cpuUsage();
  const io0 = process.resourceUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < bids.length; i = next++) {
        const start = performance.now();
        const r = await decryptBid(app, { actor: actors[i]!, openingId: section.openingId, contentKey: contentKeys[i]!, meta: TEST_META });
        perBidMs[i] = performance.now() - start;
        if (!r.decrypted) throw new Error(`bid ${i} was not decrypted: ${r.failure} ${r.detail}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const io = process.resourceUsage();
  const peakRss = io.maxRSS * 1024;
  // ru_inblock / ru_oublock: 512-byte blocks read from the disk (page-cache misses) and written, or dirtied for writeback, to it.
  const disk = { readBytes: (io.fsRead - io0.fsRead) * 512, writtenBytes: (io.fsWrite - io0.fsWrite) * 512 };

  let readingOut: { closeMs: number; ms: number; rows: number; decrypted: number; pdfBytes: number } | undefined;
  if (flags.includes("--reading-out")) {
    // Every bid decided, the host ends the window early (decision 17) and publishes the reading-out.
    const agency = await actorOf(app.db, scene.agencyPersonId);
    const closing = performance.now();
    await closeDecryptionWindowEarly(app, { actor: agency, openingId: section.openingId, meta: TEST_META });
    const start = performance.now();
    const out = await publishReadingOut(app, { actor: agency, openingId: section.openingId, meta: TEST_META });
    readingOut = {
      closeMs: start - closing,
      ms: performance.now() - start,
      rows: out.rows.length,
      decrypted: out.rows.filter((r) => r.result === "decrypted").length,
      pdfBytes: fs.statSync(storedPath(app, out.record.key)).size,
    };
  }

  // decryptBid's steps one by one, on bids already decided (the checks do not look at the result).
  const steps: Record<string, number[]> = { decryptStored: [], openOnly: [], openNoFsync: [], digest: [], check: [] };
  if (breakdownBids > 0) {
    const loaded = await loadOpening(app.db, section.openingId);
    for (let i = 0; i < Math.min(breakdownBids, bids.length); i++) {
      const bid = loaded.bids.find((x) => x.organisationId === bids[i]!.organisationId)!;
      const dir = scratchDir("opening");
      const time = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
        const start = performance.now();
        const r = await f();
        steps[name]!.push(performance.now() - start);
        return r;
      };
      try {
        const opened = await time("decryptStored", () => decryptStoredEnvelope(app, bid, contentKeys[i]!, dir));
        if (!opened.ok) throw new Error(`breakdown: ${opened.failure}`);
        const envelope = path.join(dir, "envelope.p7m");
        await time("openOnly", () =>
          openWithContentKey({ inPath: envelope, outPath: path.join(dir, "again.zip"), contentKey: contentKeys[i]! }),
        );
        await time("openNoFsync", () =>
          pipeline(
            createReadStream(envelope, { highWaterMark: 256 * 1024 }),
            new OpenTransform(() => Buffer.from(contentKeys[i]!)),
            createWriteStream(path.join(dir, "nosync.zip")),
          ),
        );
        await time("digest", () => sha256File(opened.packagePath));
        const checked = await time("check", () => checkPlaintextPackage(app, loaded, bid, opened.packagePath));
        if (!checked.ok) throw new Error(`breakdown: ${checked.failure}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  console.log(
    JSON.stringify({
      concurrency,
      bids: bids.length,
      recipientInfoMs,
      unwrapMs,
      decrypt: { seconds, perBidMs, userSeconds: cpu.user / 1e6, systemSeconds: cpu.system / 1e6, rssBefore, peakRss, peakIsRunOnly, disk },
      readingOut,
      steps,
    }),
  );
} finally {
  await dbHandle.close();
}
