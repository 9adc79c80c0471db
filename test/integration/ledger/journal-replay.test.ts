import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { bytes32, fileComplaint, issueGuarantee, ledgerParties, startTestLedger, type TestLedger } from "./helpers/ledger-fixture.ts";

/**
 * Embedded mode keeps the chain in the database: stopping the node loses nothing, and the next
 * start replays the journal with the original timestamps into an identical chain.
 */
describe("the embedded ledger's journal", () => {
  let app: TestApp;
  let tl: TestLedger | undefined;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await tl?.stop();
    await app?.close();
  });

  const snapshot = async (ledger: TestLedger["ledger"]) => {
    const head = await ledger.provider.getBlockNumber();
    const blocks = [];
    for (let n = 0; n <= head; n++) {
      const b = (await ledger.provider.getBlock(n))!;
      blocks.push({ number: b.number, hash: b.hash, timestamp: b.timestamp, transactions: [...b.transactions] });
    }
    const code = await Promise.all(Object.values(ledger.addresses).map((a) => ledger.provider.getCode(a)));
    return { addresses: ledger.addresses, blocks, code };
  };

  it("comes back with the same contract addresses, transaction hashes and block timestamps", async () => {
    const parties = await ledgerParties(app);
    tl = await startTestLedger(app);
    const guaranteeId = bytes32();
    const complaintId = bytes32();
    await deliverLedgerWrite(app, `g:${guaranteeId}`, issueGuarantee(guaranteeId, parties, app.clock.now()));
    await app.clock.advance(3600); // an empty block an hour later
    await deliverLedgerWrite(app, `c:${complaintId}`, fileComplaint(complaintId, parties));
    await app.clock.advance(86400);
    const before = await snapshot(tl.ledger);
    const guaranteeBefore = await tl.ledger.contracts.GuaranteeLedger.guarantee(guaranteeId);
    const firstPid = tl.node.pid;
    await tl.stop();
    expect(() => process.kill(firstPid, 0)).toThrow(); // the node process itself is gone
    tl = undefined;

    tl = await startTestLedger(app);
    expect(tl.node.pid).not.toBe(firstPid);
    const after = await snapshot(tl.ledger);
    expect(after.addresses).toEqual(before.addresses);
    expect(after.blocks.map((b) => b.transactions)).toEqual(before.blocks.map((b) => b.transactions));
    expect(after.blocks.map((b) => b.timestamp)).toEqual(before.blocks.map((b) => b.timestamp));
    expect(after.blocks.map((b) => b.hash)).toEqual(before.blocks.map((b) => b.hash));
    expect(after.code).toEqual(before.code);
    expect(await tl.ledger.contracts.GuaranteeLedger.guarantee(guaranteeId)).toEqual(guaranteeBefore);
    expect(await tl.ledger.contracts.ComplaintLedger.state(complaintId)).toBe(0n); // Filed

    // And it goes on from there: the next write lands after the replayed blocks, at the clock's time.
    const next = bytes32();
    const sent = await deliverLedgerWrite(app, `g:${next}`, issueGuarantee(next, parties, app.clock.now()));
    expect(sent.blockNumber).toBe(before.blocks.length);
    expect(sent.blockTime.getTime()).toBe(app.clock.now().getTime());
  });
});
