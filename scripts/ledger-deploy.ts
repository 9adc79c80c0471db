import fs from "node:fs";
import path from "node:path";
import { bootApp } from "#app/server/boot.server.ts";
import { ConfigError } from "#app/server/config.server.ts";
import { Ledger } from "#app/server/ledger/ledger.server.ts";
import { PLATFORM_HOLDER } from "#app/server/ledger/keys.server.ts";
import { deployContracts, ledgerAccounts, rpcChainId, type DeploymentFile } from "#app/server/ledger/setup.server.ts";

/**
 * `npm run ledger:deploy [-- --out FILE]`: deploys GuaranteeLedger, ComplaintLedger and
 * DocumentAnchor to the network at LEDGER_RPC_URL from the platform's ledger account (created,
 * encrypted with LEDGER_KEY_SECRET, in the database on first use), grants the platform, anchorer,
 * guarantor and regulator roles, and writes the deployment file that LEDGER_DEPLOYMENT names.
 * Idempotent: run again, it finishes an interrupted deployment and rewrites the same file.
 *
 * On a network that charges gas, fund the platform account (printed) before running it, and
 * each organisation's account before it writes.
 */
function fail(message: string): never {
  console.error(`ledger:deploy: ${message}`);
  process.exit(1);
}

const argv = process.argv.slice(2);
const outIndex = argv.indexOf("--out");
const rpcUrl = process.env.LEDGER_RPC_URL?.trim();
if (!rpcUrl) fail("set LEDGER_RPC_URL to the network's JSON-RPC endpoint");
const out = path.resolve(
  outIndex >= 0 && argv[outIndex + 1] ? argv[outIndex + 1]! : (process.env.LEDGER_DEPLOYMENT?.trim() ?? "ledger-deployment.json"),
);

let app: Awaited<ReturnType<typeof bootApp>>;
try {
  app = await bootApp({ seed: false, pki: false, ledger: false });
} catch (e) {
  fail(e instanceof ConfigError ? e.message : String(e));
}
try {
  const chainId = await rpcChainId(rpcUrl);
  const ledger = new Ledger({ ...app, accounts: ledgerAccounts(app) }, { rpcUrl, chainId, embedded: false });
  const platform = await ledger.deps.accounts.addressOf(PLATFORM_HOLDER);
  console.log(`platform account ${platform} on chain ${chainId}`);
  await deployContracts(app, ledger);
  const rows = await app.db.selectFrom("ledger_deployment").selectAll().execute();
  const file: DeploymentFile = {
    format: "bidhall.ledger-deployment/1",
    chainId: String(chainId),
    platform,
    contracts: Object.fromEntries(
      rows.map((r) => [
        r.contract,
        { address: r.address, txHash: r.tx_hash, blockNumber: r.block_number === null ? null : Number(r.block_number) },
      ]),
    ) as DeploymentFile["contracts"],
  };
  fs.writeFileSync(out, JSON.stringify(file, null, 2) + "\n");
  for (const [name, d] of Object.entries(file.contracts)) console.log(`${name.padEnd(16)} ${d.address}`);
  console.log(`wrote ${out}; start bidhall with LEDGER_RPC_URL=${rpcUrl} LEDGER_DEPLOYMENT=${out}`);
  await ledger.stop();
} catch (e) {
  const short =
    (e as { shortMessage?: string; error?: { message?: string } }).error?.message ?? (e as { shortMessage?: string }).shortMessage;
  fail(short ?? (e instanceof Error ? e.message : String(e)));
} finally {
  await app.dbHandle.close();
}
