import type { Kysely } from "kysely";
import { Transaction, type JsonRpcProvider, type TransactionResponse } from "ethers";
import type { Database } from "#db/schema.ts";
import { toBigInt } from "../db.server.ts";

/**
 * The embedded chain's journal (ARCHITECTURE.md §1): every block the node mined, with its
 * timestamp and its transactions as raw signed bytes, in order. PGlite/Postgres is the authority
 * in embedded mode; the node is rebuilt from this at every start.
 *
 * `sync()` copies into the journal every block the node has and the journal lacks (it reads them
 * back from the node, so a block whose answer was lost on the way is journaled all the same).
 */
export class LedgerJournal {
  #last: number | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly provider: JsonRpcProvider,
  ) {}

  async lastBlock(): Promise<number> {
    if (this.#last === undefined) {
      const row = await this.db
        .selectFrom("ledger_journal")
        .select((eb) => eb.fn.max("block_number").as("last"))
        .executeTakeFirst();
      this.#last = row?.last === null || row?.last === undefined ? 0 : Number(toBigInt(row.last));
    }
    return this.#last;
  }

  async sync(): Promise<void> {
    const head = await this.provider.getBlockNumber();
    for (let n = (await this.lastBlock()) + 1; n <= head; n++) {
      const block = await this.provider.getBlock(n, true);
      if (!block) throw new Error(`the ledger node has no block ${n}`);
      const raws = block.prefetchedTransactions.map(rawOf);
      await this.db
        .insertInto("ledger_journal")
        .values({
          block_number: n,
          block_hash: block.hash!,
          block_timestamp: block.timestamp,
          raw_txs: JSON.stringify(raws),
          recorded_at: new Date(),
        })
        .onConflict((oc) => oc.column("block_number").doNothing())
        .execute();
      this.#last = n;
    }
  }

  /**
   * Replays the journal into a fresh node (at genesis): each block's transactions are sent again
   * and the block is mined at its original timestamp. Returns the number of blocks and whether
   * every block hash came back the same.
   */
  async replay(): Promise<{ blocks: number; identical: boolean; firstDifferent?: number }> {
    const head = await this.provider.getBlockNumber();
    if (head !== 0) throw new Error(`cannot replay the ledger journal into a node that already has ${head} blocks`);
    const rows = await this.db.selectFrom("ledger_journal").selectAll().orderBy("block_number").execute();
    let firstDifferent: number | undefined;
    for (const row of rows) {
      const n = Number(toBigInt(row.block_number));
      await this.provider.send("evm_setNextBlockTimestamp", [Number(toBigInt(row.block_timestamp))]);
      const raws = typeof row.raw_txs === "string" ? (JSON.parse(row.raw_txs) as string[]) : row.raw_txs;
      for (const raw of raws) await this.provider.send("eth_sendRawTransaction", [raw]);
      await this.provider.send("evm_mine", []);
      if (firstDifferent === undefined) {
        const mined = (await this.provider.send("eth_getBlockByNumber", [`0x${n.toString(16)}`, false])) as { hash: string } | null;
        if (mined?.hash !== row.block_hash) firstDifferent = n;
      }
    }
    this.#last = rows.length === 0 ? 0 : Number(toBigInt(rows[rows.length - 1]!.block_number));
    return { blocks: rows.length, identical: firstDifferent === undefined, firstDifferent };
  }
}

/** The signed bytes of a transaction as the node returned it (checked against its hash). */
export function rawOf(tx: TransactionResponse): string {
  const legacy = tx.type === 0 || tx.type === 1;
  const rebuilt = Transaction.from({
    type: tx.type,
    to: tx.to,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    gasPrice: legacy ? tx.gasPrice : undefined,
    maxFeePerGas: legacy ? undefined : tx.maxFeePerGas,
    maxPriorityFeePerGas: legacy ? undefined : tx.maxPriorityFeePerGas,
    data: tx.data,
    value: tx.value,
    chainId: tx.chainId,
    accessList: tx.type === 0 ? undefined : tx.accessList,
    signature: tx.signature,
  });
  if (rebuilt.hash !== tx.hash) throw new Error(`cannot rebuild the raw bytes of ${tx.hash} (got ${rebuilt.hash})`);
  return rebuilt.serialized;
}
