import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import { verifyProof } from "#app/crypto/merkle.ts";
import { ANCHOR_TREE_LEAVES, ANCHOR_WINDOW_SECONDS, queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { reconcileLedger } from "#app/server/ledger/indexer.server.ts";
import { loader } from "#app/routes/api.anchors.$sha256.ts";
import { anchorFromLookup } from "#scripts/cli/verify-command.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { sha256, startTestLedger, type TestLedger } from "./helpers/ledger-fixture.ts";

describe("the anchor batcher and GET /api/anchors/:sha256", () => {
  let app: TestApp;
  let tl: TestLedger;
  beforeAll(async () => {
    app = await createTestApp();
    tl = await startTestLedger(app);
  });
  afterAll(async () => {
    await tl?.stop();
    await app?.close();
  });

  const get = async (hash: string) => {
    const request = new Request(`http://localhost/api/anchors/${hash}`);
    const res = (await loader({
      request,
      params: { sha256: hash },
      context: { app, request: TEST_META },
    } as unknown as LoaderFunctionArgs)) as Response;
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("anchors a receipt with others in one tree; anyone can check its proof against the chain", async () => {
    const receipt = JSON.stringify({
      format: "bidhall.receipt/1",
      receiptNo: "01JDR8Z1QX7J5Y3K2M4N6P8R0T",
      sectionId: "A3501002026000101001",
      bidderUscc: "91350100MA2XXXXX0X",
      version: 1,
      envelopeSha256: sha256("envelope"),
      packageDigest: sha256("package"),
      size: 1048576,
      receivedAt: app.clock.now().toISOString(),
    });
    const receiptHash = sha256(receipt);
    const others = Array.from({ length: 6 }, (_, i) => sha256(`document ${i}`));
    await app.db.transaction().execute(async (trx) => {
      await queueForAnchoring(trx, { sha256: receiptHash, source: "receipt" }, app.clock.now());
      for (const h of others) await queueForAnchoring(trx, { sha256: h.toUpperCase(), source: "test" }, app.clock.now());
    });

    expect(await get(sha256("never seen"))).toEqual({
      status: 404,
      body: expect.objectContaining({ status: "not anchored (yet)", queued: false }),
    });
    expect(await get(receiptHash)).toEqual({ status: 404, body: expect.objectContaining({ queued: true, batched: false }) });

    // The batcher runs when its window ends, then the ledger.send it queued delivers the root.
    const runner = createJobRunner(app, { handlers: jobHandlers });
    expect(await runner.drain()).toBe(0);
    await app.clock.advance(ANCHOR_WINDOW_SECONDS);
    expect(await runner.drain()).toBe(2);

    const { status, body } = await get(receiptHash);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "anchored",
      sha256: receiptHash,
      // Padded (decision 24): the count is the tree's, never how many documents it holds.
      documentCount: ANCHOR_TREE_LEAVES,
      contract: tl.ledger.address("DocumentAnchor"),
      chainId: "31337",
    });
    const proof = body.proof as string[];
    const root = body.root as string;
    expect(proof).toHaveLength(Math.log2(ANCHOR_TREE_LEAVES));
    expect(verifyProof(root, `0x${receiptHash}`, proof)).toBe(true);

    // Against the chain itself: the root, the block time, the transaction.
    const anchor = tl.ledger.contracts.DocumentAnchor;
    expect(await anchor.verify(root, `0x${receiptHash}`, proof)).toBe(true);
    expect(await anchor.verify(root, `0x${sha256("forged")}`, proof)).toBe(false);
    expect(new Date(Number(await anchor.anchoredAt(root)) * 1000).toISOString()).toBe(body.blockTime);
    const tx = await tl.ledger.provider.getTransaction(body.txHash as string);
    expect(anchor.interface.parseTransaction({ data: tx!.data })!.args[0]).toBe(root);
    // `bidhall verify --server` prints this answer's transaction (it printed "undefined").
    const line = anchorFromLookup(body as unknown as Parameters<typeof anchorFromLookup>[0]);
    expect(line).toMatchObject({ ok: true, blockTime: new Date(body.blockTime as string) });
    expect(line.line).toContain(`in transaction ${tx!.hash} (block ${tx!.blockNumber})`);
    expect(line.line).not.toContain("undefined");
    for (const h of others) {
      const other = await get(h);
      expect(await anchor.verify(root, `0x${h}`, other.body.proof as string[])).toBe(true);
    }

    // The indexer has the anchor, and reconciliation finds both sides agree.
    const events = await app.db
      .selectFrom("ledger_events")
      .select(["event", "subject"])
      .where("contract", "=", "DocumentAnchor")
      .where("event", "=", "RootAnchored")
      .execute();
    expect(events).toEqual([{ event: "RootAnchored", subject: root }]);
    expect(await reconcileLedger(app, tl.ledger)).toEqual([]);

    // Postgres and the chain disagree: reconciliation reports it (log + ledger_drift), then clears it.
    const key = `ledger:anchor:${root}`;
    const recorded = await app.db.selectFrom("ledger_sends").select(["block_time"]).where("outbox_key", "=", key).executeTakeFirstOrThrow();
    await app.db
      .updateTable("ledger_sends")
      .set({ block_time: new Date(recorded.block_time!.getTime() + 1000) })
      .where("outbox_key", "=", key)
      .execute();
    await app.db.deleteFrom("ledger_events").where("subject", "=", root).execute();
    const drift = await reconcileLedger(app, tl.ledger);
    expect(drift.map((d) => [d.kind, d.subject])).toEqual([
      ["anchor-missing", root],
      ["event-missing", "DocumentAnchor"],
    ]);
    expect(
      await app.db.selectFrom("ledger_drift").select(["kind", "subject"]).where("resolved_at", "is", null).orderBy("kind").execute(),
    ).toEqual([
      { kind: "anchor-missing", subject: root },
      { kind: "event-missing", subject: "DocumentAnchor" },
    ]);
    // The lost event was indexed again; the anchor time is a disagreement only a person can settle.
    expect(await app.db.selectFrom("ledger_events").select(["event"]).where("subject", "=", root).execute()).toEqual([
      { event: "RootAnchored" },
    ]);
    await app.db.updateTable("ledger_sends").set({ block_time: recorded.block_time }).where("outbox_key", "=", key).execute();
    expect(await reconcileLedger(app, tl.ledger)).toEqual([]);
    expect(await app.db.selectFrom("ledger_drift").select(["id"]).where("resolved_at", "is", null).execute()).toEqual([]);
  });

  it("tells nobody how many documents a batch holds: every tree, proof and on-chain count has the same size", async () => {
    const runner = createJobRunner(app, { handlers: jobHandlers });
    const batches: string[][] = [[sha256("alone in its batch")], Array.from({ length: 5 }, (_, i) => sha256(`one of five ${i}`))];
    const seen: { documentCount: unknown; proofLength: number; root: string }[] = [];
    for (const docs of batches) {
      await app.db.transaction().execute(async (trx) => {
        for (const h of docs) await queueForAnchoring(trx, { sha256: h, source: "bid-envelope" }, app.clock.now());
      });
      await app.clock.advance(ANCHOR_WINDOW_SECONDS);
      await runner.drain();
      for (const h of docs) {
        const { status, body } = await get(h);
        expect(status).toBe(200);
        const proof = body.proof as string[];
        expect(verifyProof(body.root as string, `0x${h}`, proof)).toBe(true);
        seen.push({ documentCount: body.documentCount, proofLength: proof.length, root: body.root as string });
      }
    }
    expect(new Set(seen.map((s) => s.root)).size).toBe(2);
    expect(new Set(seen.map((s) => `${String(s.documentCount)}/${s.proofLength}`))).toEqual(
      new Set([`${ANCHOR_TREE_LEAVES}/${Math.log2(ANCHOR_TREE_LEAVES)}`]),
    );
    // The chain holds the same padded count for both roots.
    for (const root of new Set(seen.map((s) => s.root)))
      expect(await tl.ledger.contracts.DocumentAnchor.documentCount(root)).toBe(BigInt(ANCHOR_TREE_LEAVES));
  });

  it("refuses a malformed hash", async () => {
    // An /api refusal is a JSON answer (decision 50), not a thrown route error.
    const refused = await get("not-a-hash");
    expect(refused).toMatchObject({ status: 400, body: { error: { code: "VALIDATION_FAILED" } } });
  });
});
