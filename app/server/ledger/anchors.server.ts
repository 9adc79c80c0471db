import { randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { documentHashToBytes32, documentTree } from "#app/crypto/merkle.ts";
import type { Database } from "#db/schema.ts";
import type { AppContext } from "../context.server.ts";
import { toBigInt } from "../db.server.ts";
import { enqueue } from "../outbox.server.ts";
import { enqueueLedgerWrite } from "./writes.server.ts";

/**
 * Document anchoring (ARCHITECTURE.md §5): services queue the SHA-256 of a document (an envelope,
 * a receipt, an opening record) in the same transaction that creates it; the anchor batcher job
 * takes every queued hash, builds the StandardMerkleTree-compatible tree, stores each document's
 * proof and queues one DocumentAnchor.anchor(root, count) write.
 *
 * Every tree has exactly `ANCHOR_TREE_LEAVES` leaves: the documents, then random 32-byte values
 * (decision 24). The chain, the explorer and the public lookup thus show the same count and
 * proofs of the same length for every batch, so nobody learns how many documents a batch held —
 * e.g. how many bid envelopes came in before a deadline (法 22). A padding leaf is a uniformly
 * random value, as a SHA-256 is, and leaves are sorted by hash, so no position tells them apart.
 */
export const ANCHOR_BATCH = "anchor.batch";
/** Hashes queued within one window go into one tree, anchored when the window ends. */
export const ANCHOR_WINDOW_SECONDS = 60;
/**
 * The leaves of every tree, documents and padding together: a power of two, so the tree is
 * perfect and every proof has log2 of it (10) hashes. It is also the most documents per tree;
 * more in one window make several trees.
 */
export const ANCHOR_TREE_LEAVES = 1024;

/** The documents, then random leaves up to `ANCHOR_TREE_LEAVES`: the composition of a tree is not told by its size. */
export function padAnchorLeaves(documents: readonly string[], random: (bytes: number) => Buffer = randomBytes): string[] {
  if (documents.length > ANCHOR_TREE_LEAVES) throw new Error(`a tree holds at most ${ANCHOR_TREE_LEAVES} documents`);
  const padding = Array.from({ length: ANCHOR_TREE_LEAVES - documents.length }, () => `0x${random(32).toString("hex")}`);
  return [...documents, ...padding];
}

const normalise = (sha256: string) => documentHashToBytes32(sha256).slice(2);

export async function queueForAnchoring(trx: Transaction<Database>, doc: { sha256: string; source: string }, now: Date): Promise<void> {
  await trx
    .insertInto("anchor_queue")
    .values({ sha256: normalise(doc.sha256), source: doc.source, queued_at: now, batch_id: null })
    .onConflict((oc) => oc.column("sha256").doNothing())
    .execute();
  const windowMs = ANCHOR_WINDOW_SECONDS * 1000;
  const windowEnd = Math.floor(now.getTime() / windowMs) * windowMs + windowMs;
  await enqueue(trx, { kind: ANCHOR_BATCH, key: `anchor.batch:${windowEnd}`, payload: {}, runAfter: new Date(windowEnd) }, now);
}

/** Builds one batch from the queued hashes; null when nothing waits. */
export async function buildAnchorBatch(app: Pick<AppContext, "db" | "clock">): Promise<{ id: string; root: string; count: number } | null> {
  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    const pending = await trx
      .selectFrom("anchor_queue")
      .select(["sha256"])
      .where("batch_id", "is", null)
      .orderBy("queued_at")
      .orderBy("sha256")
      .limit(ANCHOR_TREE_LEAVES)
      .forUpdate()
      .skipLocked()
      .execute();
    if (pending.length === 0) return null;
    const docs = pending.map((p) => `0x${p.sha256}`);
    // The real documents are the first `docs.length` leaves given; only they get proofs stored.
    const tree = documentTree(padAnchorLeaves(docs));
    const key = `ledger:anchor:${tree.root}`;
    // `document_count` is what the chain is told (the leaves, padding included), never how many documents are real.
    const batch = await trx
      .insertInto("anchor_batches")
      .values({ root: tree.root, document_count: ANCHOR_TREE_LEAVES, outbox_key: key, created_at: now })
      .returning(["id"])
      .executeTakeFirstOrThrow();
    const batchId = String(batch.id);
    await trx
      .updateTable("anchor_queue")
      .set({ batch_id: batchId })
      .where(
        "sha256",
        "in",
        pending.map((p) => p.sha256),
      )
      .execute();
    for (let i = 0; i < docs.length; i += 1000) {
      await trx
        .insertInto("anchor_proofs")
        .values(
          docs
            .slice(i, i + 1000)
            .map((_, k) => ({ sha256: pending[i + k]!.sha256, batch_id: batchId, proof: JSON.stringify(tree.proof(i + k)) })),
        )
        .execute();
    }
    await enqueueLedgerWrite(
      trx,
      key,
      { contract: "DocumentAnchor", method: "anchor", args: [tree.root, String(ANCHOR_TREE_LEAVES)], actor: "platform" },
      now,
    );
    return { id: batchId, root: tree.root, count: docs.length };
  });
}

export type AnchorLookup =
  | {
      status: "anchored";
      sha256: string;
      root: string;
      proof: string[];
      /** The leaves of the tree as anchored (documents and padding): the same for every batch (decision 24). */
      documentCount: number;
      txHash: string;
      blockNumber: number;
      blockTime: string;
      chainId: string | null;
      contract: string | null;
    }
  | { status: "pending"; sha256: string; queuedAt: string; batched: boolean; root: string | null }
  | { status: "unknown"; sha256: string };

/** Where a document stands: anchored (with proof and transaction), queued, or unknown. */
export async function lookupAnchor(db: Kysely<Database>, sha256: string): Promise<AnchorLookup> {
  const hash = normalise(sha256);
  const queued = await db
    .selectFrom("anchor_queue")
    .leftJoin("anchor_batches", "anchor_batches.id", "anchor_queue.batch_id")
    .leftJoin("anchor_proofs", "anchor_proofs.sha256", "anchor_queue.sha256")
    .leftJoin("ledger_sends", "ledger_sends.outbox_key", "anchor_batches.outbox_key")
    .select([
      "anchor_queue.queued_at",
      "anchor_batches.root",
      "anchor_batches.document_count",
      "anchor_proofs.proof",
      "ledger_sends.status as send_status",
      "ledger_sends.tx_hash",
      "ledger_sends.block_number",
      "ledger_sends.block_time",
    ])
    .where("anchor_queue.sha256", "=", hash)
    .executeTakeFirst();
  if (!queued) return { status: "unknown", sha256: hash };
  if (queued.send_status !== "confirmed" || !queued.root || !queued.proof) {
    return { status: "pending", sha256: hash, queuedAt: queued.queued_at.toISOString(), batched: queued.root !== null, root: queued.root };
  }
  const deployment = await db
    .selectFrom("ledger_deployment")
    .select(["address", "chain_id"])
    .where("contract", "=", "DocumentAnchor")
    .executeTakeFirst();
  const proof = typeof queued.proof === "string" ? (JSON.parse(queued.proof) as string[]) : queued.proof;
  return {
    status: "anchored",
    sha256: hash,
    root: queued.root,
    proof,
    documentCount: queued.document_count!,
    txHash: queued.tx_hash!,
    blockNumber: Number(toBigInt(queued.block_number)),
    blockTime: queued.block_time!.toISOString(),
    chainId: deployment ? String(deployment.chain_id) : null,
    contract: deployment?.address ?? null,
  };
}
