import type { Kysely } from "kysely";
import { FetchRequest, getCreateAddress, JsonRpcProvider, keccak256, Network, Transaction, type TransactionReceipt } from "ethers";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { Database } from "#db/schema.ts";
import type { Clock } from "../clock.server.ts";
import type { Logger } from "../context.server.ts";
import { toBigInt } from "../db.server.ts";
import { CONTRACT_NAMES, FACTORIES, INTERFACES, revertToAppError, type ContractName, type LedgerContracts } from "./contracts.server.ts";
import { LedgerJournal } from "./journal.server.ts";
import type { LedgerAccounts } from "./keys.server.ts";

/**
 * The chain client (ARCHITECTURE.md §1, §5). Reads go through typed TypeChain contracts on a
 * JSON-RPC provider; writes are signed here by the acting account's `LedgerSigner` and sent as raw
 * transactions, each recorded in `ledger_sends` under its outbox key *before* it is broadcast, so
 * a retry re-sends the same bytes (same hash, same nonce) and a write lands at most once.
 *
 * Two ways to run:
 * - embedded: a local Hardhat node without automining. Each block is mined here, at the platform
 *   clock's time, and journaled (`ledger_journal`); at start-up the journal is replayed into the
 *   fresh node with the original timestamps, so addresses, hashes and times come back identical.
 * - external (LEDGER_RPC_URL): the network mines; we send and wait for the receipt.
 */
export interface LedgerDeps {
  db: Kysely<Database>;
  clock: Clock;
  log: Logger;
  accounts: LedgerAccounts;
}

export interface LedgerOptions {
  rpcUrl: string;
  chainId: bigint;
  /** Embedded: mine and journal every block here; otherwise the network mines. */
  embedded: boolean;
  /** Contract addresses, when known (an external deployment file, or the embedded chain's table). */
  addresses?: Partial<Record<ContractName, string>>;
  /** How long to wait for a receipt on an external network before the job retries. */
  receiptTimeoutMs?: number;
  requestTimeoutMs?: number;
  onStop?: () => Promise<void>;
}

/** A call to make: a contract method, or a deployment (`method: "deploy"`, args = constructor args). */
export interface LedgerCall {
  holder: string;
  contract: ContractName;
  method: string;
  args: readonly unknown[];
}

export interface SendResult {
  txHash: string;
  blockNumber: number;
  blockTime: Date;
  gasUsed: bigint;
  contractAddress?: string;
}

type SendRow = Awaited<ReturnType<Ledger["findSend"]>>;

export class Ledger {
  readonly provider: JsonRpcProvider;
  readonly journal: LedgerJournal | undefined;
  readonly #addresses: Partial<Record<ContractName, string>>;
  #lock: Promise<unknown> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;

  constructor(
    readonly deps: LedgerDeps,
    readonly options: LedgerOptions,
  ) {
    const request = new FetchRequest(options.rpcUrl);
    request.timeout = options.requestTimeoutMs ?? 15_000;
    const network = Network.from(options.chainId);
    this.provider = new JsonRpcProvider(request, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1 });
    this.#addresses = { ...options.addresses };
    this.journal = options.embedded ? new LedgerJournal(deps.db, this.provider) : undefined;
    if (options.embedded) {
      // Block time follows the platform clock: an advance mines an (empty) block at the new time.
      this.#unsubscribe = deps.clock.onAdvance(async () => {
        try {
          await this.mine([]);
        } catch (e) {
          deps.log.warn("ledger: could not follow the clock", { error: e instanceof Error ? e.message : String(e) });
        }
      });
    }
  }

  get chainId() {
    return this.options.chainId;
  }

  address(contract: ContractName): string {
    const a = this.#addresses[contract];
    if (!a) throw new AppError("LEDGER_UNAVAILABLE", {}, { cause: new Error(`${contract} is not deployed on this ledger`) });
    return a;
  }

  get addresses(): Record<ContractName, string> {
    return Object.fromEntries(CONTRACT_NAMES.map((c) => [c, this.address(c)])) as Record<ContractName, string>;
  }

  setAddress(contract: ContractName, address: string) {
    this.#addresses[contract] = address;
  }

  /** Read-only typed contracts on this ledger. */
  get contracts(): LedgerContracts {
    return {
      GuaranteeLedger: FACTORIES.GuaranteeLedger.connect(this.address("GuaranteeLedger"), this.provider),
      ComplaintLedger: FACTORIES.ComplaintLedger.connect(this.address("ComplaintLedger"), this.provider),
      DocumentAnchor: FACTORIES.DocumentAnchor.connect(this.address("DocumentAnchor"), this.provider),
    };
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#lock.catch(() => undefined);
    this.provider.destroy();
    await this.options.onStop?.();
  }

  /** Runs `fn` alone: blocks are mined one at a time, in journal order. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  async findSend(key: string) {
    return this.deps.db.selectFrom("ledger_sends").selectAll().where("outbox_key", "=", key).executeTakeFirst();
  }

  /**
   * Sends `call` once under `key`: a write already confirmed is returned as it is; one signed
   * before (a crash, a lost connection) is looked up on the chain and re-sent with its original
   * bytes if the chain does not have it; otherwise the call is simulated (a revert throws
   * LEDGER_REVERTED without spending a nonce), signed, recorded, sent and awaited.
   */
  async send(key: string, call: LedgerCall): Promise<SendResult> {
    return this.#unavailableOnNetworkError(async () => {
      const existing = await this.findSend(key);
      if (existing?.status === "confirmed") return resultOf(existing);
      if (existing?.status === "signed") return this.#complete(existing);
      return this.#complete(await this.#sign(key, call));
    });
  }

  async #sign(key: string, call: LedgerCall): Promise<NonNullable<SendRow>> {
    const signer = await this.deps.accounts.signerFor(call.holder);
    const factory = FACTORIES[call.contract];
    const to = call.method === "deploy" ? null : this.address(call.contract);
    const data =
      call.method === "deploy"
        ? (await new factory().getDeployTransaction(...(call.args as [string]))).data
        : INTERFACES[call.contract].encodeFunctionData(call.method, call.args as unknown[]);
    await this.#flushSigned(signer.address);
    let gas: bigint;
    try {
      gas = await this.provider.estimateGas({ from: signer.address, to, data });
    } catch (e) {
      throw revertToAppError(e, call) ?? e;
    }
    const [pendingNonce, fees] = await Promise.all([this.provider.getTransactionCount(signer.address, "pending"), this.#fees()]);
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const account = await trx
        .selectFrom("ledger_accounts")
        .select(["next_nonce"])
        .where("address", "=", signer.address)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const nonce = Math.max(Number(toBigInt(account.next_nonce)), pendingNonce);
      const raw = await signer.signTransaction({
        ...fees,
        chainId: this.chainId,
        nonce,
        to,
        data,
        value: 0n,
        gasLimit: (gas * 12n) / 10n + 10_000n,
      });
      const row = {
        outbox_key: key,
        contract: call.contract,
        method: call.method,
        account: signer.address,
        nonce,
        tx_hash: keccak256(raw),
        raw_tx: raw,
        status: "signed" as const,
        block_number: null,
        block_time: null,
        gas_used: null,
        error: null,
        created_at: now,
        confirmed_at: null,
      };
      // A reverted earlier attempt had no effect: sign again under the same key.
      await trx.deleteFrom("ledger_sends").where("outbox_key", "=", key).where("status", "=", "reverted").execute();
      await trx.insertInto("ledger_sends").values(row).execute();
      await trx
        .updateTable("ledger_accounts")
        .set({ next_nonce: nonce + 1 })
        .where("address", "=", signer.address)
        .execute();
      return { ...row, nonce: String(nonce) };
    });
  }

  /** Any signed transaction of this account the chain does not have yet goes first, so nonces leave no gap. */
  async #flushSigned(account: string) {
    const waiting = await this.deps.db
      .selectFrom("ledger_sends")
      .selectAll()
      .where("account", "=", account)
      .where("status", "=", "signed")
      .orderBy("nonce")
      .execute();
    for (const row of waiting) await this.#complete(row).catch(() => undefined);
  }

  async #fees() {
    const block = await this.provider.getBlock("latest");
    if (block?.baseFeePerGas !== null && block?.baseFeePerGas !== undefined) {
      const priority = this.options.embedded ? 0n : BigInt((await this.provider.send("eth_maxPriorityFeePerGas", [])) as string);
      return { type: 2, maxFeePerGas: block.baseFeePerGas * 2n + priority, maxPriorityFeePerGas: priority };
    }
    return { type: 0, gasPrice: BigInt((await this.provider.send("eth_gasPrice", [])) as string) };
  }

  async #complete(row: NonNullable<SendRow>): Promise<SendResult> {
    let receipt = await this.provider.getTransactionReceipt(row.tx_hash);
    if (!receipt) {
      if (this.options.embedded) await this.mine([row.raw_tx]);
      else await this.#broadcast(row.raw_tx, row.tx_hash);
      receipt = await this.#awaitReceipt(row.tx_hash);
    }
    return this.#record(row, receipt);
  }

  async #broadcast(raw: string, hash: string) {
    try {
      await this.provider.send("eth_sendRawTransaction", [raw]);
    } catch (e) {
      // Sent before (the answer was lost): the node knows it, as pending or mined.
      if (await this.provider.send("eth_getTransactionByHash", [hash]).catch(() => null)) return;
      throw e;
    }
  }

  async #awaitReceipt(hash: string): Promise<TransactionReceipt> {
    const deadline = Date.now() + (this.options.receiptTimeoutMs ?? 60_000);
    for (;;) {
      const receipt = await this.provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
      if (Date.now() > deadline) throw new AppError("LEDGER_UNAVAILABLE", {}, { cause: new Error(`no receipt for ${hash} yet`) });
      await new Promise((r) => setTimeout(r, this.options.embedded ? 50 : 500));
    }
  }

  async #record(row: NonNullable<SendRow>, receipt: TransactionReceipt): Promise<SendResult> {
    const block = await this.provider.getBlock(receipt.blockNumber);
    if (!block) throw new Error(`block ${receipt.blockNumber} is missing`);
    const blockTime = new Date(block.timestamp * 1000);
    let error: AppError | undefined;
    if (receipt.status !== 1) {
      const tx = Transaction.from(row.raw_tx);
      try {
        await this.provider.call({ from: row.account, to: tx.to, data: tx.data, blockTag: receipt.blockNumber - 1 });
      } catch (e) {
        error = revertToAppError(e, row);
      }
      error ??= new AppError("LEDGER_REVERTED", { error: "unknown", args: [], contract: row.contract, method: row.method });
    }
    await this.deps.db
      .updateTable("ledger_sends")
      .set({
        status: error ? "reverted" : "confirmed",
        block_number: receipt.blockNumber,
        block_time: blockTime,
        gas_used: receipt.gasUsed,
        error: error ? error.message : null,
        confirmed_at: this.deps.clock.now(),
      })
      .where("outbox_key", "=", row.outbox_key)
      .execute();
    if (error) throw error;
    const contractAddress =
      row.method === "deploy" ? getCreateAddress({ from: row.account, nonce: Number(toBigInt(row.nonce)) }) : undefined;
    return { txHash: row.tx_hash, blockNumber: receipt.blockNumber, blockTime, gasUsed: receipt.gasUsed, contractAddress };
  }

  /**
   * Embedded only: mines one block holding `raws` at the platform clock's time (never before the
   * previous block) and journals every block the node has that the journal lacks.
   */
  mine(raws: readonly string[]): Promise<void> {
    const journal = this.journal;
    if (!journal) throw new Error("only the embedded ledger mines its own blocks");
    return this.#exclusive(async () => {
      await journal.sync();
      const latest = await this.provider.getBlock("latest");
      const ts = Math.max(Math.floor(this.deps.clock.now().getTime() / 1000), latest?.timestamp ?? 0);
      await this.provider.send("evm_setNextBlockTimestamp", [ts]);
      for (const raw of raws) await this.#broadcast(raw, keccak256(raw));
      await this.provider.send("evm_mine", []);
      await journal.sync();
    });
  }

  async #unavailableOnNetworkError<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (isNetworkError(e)) throw new AppError("LEDGER_UNAVAILABLE", {}, { cause: e });
      throw e;
    }
  }
}

function resultOf(row: NonNullable<SendRow>): SendResult {
  return {
    txHash: row.tx_hash,
    blockNumber: Number(toBigInt(row.block_number)),
    blockTime: row.block_time!,
    gasUsed: toBigInt(row.gas_used ?? 0),
    contractAddress: row.method === "deploy" ? getCreateAddress({ from: row.account, nonce: Number(toBigInt(row.nonce)) }) : undefined,
  };
}

export function isNetworkError(e: unknown): boolean {
  const text =
    e instanceof Error
      ? `${e.message} ${(e as { code?: string }).code ?? ""} ${String((e as { cause?: unknown }).cause ?? "")}`
      : String(e);
  return /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|TIMEOUT|timeout|other side closed|fetch failed|network|ENOTFOUND|SERVER_ERROR/i.test(
    text,
  );
}
