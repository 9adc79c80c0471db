import { createHash, randomBytes } from "node:crypto";
import { hexlify } from "ethers";
import type { Ledger } from "#app/server/ledger/ledger.server.ts";
import { startEmbeddedNode, type EmbeddedNode } from "#app/server/ledger/node.server.ts";
import { openEmbeddedLedger } from "#app/server/ledger/setup.server.ts";
import type { LedgerWrite } from "#app/server/ledger/writes.server.ts";
import { createOrganisation } from "#test/factories/organisations.ts";
import type { TestApp } from "../../helpers/test-app.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

/**
 * A Hardhat node started for the test (over JSON-RPC, as in embedded mode), the ledger opened on
 * it (journal replayed, contracts deployed) and put on the test app as `app.ledger`.
 */
export interface TestLedger {
  ledger: Ledger;
  node: EmbeddedNode;
  proxy?: TcpProxy;
  /** Stops the ledger and its node (and the proxy). */
  stop(): Promise<void>;
}

export async function startTestLedger(app: TestApp, options: { viaProxy?: boolean } = {}): Promise<TestLedger> {
  const node = await startEmbeddedNode();
  const proxy = options.viaProxy ? await startTcpProxy({ host: "127.0.0.1", port: node.port }) : undefined;
  const ledger = await openEmbeddedLedger(app, { rpcUrl: proxy?.url ?? node.url, onStop: node.stop });
  app.ledger = ledger;
  return {
    ledger,
    node,
    proxy,
    async stop() {
      app.ledger = undefined;
      await proxy?.close();
      await ledger.stop();
    },
  };
}

export const bytes32 = () => hexlify(randomBytes(32));
export const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** A guarantor, a regulator, a tenderer (beneficiary) and a bidder, all approved. */
export async function ledgerParties(app: TestApp) {
  const now = app.clock.now();
  const [guarantor, regulator, tenderer, bidder] = await Promise.all([
    createOrganisation(app.db, { name: "福州担保有限公司", kinds: ["guarantor"], now }),
    createOrganisation(app.db, { name: "福州市住房和城乡建设局", kinds: ["regulator"], now }),
    createOrganisation(app.db, { name: "福州市城建集团", kinds: ["tenderer"], now }),
    createOrganisation(app.db, { name: "闽江建设有限公司", kinds: ["bidder"], now }),
  ]);
  return { guarantor: guarantor!, regulator: regulator!, tenderer: tenderer!, bidder: bidder! };
}

/** GuaranteeLedger.issue of a bid guarantee of 5,000.00 yuan valid 90 days from `now`. */
export function issueGuarantee(id: string, parties: Awaited<ReturnType<typeof ledgerParties>>, now: Date): LedgerWrite {
  const t = Math.floor(now.getTime() / 1000);
  return {
    contract: "GuaranteeLedger",
    method: "issue",
    actor: { organisationId: parties.guarantor.id },
    args: [
      id,
      {
        kind: 0,
        beneficiaryAccount: { $account: parties.tenderer.id },
        amount: "500000",
        validFrom: String(t - 60),
        validUntil: String(t + 90 * 86400),
        claimPeriod: String(28 * 86400),
        beneficiaryRef: bytes32(),
        applicantRef: bytes32(),
        subjectRef: bytes32(),
        documentHash: `0x${sha256(`guarantee ${id}`)}`,
      },
    ],
  };
}

export function fileComplaint(id: string, parties: Awaited<ReturnType<typeof ledgerParties>>): LedgerWrite {
  return {
    contract: "ComplaintLedger",
    method: "file",
    actor: "platform",
    args: [id, bytes32(), `0x${sha256(`complaint ${id}`)}`, bytes32(), { $account: parties.regulator.id }],
  };
}
