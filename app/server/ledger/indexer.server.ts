import { sql, type Insertable } from "kysely";
import type { Database } from "#db/schema.ts";
import type { AppContext } from "../context.server.ts";
import { toBigInt } from "../db.server.ts";
import { enqueue } from "../outbox.server.ts";
import { CONTRACT_NAMES, INTERFACES, namedArgs, type ContractName } from "./contracts.server.ts";
import { guaranteeDrift } from "./guarantees.server.ts";
import type { Ledger } from "./ledger.server.ts";

/**
 * The indexer copies the contracts' events into `ledger_events` (so pages query Postgres, not the
 * chain): guarantee and complaint histories by id, anchored roots. Reconciliation then compares
 * what Postgres believes with what the chain has and records any drift in `ledger_drift`.
 */
type IndexApp = Pick<AppContext, "db" | "clock" | "log">;

const CHUNK = 2000;

export async function indexEvents(app: IndexApp, ledger: Ledger): Promise<{ from: number; to: number; events: number }> {
  const state = await app.db.selectFrom("ledger_index_state").select(["last_block"]).where("name", "=", "events").executeTakeFirst();
  const from = state ? Number(toBigInt(state.last_block)) + 1 : 0;
  const head = await ledger.provider.getBlockNumber();
  const byAddress = new Map(CONTRACT_NAMES.map((c) => [ledger.address(c).toLowerCase(), c] as const));
  let events = 0;
  for (let start = from; start <= head; start += CHUNK) {
    const end = Math.min(head, start + CHUNK - 1);
    const logs = await ledger.provider.getLogs({ address: [...byAddress.keys()], fromBlock: start, toBlock: end });
    const times = new Map<number, Date>();
    const rows: Insertable<Database["ledger_events"]>[] = [];
    for (const log of logs) {
      const contract = byAddress.get(log.address.toLowerCase()) as ContractName;
      const parsed = INTERFACES[contract].parseLog({ topics: [...log.topics], data: log.data });
      if (!parsed) continue;
      if (!times.has(log.blockNumber))
        times.set(log.blockNumber, new Date((await ledger.provider.getBlock(log.blockNumber))!.timestamp * 1000));
      const args = namedArgs(parsed);
      const subject = String(args.id ?? args.root ?? args.account ?? args.role ?? "");
      rows.push({
        block_number: log.blockNumber,
        log_index: log.index,
        tx_hash: log.transactionHash,
        contract,
        event: parsed.name,
        subject,
        args: JSON.stringify(args),
        block_time: times.get(log.blockNumber)!,
      });
    }
    await app.db.transaction().execute(async (trx) => {
      if (rows.length > 0)
        await trx
          .insertInto("ledger_events")
          .values(rows)
          .onConflict((oc) => oc.columns(["block_number", "log_index"]).doNothing())
          .execute();
      await trx
        .insertInto("ledger_index_state")
        .values({ name: "events", last_block: end, updated_at: app.clock.now() })
        .onConflict((oc) => oc.column("name").doUpdateSet({ last_block: end, updated_at: app.clock.now() }))
        .execute();
    });
    events += rows.length;
  }
  return { from, to: head, events };
}

export interface Drift {
  kind: "send-missing" | "send-moved" | "anchor-missing" | "event-missing" | "event-extra" | "contract-missing" | "guarantee-state";
  subject: string;
  detail: string;
}

/**
 * Compares both sides: every confirmed send has its receipt in the same block; every anchored
 * batch's root is anchored on chain at the recorded time; the indexed events are exactly the
 * chain's (count per contract up to the index cursor); every contract has code; every guarantee's
 * state in Postgres is the one the chain derives (issue 14). Open drift rows
 * no longer found are marked resolved.
 */
export async function reconcileLedger(app: IndexApp, ledger: Ledger): Promise<Drift[]> {
  await indexEvents(app, ledger);
  const drift: Drift[] = [];
  for (const contract of CONTRACT_NAMES) {
    const code = await ledger.provider.getCode(ledger.address(contract));
    if (code === "0x") drift.push({ kind: "contract-missing", subject: contract, detail: `no code at ${ledger.address(contract)}` });
  }
  const sends = await app.db
    .selectFrom("ledger_sends")
    .select(["outbox_key", "tx_hash", "block_number"])
    .where("status", "=", "confirmed")
    .orderBy("created_at", "desc")
    .limit(1000)
    .execute();
  for (const s of sends) {
    const receipt = await ledger.provider.getTransactionReceipt(s.tx_hash);
    if (!receipt) drift.push({ kind: "send-missing", subject: s.tx_hash, detail: `${s.outbox_key}: the chain has no such transaction` });
    else if (receipt.blockNumber !== Number(toBigInt(s.block_number))) {
      drift.push({
        kind: "send-moved",
        subject: s.tx_hash,
        detail: `${s.outbox_key}: recorded in block ${s.block_number}, chain has block ${receipt.blockNumber}`,
      });
    }
  }
  const anchors = await app.db
    .selectFrom("anchor_batches")
    .innerJoin("ledger_sends", "ledger_sends.outbox_key", "anchor_batches.outbox_key")
    .select(["anchor_batches.root", "ledger_sends.block_time"])
    .where("ledger_sends.status", "=", "confirmed")
    .orderBy("anchor_batches.id", "desc")
    .limit(1000)
    .execute();
  for (const a of anchors) {
    const at = Number(await ledger.contracts.DocumentAnchor.anchoredAt(a.root));
    if (at * 1000 !== a.block_time?.getTime()) {
      drift.push({
        kind: "anchor-missing",
        subject: a.root,
        detail: `recorded at ${a.block_time?.toISOString()}, chain says ${at === 0 ? "never anchored" : new Date(at * 1000).toISOString()}`,
      });
    }
  }
  drift.push(...(await guaranteeDrift(app, ledger)));
  const cursor = await app.db.selectFrom("ledger_index_state").select(["last_block"]).where("name", "=", "events").executeTakeFirst();
  if (cursor) {
    const to = Number(toBigInt(cursor.last_block));
    for (const contract of CONTRACT_NAMES) {
      const onChain = (await ledger.provider.getLogs({ address: ledger.address(contract), fromBlock: 0, toBlock: to })).length;
      const row = await app.db
        .selectFrom("ledger_events")
        .select(sql<string>`count(*)`.as("n"))
        .where("contract", "=", contract)
        .where("block_number", "<=", String(to))
        .executeTakeFirstOrThrow();
      const indexed = Number(row.n);
      if (onChain > indexed)
        drift.push({
          kind: "event-missing",
          subject: contract,
          detail: `chain has ${onChain} events up to block ${to}, Postgres ${indexed}`,
        });
      if (onChain < indexed)
        drift.push({
          kind: "event-extra",
          subject: contract,
          detail: `chain has ${onChain} events up to block ${to}, Postgres ${indexed}`,
        });
    }
  }
  const now = app.clock.now();
  await app.db.transaction().execute(async (trx) => {
    const open = await trx.selectFrom("ledger_drift").select(["id", "kind", "subject"]).where("resolved_at", "is", null).execute();
    const found = new Set(drift.map((d) => `${d.kind}\u0000${d.subject}`));
    const gone = open.filter((o) => !found.has(`${o.kind}\u0000${o.subject}`)).map((o) => o.id);
    if (gone.length > 0) await trx.updateTable("ledger_drift").set({ resolved_at: now }).where("id", "in", gone).execute();
    for (const d of drift) {
      await sql`insert into ledger_drift (kind, subject, detail, found_at) values (${d.kind}, ${d.subject}, ${d.detail}, ${now})
                on conflict (kind, subject) where resolved_at is null do update set detail = excluded.detail`.execute(trx);
    }
  });
  for (const d of drift) app.log.warn(`ledger drift: ${d.kind} ${d.subject}: ${d.detail}`);
  // Events the index lost are the one drift Postgres can repair alone: index again from genesis
  // (rows already there are kept); the next run then finds it resolved.
  if (drift.some((d) => d.kind === "event-missing")) {
    await app.db.deleteFrom("ledger_index_state").where("name", "=", "events").execute();
    const again = await indexEvents(app, ledger);
    app.log.info(`ledger: re-indexed blocks ${again.from}–${again.to}`);
  }
  return drift;
}

export const LEDGER_RECONCILE = "ledger.reconcile";
export const RECONCILE_EVERY_SECONDS = 300;

/** Queues the next reconciliation (one per period, whoever asks: start-up and each run). */
export async function scheduleReconciliation(app: Pick<AppContext, "db" | "clock">): Promise<void> {
  const period = RECONCILE_EVERY_SECONDS * 1000;
  const now = app.clock.now();
  const next = Math.floor(now.getTime() / period) * period + period;
  await app.db
    .transaction()
    .execute((trx) =>
      enqueue(trx, { kind: LEDGER_RECONCILE, key: `ledger.reconcile:${next}`, payload: {}, runAfter: new Date(next) }, now),
    );
}
