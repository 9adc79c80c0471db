import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "#app/server/config.server.ts";
import { startEmbeddedNode, type EmbeddedNode } from "#app/server/ledger/node.server.ts";
import { rpcAccounts, startLedger } from "#app/server/ledger/setup.server.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * The embedded ledger node is for embedded mode only (decision 26): it listens on loopback alone,
 * and production refuses to start on it, or on any chain where Hardhat's public development keys
 * can sign.
 */
describe("the embedded ledger node and production", () => {
  let app: TestApp;
  let node: EmbeddedNode;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-ledger-guard-"));

  beforeAll(async () => {
    [app, node] = await Promise.all([createTestApp(), startEmbeddedNode()]);
  });
  afterAll(async () => {
    await node?.stop();
    await app?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1 only: another address of this machine is refused", async () => {
    const connects = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ host, port: node.port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
      });
    expect(await connects("127.0.0.1")).toBe(true);
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === "IPv4")
      .map((i) => i!.address);
    for (const address of others) expect(await connects(address), address).toBe(false);
  });

  it("unlocks Hardhat's development account, which is why production must never use such a node", async () => {
    expect((await rpcAccounts(node.url)).map((a) => a.toLowerCase())).toContain("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  });

  it("refuses, in production, a LEDGER_RPC_URL that is a development chain, and the embedded node altogether", async () => {
    const deployment = path.join(tmp, "deployment.json");
    fs.writeFileSync(
      deployment,
      JSON.stringify({
        format: "bidhall.ledger-deployment/1",
        chainId: "31337",
        platform: "0x0",
        contracts: Object.fromEntries(
          ["GuaranteeLedger", "ComplaintLedger", "DocumentAnchor"].map((c) => [c, { address: "0x0", txHash: null, blockNumber: null }]),
        ),
      }),
    );
    const production = { ...app.config, mode: "production" as const };
    await expect(startLedger({ ...app, config: { ...production, ledgerRpcUrl: node.url, ledgerDeployment: deployment } })).rejects.toThrow(
      new ConfigError(
        "LEDGER_RPC_URL serves chain 31337, a Hardhat/Ganache development chain whose account keys are public; production needs the trading centre's permissioned network",
      ),
    );
    await expect(startLedger({ ...app, config: { ...production, ledgerRpcUrl: undefined } })).rejects.toThrow(
      /production mode never runs the embedded ledger node/,
    );
  });
});
