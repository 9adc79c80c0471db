import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { machineLine, table, writeSection } from "../report.ts";

/**
 * Envelope benchmark: seal and unseal SIZE MiB (default 1024) with `bidhall seal/unseal`
 * (streaming, node:crypto) beside `openssl cms` on the same file and `openssl speed` AES-256-GCM,
 * all measured in this run. Wall time and peak RSS come from GNU time for every process alike.
 *
 *   npx tsx scripts/bench/envelope/index.ts [SIZE_MIB]
 */
const sizeMiB = Number(process.argv[2] ?? process.env.BENCH_SIZE_MIB ?? 1024);
const root = path.resolve(import.meta.dirname, "../../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-bench-envelope-"));
const f = (n: string) => path.join(dir, n);

function timed(cmd: string, args: string[]): { seconds: number; peakMiB: number } {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", cmd, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  const [seconds, kb] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return { seconds: seconds!, peakMiB: kb! / 1024 };
}

try {
  console.log(`envelope benchmark: ${sizeMiB} MiB on ${machineLine()}`);
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:3072", "-nodes", "-keyout", f("key.pem"), "-out", f("cert.pem"), "-subj", "/CN=bench", "-days", "1"],
    { stdio: "ignore" },
  );
  execFileSync("sh", ["-c", `head -c ${sizeMiB * 1024 * 1024} /dev/urandom > ${f("bid.zip")}`]);
  const mb = (sizeMiB * 1024 * 1024) / 1e6;

  const node = process.execPath;
  const cli = ["--import", "tsx", "scripts/bidhall.ts"];
  const oursSeal = timed(node, [...cli, "seal", "--recipient", f("cert.pem"), "--in", f("bid.zip"), "--out", f("ours.p7m")]);
  const oursOpen = timed(node, [
    ...cli,
    "unseal",
    "--key",
    f("key.pem"),
    "--cert",
    f("cert.pem"),
    "--in",
    f("ours.p7m"),
    "--out",
    f("ours.out"),
  ]);
  const inproc = (what: "seal" | "open", a: string, b: string) => {
    const r = spawnSync(
      node,
      ["--import", "tsx", path.join(import.meta.dirname, "inprocess.ts"), what, a, b, f("key.pem"), f("cert.pem")],
      { cwd: root, encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as { seconds: number; peakMiB: number };
  };
  const libSeal = inproc("seal", f("bid.zip"), f("lib.p7m"));
  const libOpen = inproc("open", f("lib.p7m"), f("lib.out"));
  const oaep = ["-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256"];
  const sslSeal = timed("openssl", [
    "cms",
    "-encrypt",
    "-aes-256-gcm",
    "-binary",
    "-stream",
    "-outform",
    "DER",
    "-recip",
    f("cert.pem"),
    ...oaep,
    "-in",
    f("bid.zip"),
    "-out",
    f("openssl.p7m"),
  ]);
  const sslOpen = timed("openssl", [
    "cms",
    "-decrypt",
    "-binary",
    "-inform",
    "DER",
    "-recip",
    f("cert.pem"),
    "-inkey",
    f("key.pem"),
    "-in",
    f("ours.p7m"),
    "-out",
    f("openssl.out"),
  ]);
  if (!fs.readFileSync(f("ours.out")).equals(fs.readFileSync(f("openssl.out")))) throw new Error("ours and openssl opened different bytes");

  const speed = execFileSync("openssl", ["speed", "-evp", "aes-256-gcm", "-bytes", "16384", "-seconds", "3"], {
    stdio: ["ignore", "pipe", "ignore"],
  }).toString();
  const kbps = Number(speed.trim().split("\n").pop()!.trim().split(/\s+/).pop()!.replace("k", ""));
  const speedMBps = (kbps * 1000) / 1e6;

  const rate = (s: number) => mb / s;
  const rows: (string | number)[][] = [
    [
      "seal",
      "bidhall seal",
      rate(oursSeal.seconds).toFixed(0),
      oursSeal.peakMiB.toFixed(0),
      `${(rate(oursSeal.seconds) / rate(sslSeal.seconds)).toFixed(2)}× openssl cms`,
    ],
    [
      "seal",
      "sealFile (in process, no start-up)",
      rate(libSeal.seconds).toFixed(0),
      libSeal.peakMiB.toFixed(0),
      `${(rate(libSeal.seconds) / rate(sslSeal.seconds)).toFixed(2)}× openssl cms`,
    ],
    ["seal", "openssl cms -encrypt -stream", rate(sslSeal.seconds).toFixed(0), sslSeal.peakMiB.toFixed(0), "anchor"],
    [
      "unseal",
      "bidhall unseal",
      rate(oursOpen.seconds).toFixed(0),
      oursOpen.peakMiB.toFixed(0),
      `${(rate(oursOpen.seconds) / rate(sslOpen.seconds)).toFixed(2)}× openssl cms`,
    ],
    [
      "unseal",
      "openFile (in process, no start-up)",
      rate(libOpen.seconds).toFixed(0),
      libOpen.peakMiB.toFixed(0),
      `${(rate(libOpen.seconds) / rate(sslOpen.seconds)).toFixed(2)}× openssl cms`,
    ],
    ["unseal", "openssl cms -decrypt", rate(sslOpen.seconds).toFixed(0), sslOpen.peakMiB.toFixed(0), "anchor"],
    [
      "bound",
      "openssl speed aes-256-gcm (16 KB)",
      speedMBps.toFixed(0),
      "—",
      `openFile reaches ${((rate(libOpen.seconds) / speedMBps) * 100).toFixed(0)}%`,
    ],
  ];
  const md = table(["step", "tool", "MB/s", "peak RSS (MiB)", "ratio"], rows);
  console.log(md);
  writeSection(
    "envelope",
    `## Envelope: ${sizeMiB} MiB\n\n\`npx tsx scripts/bench/envelope/index.ts ${sizeMiB}\` on ${machineLine()}, ${new Date().toISOString().slice(0, 10)}. ` +
      `CLI rows include process start-up (tsx); the in-process rows time sealFile/openFile alone, peak RSS of the whole process. Every file is written to disk.\n\n${md}`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
