import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The embedded ledger node: `hardhat node` from the contracts workspace, run with
 * contracts/hardhat.node.config.js (fixed genesis, no automining, free gas). It is spawned as
 * `node <hardhat cli>` rather than through npx or the .bin shim, so the pid we hold is the node
 * itself and stopping it stops the chain (killing an npx wrapper leaves the node running). It
 * ends by itself when this process dies without stopping it, even by kill -9 (exit-with-parent.cjs).
 */
export interface EmbeddedNode {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const contractsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../contracts");

/** The real Hardhat CLI: the workspace's own install, else the root's (npm may hoist it). */
export function hardhatCli(): string {
  for (const dir of [path.join(contractsDir, "node_modules"), path.resolve(contractsDir, "../node_modules")]) {
    const cli = path.join(dir, "hardhat/internal/cli/cli.js");
    if (fs.existsSync(cli)) return cli;
  }
  throw new Error("Hardhat is not installed: run npm install (the contracts workspace provides it)");
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedNode(options: { port?: number; timeoutMs?: number } = {}): Promise<EmbeddedNode> {
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const child = spawn(
    process.execPath,
    [
      "--require",
      path.join(contractsDir, "exit-with-parent.cjs"),
      hardhatCli(),
      "node",
      "--config",
      "hardhat.node.config.js",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    {
      cwd: contractsDir,
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", NODE_OPTIONS: "", BIDHALL_LEDGER_PARENT_PID: String(process.pid) },
      // stdin is a pipe this process holds open: when it dies, even by kill -9, the node reads end
      // of file and exits (contracts/exit-with-parent.cjs, which also watches this pid).
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const collect = (b: Buffer) => {
    if (output.length < 20_000) output += b.toString();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the embedded ledger node did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onData = () => {
      if (output.includes("Started HTTP")) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the embedded ledger node exited (${code}) while starting:\n${output}`));
    });
  });
  // Keep draining its output so a full pipe never blocks it, but keep none of it.
  child.stdout!.removeListener("data", collect);
  child.stderr!.removeListener("data", collect);
  child.stdout!.resume();
  child.stderr!.resume();
  // Should this process end without stopping the ledger (a crash), take the node along.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  return {
    url,
    port,
    pid: child.pid!,
    stop: () => {
      process.off("exit", killOnExit);
      return stopChild(child);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
