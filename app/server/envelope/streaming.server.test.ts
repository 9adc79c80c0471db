/**
 * Constant memory: a 64 MiB file sealed and opened through the streaming paths must not grow
 * the heap or the ArrayBuffer pool anywhere near the file size. Also a smaller fuzz of the Node
 * streaming opener (mutated envelopes, random chunking): only EnvelopeErrors escape, and nothing
 * is ever written under the final name for a refused envelope.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvelopeError, sealWithWebCrypto, unwrapContentKeyWithWebCrypto } from "#app/crypto/envelope/index.ts";
import { makeIdentities, makeTempDir, opensslOpen } from "#test/fixtures/envelope/pki.ts";
import type { TestIdentity } from "#test/fixtures/envelope/pki.ts";
import { createOpenTransform, inspectEnvelope, openFile, sealFile } from "./index.server.ts";

const MiB = 1024 * 1024;
const SIZE = 64 * MiB;

let tmp: ReturnType<typeof makeTempDir>;
let ids: Record<"alice", TestIdentity>;

async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) h.update(chunk as Buffer);
  return h.digest("hex");
}

/**
 * A full GC on demand, so samples show what is retained rather than garbage not yet collected
 * (each 256 KiB chunk leaves a read buffer and a cipher output behind; V8 collects them in
 * batches of tens of MiB). The flag is set at run time; `gc` then exists in a new context.
 */
function exposeGc(): (options?: { type: "minor" | "major"; execution: "sync" }) => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as (options?: { type: "minor" | "major"; execution: "sync" }) => void;
}

/** Peak growth of rss, heapUsed and arrayBuffers over `fn`, sampled (after a GC) every 5 ms. */
async function measure(fn: () => Promise<void>): Promise<{ rss: number; heap: number; arrayBuffers: number }> {
  const gc = exposeGc();
  gc();
  const base = process.memoryUsage();
  const peak = { rss: 0, heap: 0, arrayBuffers: 0 };
  const sample = () => {
    // A scavenge is enough (the chunks die young) and takes about a millisecond.
    gc({ type: "minor", execution: "sync" });
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss - base.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed - base.heapUsed);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers - base.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  try {
    await fn();
  } finally {
    clearInterval(timer);
    sample();
  }
  return peak;
}

beforeAll(async () => {
  tmp = makeTempDir();
  ids = await makeIdentities(tmp.dir, ["alice"]);
}, 60_000);

afterAll(() => tmp?.cleanup());

describe("streaming in constant memory", () => {
  it("seals and opens 64 MiB with memory growth far below the file size", async () => {
    const inPath = join(tmp.dir, "big.bin");
    // Written in 1 MiB random blocks so the test itself never holds the file.
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < SIZE / MiB; i++) yield randomBytes(MiB);
        })(),
      ),
      createWriteStream(inPath),
    );
    const envPath = join(tmp.dir, "big.p7m");
    const outPath = join(tmp.dir, "big.out");

    const sealing = await measure(async () => {
      await sealFile({ inPath, outPath: envPath, recipients: [ids.alice.certPem] });
    });
    const info = await inspectEnvelope(envPath);
    expect(info.contentLength).toBe(SIZE);
    const opening = await measure(async () => {
      await openFile({ inPath: envPath, outPath, privateKey: ids.alice.keyPem, certificate: ids.alice.certPem });
    });
    expect(await sha256File(outPath)).toBe(await sha256File(inPath));

    for (const [what, m] of [
      ["seal", sealing],
      ["open", opening],
    ] as const) {
      // A whole-file buffer would retain ≥ 64 MiB; streaming retains a few 256 KiB chunks
      // (measured: 1–10 MiB, the rest being chunks that died since the last scavenge).
      expect(m.arrayBuffers, `${what}: arrayBuffers grew ${m.arrayBuffers}`).toBeLessThan(16 * MiB);
      expect(m.heap, `${what}: heap grew ${m.heap}`).toBeLessThan(16 * MiB);
      // rss also counts freed-but-not-returned pages; it must still stay well below the file.
      expect(m.rss, `${what}: rss grew ${m.rss}`).toBeLessThan(32 * MiB);
    }
  }, 60_000);

  it("openssl opens a large sealFile envelope", async () => {
    const plain = join(tmp.dir, "big.bin");
    const out = join(tmp.dir, "big.openssl.out");
    opensslOpen({ inPath: join(tmp.dir, "big.p7m"), outPath: out, recipient: ids.alice });
    expect(await sha256File(out)).toBe(await sha256File(plain));
  }, 60_000);
});

describe("streaming opener fuzz", () => {
  it("1,000 mutated envelopes through the Node transform with random chunking", async () => {
    let seed = 0x0bad_5eed;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const plain = randomBytes(2048);
    const good = await sealWithWebCrypto(plain, [{ certificateDer: ids.alice.certDer }]);
    const oaep = await globalThis.crypto.subtle.importKey("pkcs8", ids.alice.pkcs8Der, { name: "RSA-OAEP", hash: "SHA-256" }, false, [
      "decrypt",
    ]);
    const key = await unwrapContentKeyWithWebCrypto(good, ids.alice.certDer, oaep);
    const failures: string[] = [];
    const codes = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      let bytes = new Uint8Array(good);
      const kind = Math.floor(rnd() * 3);
      if (kind === 0) for (let k = 0; k < 2; k++) bytes[Math.floor(rnd() * bytes.length)]! ^= 1 << Math.floor(rnd() * 8);
      else if (kind === 1) bytes = bytes.subarray(0, Math.floor(rnd() * bytes.length));
      else bytes[Math.floor(rnd() * 700)] = Math.floor(rnd() * 256);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const n = 1 + Math.floor(rnd() * 700);
        chunks.push(Buffer.from(bytes.subarray(at, at + n)));
        at += n;
      }
      const out: Buffer[] = [];
      try {
        await pipeline(
          Readable.from(chunks),
          createOpenTransform(() => key),
          new Writable({
            write: (c: Buffer, _e, cb) => {
              out.push(c);
              cb();
            },
          }),
        );
        if (!Buffer.concat(out).equals(plain)) failures.push(`#${i}: opened to different bytes`);
        codes.add("opened");
      } catch (e) {
        if (e instanceof EnvelopeError) codes.add(e.code);
        else failures.push(`#${i} kind ${kind}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(codes).toContain("AUTHENTICATION_FAILED");
    expect(codes).toContain("TRUNCATED");
  }, 30_000);

  it("leaves no temporary files behind", () => {
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith(".partial"))).toEqual([]);
    expect(existsSync(join(tmp.dir, "big.out"))).toBe(true);
  });
});
