import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { freePort, hardhatCli } from "#app/server/ledger/node.server.ts";

/**
 * A separate Hardhat JSON-RPC node process for production-mode tests, standing in for the
 * trading centre's Besu network (contracts/hardhat.separate-node.config.js): its own chain id,
 * automining, one funded account whose key is made here (none of Hardhat's public development
 * keys, which production refuses).
 */
export interface TestChainNode {
  url: string;
  /** The node's funded account (unlocked on the node, as a faucet). */
  faucet: string;
  /** Sends `ether` from the faucet to `address` and waits for it to be mined. */
  fund(address: string, ether?: bigint): Promise<void>;
  stop(): Promise<void>;
}

const contractsDir = path.resolve(import.meta.dirname, "../../contracts");

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

export async function startChainNode(): Promise<TestChainNode> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [hardhatCli(), "node", "--config", "hardhat.separate-node.config.js", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: contractsDir,
      env: {
        ...process.env,
        HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
        NODE_OPTIONS: "",
        BIDHALL_TEST_NODE_KEY: `0x${randomBytes(32).toString("hex")}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the test chain node did not start:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes("Started HTTP")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the test chain node exited (${code}):\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const [faucet] = (await rpc(url, "eth_accounts", [])) as string[];
  return {
    url,
    faucet: faucet!,
    async fund(address, ether = 1000n) {
      await rpc(url, "eth_sendTransaction", [{ from: faucet, to: address, value: `0x${(ether * 10n ** 18n).toString(16)}` }]);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
