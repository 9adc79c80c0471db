import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm start` with nothing set: PGlite, generated secrets, the demo data, the platform PKI, the
 * embedded chain. Everything else in the test suite runs on PostgreSQL, where several
 * connections hide a whole class of bug: a query on `app.db` inside a transaction deadlocks on
 * PGlite's single connection. This test boots the real thing and shuts it down.
 */
const root = path.resolve(import.meta.dirname, "../..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-embedded-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether a TCP connection to host:port is accepted. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 5000 });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

/** This machine's own addresses that other machines could reach (not loopback, not link-local). */
const networkAddresses = () =>
  Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && !a.address.startsWith("fe80:"))
    .map((a) => a.address);

describe("embedded mode", () => {
  it("starts on PGlite with the demo data, serves pages, and stops cleanly with its chain node", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", BIDHALL_DATA_DIR: dataDir, PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/localhost:\d+)/.exec(output);
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        }
      }, 100);
      child.once("exit", (code) => {
        clearInterval(timer);
        reject(new Error(`the server exited (${code}) before listening:\n${output}`));
      });
    });
    expect(output).toContain("database: pglite");
    // Nothing set, so HOST defaults to loopback: this computer only, and the log says how to expose it.
    expect(output).toContain("on 127.0.0.1 only, this computer; set HOST=0.0.0.0 to expose it on the network");
    const port = Number(new URL(url).port);
    expect(await connects("127.0.0.1", port)).toBe(true);
    for (const address of networkAddresses()) expect(await connects(address, port), `reachable on ${address}`).toBe(false);
    expect(await connects("::1", port)).toBe(false);
    expect(output).toContain("loaded the demo data");
    const nodePid = Number(/\(pid (\d+)\)/.exec(output)?.[1]);
    expect(nodePid).toBeGreaterThan(0);

    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const login = await fetch(`${url}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain("bidder1@demo.bidhall.cn");
    expect((await fetch(`${url}/pki/crl`)).headers.get("content-type")).toContain("application/pkix-crl");

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).not.toContain("shutdown took longer");
    expect(isAlive(nodePid)).toBe(false);
    // The first start opens PGlite and seeds the demo story (keys, sealed bids, signed records, decision 36).
  }, 240_000);
});
