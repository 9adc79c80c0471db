import { Wallet, JsonRpcProvider, Network, type ContractTransactionResponse } from "ethers";
import { ComplaintLedger__factory, DocumentAnchor__factory, GuaranteeLedger__factory } from "@bidhall/contracts/typechain-types";
import { documentTree } from "#app/crypto/merkle.ts";
import { ROLES } from "#app/server/ledger/contracts.server.ts";
import { startEmbeddedNode } from "#app/server/ledger/node.server.ts";
import { randomBytes } from "node:crypto";

/**
 * Gas per ledger operation, and gas per document when anchoring batches of 1, 100 and 1,000
 * documents (one Merkle root each) against anchoring every document in a transaction of its
 * own, the anchor measured in the same run. `npx tsx scripts/bench/gas/index.ts`
 *
 * Runs on the embedded node configuration (contracts/hardhat.node.config.js, Cancun, optimizer
 * 200 runs) with automining on; gas is deterministic, times are not.
 */
const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"; // public test key of every Hardhat node

const node = await startEmbeddedNode();
const provider = new JsonRpcProvider(node.url, Network.from(31337n), { staticNetwork: true, cacheTimeout: -1 });
try {
  await provider.send("evm_setAutomine", [true]);
  const admin = new Wallet(HARDHAT_ACCOUNT_0, provider);
  const gas = async (tx: Promise<ContractTransactionResponse>) => (await (await tx)!.wait())!.gasUsed;
  const rows: [string, bigint][] = [];
  const b32 = () => `0x${randomBytes(32).toString("hex")}`;

  const deploy = async <F extends { deploy(a: string): Promise<{ deploymentTransaction(): ContractTransactionResponse | null }> }>(
    name: string,
    f: F,
  ) => {
    const c = await f.deploy(admin.address);
    rows.push([`${name} deployment`, (await c.deploymentTransaction()!.wait())!.gasUsed]);
    return c as unknown as Awaited<ReturnType<F["deploy"]>>;
  };
  const guarantees = await deploy("GuaranteeLedger", new GuaranteeLedger__factory(admin));
  const complaints = await deploy("ComplaintLedger", new ComplaintLedger__factory(admin));
  const anchor = await deploy("DocumentAnchor", new DocumentAnchor__factory(admin));
  rows.push(["grantRole", await gas(guarantees.grantRole(ROLES.GUARANTOR_ROLE, admin.address))]);
  await gas(guarantees.grantRole(ROLES.PLATFORM_ROLE, admin.address));
  await gas(complaints.grantRole(ROLES.PLATFORM_ROLE, admin.address));
  await gas(complaints.grantRole(ROLES.REGULATOR_ROLE, admin.address));
  await gas(anchor.grantRole(ROLES.ANCHORER_ROLE, admin.address));

  const now = (await provider.getBlock("latest"))!.timestamp;
  const terms = () => ({
    kind: 0,
    beneficiaryAccount: admin.address,
    amount: 500_000n,
    validFrom: now - 60,
    validUntil: now + 90 * 86400,
    claimPeriod: 28 * 86400,
    beneficiaryRef: b32(),
    applicantRef: b32(),
    subjectRef: b32(),
    documentHash: b32(),
  });
  const g = b32();
  rows.push(["GuaranteeLedger.issue", await gas(guarantees.issue(g, terms()))]);
  rows.push(["GuaranteeLedger.bind", await gas(guarantees.bind(g, b32()))]);
  rows.push(["GuaranteeLedger.lodgeClaim", await gas(guarantees.lodgeClaim(g, 100_000n, b32()))]);
  rows.push(["GuaranteeLedger.payClaim", await gas(guarantees.payClaim(g, 0))]);
  await gas(guarantees.lodgeClaim(g, 100_000n, b32()));
  rows.push(["GuaranteeLedger.declineClaim", await gas(guarantees.declineClaim(g, 1, b32()))]);
  rows.push(["GuaranteeLedger.release", await gas(guarantees.release(g))]);

  const c = b32();
  rows.push(["ComplaintLedger.file", await gas(complaints.file(c, b32(), b32(), b32(), admin.address))]);
  rows.push(["ComplaintLedger.accept", await gas(complaints.accept(c, b32()))]);
  rows.push(["ComplaintLedger.suspendSection", await gas(complaints.suspendSection(c))]);
  rows.push(["ComplaintLedger.resumeSection", await gas(complaints.resumeSection(c))]);
  rows.push(["ComplaintLedger.decide", await gas(complaints.decide(c, 1, b32()))]);
  const r = b32();
  await gas(complaints.file(r, b32(), b32(), b32(), admin.address));
  rows.push(["ComplaintLedger.reject", await gas(complaints.reject(r, b32()))]);
  const w = b32();
  await gas(complaints.file(w, b32(), b32(), b32(), admin.address));
  rows.push(["ComplaintLedger.withdraw", await gas(complaints.withdraw(w, b32()))]);

  // Anchoring: one root per batch versus one transaction per document (the anchor of the ratio).
  const batches: { n: number; batchGas: bigint; eachGas: bigint; treeMs: number }[] = [];
  for (const n of [1, 100, 1000]) {
    const docs = Array.from({ length: n }, b32);
    const t0 = performance.now();
    const tree = documentTree(docs);
    const treeMs = performance.now() - t0;
    const batchGas = await gas(anchor.anchor(tree.root, n));
    let eachGas = 0n;
    for (let i = 0; i < n; i++) eachGas += await gas(anchor.anchor(documentTree([b32()]).root, 1)); // other documents: a root is anchored once
    batches.push({ n, batchGas, eachGas, treeMs });
  }

  const pad = (s: string, w: number) => s.padEnd(w);
  console.log("\nGas per operation");
  console.log(`| ${pad("operation", 32)} | ${"gas".padStart(9)} |`);
  console.log(`| ${"-".repeat(32)} | ${"-".repeat(9)} |`);
  for (const [op, g] of rows) console.log(`| ${pad(op, 32)} | ${g.toString().padStart(9)} |`);

  console.log("\nDocument anchoring: one Merkle root per batch vs one transaction per document");
  console.log("| documents | batch: gas | batch: gas/doc | one tx each: gas | one tx each: gas/doc | ratio (batch/each) | tree build |");
  console.log("| --------: | ---------: | -------------: | ---------------: | -------------------: | -----------------: | ---------: |");
  for (const b of batches) {
    const perDoc = Number(b.batchGas) / b.n;
    const eachPerDoc = Number(b.eachGas) / b.n;
    console.log(
      `| ${String(b.n).padStart(9)} | ${b.batchGas.toString().padStart(10)} | ${perDoc.toFixed(1).padStart(14)} | ${b.eachGas.toString().padStart(16)} | ${eachPerDoc.toFixed(1).padStart(20)} | ${(perDoc / eachPerDoc).toFixed(5).padStart(18)} | ${b.treeMs.toFixed(1).padStart(7)} ms |`,
    );
  }
} finally {
  provider.destroy();
  await node.stop();
}
