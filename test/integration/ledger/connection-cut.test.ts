import { JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import { INTERFACES } from "#app/server/ledger/contracts.server.ts";
import { enqueueLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { bytes32, fileComplaint, issueGuarantee, ledgerParties, startTestLedger, type TestLedger } from "./helpers/ledger-fixture.ts";

/**
 * The worker reaches the node through a loopback TCP proxy that the test cuts: once between
 * requests, and once right after the node accepted a transaction but before its answer arrived.
 * Writes wait (their jobs retry), and when the connection returns every write lands exactly once.
 */
describe("a ledger connection cut mid-way", () => {
  let app: TestApp;
  let tl: TestLedger;
  let parties: Awaited<ReturnType<typeof ledgerParties>>;
  beforeAll(async () => {
    app = await createTestApp();
    parties = await ledgerParties(app);
    tl = await startTestLedger(app, { viaProxy: true });
  });
  afterAll(async () => {
    await tl?.stop();
    await app?.close();
  });

  it("makes writes wait, then lands every one exactly once", async () => {
    const guarantees = Array.from({ length: 4 }, () => bytes32());
    const complaints = Array.from({ length: 2 }, () => bytes32());
    await app.db.transaction().execute(async (trx) => {
      for (const id of guarantees)
        await enqueueLedgerWrite(trx, `guarantee:${id}:issue`, issueGuarantee(id, parties, app.clock.now()), app.clock.now());
      for (const id of complaints) await enqueueLedgerWrite(trx, `complaint:${id}:file`, fileComplaint(id, parties), app.clock.now());
    });
    const runner = createJobRunner(app, { handlers: jobHandlers, backoff: () => 5 });

    // The first write goes through.
    expect(await runner.runOnce()).toBe(true);
    // The second: the node mines it, but the answer to evm_mine is lost on the way back.
    const lost = tl.proxy!.cutAfter("evm_mine");
    expect(await runner.runOnce()).toBe(true);
    await lost;
    // While the connection is down nothing can be delivered; the jobs wait for their retry.
    await runner.drain();
    const waiting = await app.db
      .selectFrom("outbox")
      .select(["key", "status", "last_error"])
      .where("kind", "=", "ledger.send")
      .where("status", "!=", "done")
      .execute();
    expect(waiting.length).toBeGreaterThanOrEqual(5);
    expect(waiting.every((j) => j.status === "pending")).toBe(true);
    expect(waiting.some((j) => /LEDGER_UNAVAILABLE/.test(j.last_error ?? ""))).toBe(true);

    tl.proxy!.restore();
    await app.clock.advance(5);
    await runner.drain();
    const jobs = await app.db.selectFrom("outbox").select(["status"]).where("kind", "=", "ledger.send").execute();
    expect(jobs.map((j) => j.status)).toEqual(Array(6).fill("done"));

    // Straight from the node (not through the proxy): one event per write, no more.
    const direct = new JsonRpcProvider(tl.node.url, 31337, { staticNetwork: true });
    try {
      const logs = await direct.getLogs({
        address: [tl.ledger.address("GuaranteeLedger"), tl.ledger.address("ComplaintLedger")],
        fromBlock: 0,
      });
      const issued = logs
        .map((l) => INTERFACES.GuaranteeLedger.parseLog(l) ?? INTERFACES.ComplaintLedger.parseLog(l))
        .filter((e) => e?.name === "GuaranteeIssued" || e?.name === "ComplaintFiled");
      const ids = issued.map((e) => String(e!.args[0]));
      expect(ids.sort()).toEqual([...guarantees, ...complaints].sort());

      // Every block the node has is journaled exactly once, in order, and nonces have no gap.
      const head = await direct.getBlockNumber();
      const journal = await app.db.selectFrom("ledger_journal").select(["block_number"]).orderBy("block_number").execute();
      expect(journal.map((j) => Number(j.block_number))).toEqual(Array.from({ length: head }, (_, i) => i + 1));
      const sends = await app.db
        .selectFrom("ledger_sends")
        .select(["account", "nonce", "status"])
        .orderBy("account")
        .orderBy("nonce")
        .execute();
      expect(sends.every((s) => s.status === "confirmed")).toBe(true);
      for (const account of new Set(sends.map((s) => s.account))) {
        const nonces = sends.filter((s) => s.account === account).map((s) => Number(s.nonce));
        expect(nonces).toEqual(nonces.map((_, i) => i));
        expect(await direct.getTransactionCount(account)).toBe(nonces.length);
      }
    } finally {
      direct.destroy();
    }
  });
});
