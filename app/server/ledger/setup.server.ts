import fs from "node:fs";
import { z } from "zod";
import { ConfigError } from "../config.server.ts";
import type { AppContext } from "../context.server.ts";
import { developmentChainProblem } from "./development-keys.server.ts";
import { CONTRACT_NAMES, ROLES, type ContractName } from "./contracts.server.ts";
import { LedgerAccounts, PLATFORM_HOLDER, organisationHolder, resolveLedgerKeySecret } from "./keys.server.ts";
import { Ledger } from "./ledger.server.ts";
import { startEmbeddedNode } from "./node.server.ts";

/**
 * Bringing the ledger up: the embedded node (started, journal replayed, contracts deployed on the
 * first start) or an external network named by LEDGER_RPC_URL and LEDGER_DEPLOYMENT (the file
 * `npm run ledger:deploy` writes).
 */
export const EMBEDDED_CHAIN_ID = 31337n;

export const DeploymentFile = z.object({
  format: z.literal("bidhall.ledger-deployment/1"),
  chainId: z.string().regex(/^\d+$/),
  platform: z.string(),
  contracts: z.record(
    z.enum(CONTRACT_NAMES),
    z.object({ address: z.string(), txHash: z.string().nullable(), blockNumber: z.number().nullable() }),
  ),
});
export type DeploymentFile = z.infer<typeof DeploymentFile>;

type LedgerApp = Pick<AppContext, "config" | "db" | "clock" | "log">;

export function ledgerAccounts(app: LedgerApp): LedgerAccounts {
  return new LedgerAccounts(app.db, resolveLedgerKeySecret(app.config, app.log), () => app.clock.now());
}

/** Starts the ledger this configuration asks for. */
export async function startLedger(app: LedgerApp): Promise<Ledger> {
  // The embedded node unlocks Hardhat's public development account: never a production chain (decision 26).
  if (app.config.mode === "production" && !app.config.ledgerRpcUrl)
    throw new ConfigError("production mode never runs the embedded ledger node; set LEDGER_RPC_URL to the trading centre's network");
  if (app.config.ledgerRpcUrl) {
    if (!app.config.ledgerDeployment) throw new Error("LEDGER_RPC_URL needs LEDGER_DEPLOYMENT, the file `npm run ledger:deploy` wrote");
    const rpcUrl = app.config.ledgerRpcUrl;
    const chainId = await rpcChainId(rpcUrl).catch((e: unknown) => {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e instanceof Error ? e.message : String(e));
      throw new ConfigError(`cannot reach the chain node at ${withoutPassword(rpcUrl)} (LEDGER_RPC_URL): ${cause}`);
    });
    let file: z.infer<typeof DeploymentFile>;
    try {
      file = DeploymentFile.parse(JSON.parse(fs.readFileSync(app.config.ledgerDeployment, "utf8")));
    } catch (e) {
      const why = (e as { code?: string }).code ?? (e instanceof Error ? e.message.split("\n")[0] : String(e));
      throw new ConfigError(
        `cannot read the deployment file ${app.config.ledgerDeployment} (LEDGER_DEPLOYMENT, written by npm run ledger:deploy): ${why}`,
      );
    }
    if (app.config.mode === "production") {
      const problem = developmentChainProblem({
        chainId,
        unlockedAccounts: await rpcAccounts(app.config.ledgerRpcUrl),
        signerAddresses: (await app.db.selectFrom("ledger_accounts").select("address").execute()).map((a) => a.address),
      });
      if (problem) throw new ConfigError(problem);
    }
    if (chainId !== BigInt(file.chainId))
      throw new Error(`LEDGER_DEPLOYMENT is for chain ${file.chainId}, but LEDGER_RPC_URL serves chain ${chainId}`);
    const addresses = Object.fromEntries(Object.entries(file.contracts).map(([c, d]) => [c, d.address]));
    // Pages and the anchor API read where the contracts are from Postgres.
    for (const [contract, d] of Object.entries(file.contracts)) {
      const row = { chain_id: chainId, address: d.address, tx_hash: d.txHash, block_number: d.blockNumber, deployed_at: app.clock.now() };
      await app.db
        .insertInto("ledger_deployment")
        .values({ contract, ...row })
        .onConflict((oc) =>
          oc.column("contract").doUpdateSet({ chain_id: chainId, address: d.address, tx_hash: d.txHash, block_number: d.blockNumber }),
        )
        .execute();
    }
    return new Ledger({ ...app, accounts: ledgerAccounts(app) }, { rpcUrl: app.config.ledgerRpcUrl, chainId, embedded: false, addresses });
  }
  const started = Date.now();
  const node = await startEmbeddedNode({ port: app.config.ledgerNodePort });
  try {
    const ledger = await openEmbeddedLedger(app, { rpcUrl: node.url, onStop: node.stop });
    app.log.info(`ledger: embedded node on ${node.url} (pid ${node.pid}) ready in ${Date.now() - started} ms`);
    return ledger;
  } catch (e) {
    await node.stop();
    throw e;
  }
}

/**
 * The embedded ledger on a node that is running (at genesis): replays the journal, then deploys
 * the contracts if this database has none yet.
 */
export async function openEmbeddedLedger(app: LedgerApp, options: { rpcUrl: string; onStop?: () => Promise<void> }): Promise<Ledger> {
  const ledger = new Ledger(
    { ...app, accounts: ledgerAccounts(app) },
    { rpcUrl: options.rpcUrl, chainId: EMBEDDED_CHAIN_ID, embedded: true, onStop: options.onStop },
  );
  try {
    const replayed = await ledger.journal!.replay();
    if (replayed.blocks > 0) {
      if (replayed.identical) app.log.info(`ledger: replayed ${replayed.blocks} blocks from the journal`);
      else app.log.warn(`ledger: replayed ${replayed.blocks} blocks; block hashes differ from block ${replayed.firstDifferent} on`);
    }
    const deployed = await app.db.selectFrom("ledger_deployment").select(["contract", "address"]).execute();
    for (const d of deployed) ledger.setAddress(d.contract as ContractName, d.address);
    if (deployed.length < CONTRACT_NAMES.length) await deployContracts(app, ledger);
    return ledger;
  } catch (e) {
    await ledger.stop();
    throw e;
  }
}

/**
 * Deploys the three contracts from the platform account (their admin), gives the platform its
 * roles and every approved guarantor and regulator theirs. Idempotent: each step is a keyed send.
 */
export async function deployContracts(app: LedgerApp, ledger: Ledger): Promise<Record<ContractName, string>> {
  const platform = await ledger.deps.accounts.addressOf(PLATFORM_HOLDER);
  for (const contract of CONTRACT_NAMES) {
    const r = await ledger.send(`ledger:deploy:${contract}`, { holder: PLATFORM_HOLDER, contract, method: "deploy", args: [platform] });
    ledger.setAddress(contract, r.contractAddress!);
    await app.db
      .insertInto("ledger_deployment")
      .values({
        contract,
        chain_id: ledger.chainId,
        address: r.contractAddress!,
        tx_hash: r.txHash,
        block_number: r.blockNumber,
        deployed_at: r.blockTime,
      })
      .onConflict((oc) => oc.column("contract").doNothing())
      .execute();
  }
  await grantRole(ledger, "GuaranteeLedger", "PLATFORM_ROLE", platform);
  await grantRole(ledger, "ComplaintLedger", "PLATFORM_ROLE", platform);
  await grantRole(ledger, "DocumentAnchor", "ANCHORER_ROLE", platform);
  const organisations = await app.db
    .selectFrom("organisations")
    .select(["id"])
    .where("status", "=", "approved")
    .where((eb) => eb.or([eb(eb.val("guarantor"), "=", eb.fn.any("kinds")), eb(eb.val("regulator"), "=", eb.fn.any("kinds"))]))
    .orderBy("created_at")
    .execute();
  for (const o of organisations) await ensureOrganisationRoles(app, ledger, o.id);
  return ledger.addresses;
}

async function grantRole(ledger: Ledger, contract: ContractName, role: keyof typeof ROLES, account: string) {
  const has = await ledger.contracts[contract].hasRole(ROLES[role], account);
  if (has) return;
  await ledger.send(`ledger:grant:${contract}:${role}:${account}`, {
    holder: PLATFORM_HOLDER,
    contract,
    method: "grantRole",
    args: [ROLES[role], account],
  });
}

/**
 * Gives an approved organisation's account the roles its kinds call for (guarantor →
 * GuaranteeLedger GUARANTOR_ROLE, regulator → ComplaintLedger REGULATOR_ROLE), once. Returns the
 * organisation's address.
 */
export async function ensureOrganisationRoles(app: Pick<AppContext, "db">, ledger: Ledger, organisationId: string): Promise<string> {
  const address = await ledger.deps.accounts.addressOf(organisationHolder(organisationId));
  const org = await app.db.selectFrom("organisations").select(["kinds", "status"]).where("id", "=", organisationId).executeTakeFirst();
  if (org?.status !== "approved") return address;
  if (org.kinds.includes("guarantor")) await grantRole(ledger, "GuaranteeLedger", "GUARANTOR_ROLE", address);
  if (org.kinds.includes("regulator")) await grantRole(ledger, "ComplaintLedger", "REGULATOR_ROLE", address);
  return address;
}

/** The accounts the node unlocks (`eth_accounts`); a node that refuses the call unlocks none we can see. */
export async function rpcAccounts(url: string): Promise<string[]> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_accounts", params: [] }),
  });
  const body = (await res.json().catch(() => ({}))) as { result?: unknown };
  return Array.isArray(body.result) ? body.result.filter((a): a is string => typeof a === "string") : [];
}

export async function rpcChainId(url: string): Promise<bigint> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  });
  const body = (await res.json()) as { result?: string; error?: { message: string } };
  if (!body.result) throw new Error(`eth_chainId failed at ${url}: ${body.error?.message ?? res.status}`);
  return BigInt(body.result);
}

/** A URL for messages: any user name and password dropped (a node behind basic authentication). */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url;
  }
}
