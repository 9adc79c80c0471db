import { sql } from "kysely";
import { CONTRACT_NAMES, type ContractName } from "#app/server/ledger/contracts.server.ts";
import { lookupAnchor, type AnchorLookup } from "#app/server/ledger/anchors.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { toBigInt } from "#app/server/db.server.ts";
import { requirePermission, type Actor } from "#app/server/session.server.ts";

export interface LedgerQuery {
  document?: string;
  guarantee?: string;
  complaint?: string;
}

export interface LedgerEventView {
  blockNumber: number;
  txHash: string;
  event: string;
  args: Record<string, unknown>;
  blockTime: string;
}

/**
 * The ledger explorer for regulators and the operator (`view:ledger:any`): the deployment, the
 * newest transactions of each contract, a document's anchor, a guarantee's or complaint's
 * history, and any drift reconciliation found. Everything is read from Postgres (the indexer's
 * copy), never from the chain, so the page works even while the node is away.
 */
export async function browseLedger(app: AppContext, actor: Actor, query: LedgerQuery) {
  requirePermission(actor, "view:ledger:any");
  const [deployment, sends, drift, cursor] = await Promise.all([
    app.db.selectFrom("ledger_deployment").select(["contract", "address", "chain_id"]).orderBy("contract").execute(),
    app.db
      .selectFrom("ledger_sends as s")
      .leftJoin("ledger_accounts as a", "a.address", "s.account")
      .leftJoin("organisations as o", "o.id", "a.organisation_id")
      .select([
        "s.contract",
        "s.method",
        "s.tx_hash",
        "s.block_number",
        "s.block_time",
        "s.status",
        "s.account",
        "s.gas_used",
        "a.holder",
        "o.name as organisation_name",
      ])
      .orderBy(sql`s.block_number desc nulls first`)
      .orderBy("s.created_at", "desc")
      .limit(200)
      .execute(),
    app.db
      .selectFrom("ledger_drift")
      .select(["kind", "subject", "detail", "found_at"])
      .where("resolved_at", "is", null)
      .orderBy("found_at", "desc")
      .execute(),
    app.db.selectFrom("ledger_index_state").select(["last_block", "updated_at"]).where("name", "=", "events").executeTakeFirst(),
  ]);
  const recent = Object.fromEntries(
    CONTRACT_NAMES.map((c) => [
      c,
      sends
        .filter((s) => s.contract === c)
        .slice(0, 10)
        .map((s) => ({
          method: s.method,
          txHash: s.tx_hash,
          blockNumber: s.block_number === null ? null : Number(toBigInt(s.block_number)),
          blockTime: s.block_time?.toISOString() ?? null,
          status: s.status,
          account: s.account,
          signedBy: s.organisation_name ?? (s.holder === "platform" ? "platform" : s.account),
          gasUsed: s.gas_used === null ? null : String(s.gas_used),
        })),
    ]),
  ) as Record<
    ContractName,
    {
      method: string;
      txHash: string;
      blockNumber: number | null;
      blockTime: string | null;
      status: string;
      account: string;
      signedBy: string;
      gasUsed: string | null;
    }[]
  >;

  const history = async (contract: ContractName, id: string | undefined): Promise<LedgerEventView[] | null> => {
    if (!id) return null;
    const rows = await app.db
      .selectFrom("ledger_events")
      .select(["block_number", "tx_hash", "event", "args", "block_time"])
      .where("contract", "=", contract)
      .where("subject", "=", id.toLowerCase())
      .orderBy("block_number")
      .orderBy("log_index")
      .execute();
    return rows.map((r) => ({
      blockNumber: Number(toBigInt(r.block_number)),
      txHash: r.tx_hash,
      event: r.event,
      args: typeof r.args === "string" ? (JSON.parse(r.args) as Record<string, unknown>) : r.args,
      blockTime: r.block_time.toISOString(),
    }));
  };

  const [document, guarantee, complaint] = await Promise.all([
    query.document ? lookupAnchor(app.db, query.document) : Promise.resolve<AnchorLookup | null>(null),
    history("GuaranteeLedger", query.guarantee),
    history("ComplaintLedger", query.complaint),
  ]);
  return {
    deployment: deployment.map((d) => ({ contract: d.contract, address: d.address, chainId: String(d.chain_id) })),
    recent,
    drift: drift.map((d) => ({ ...d, found_at: d.found_at.toISOString() })),
    indexedTo: cursor ? Number(toBigInt(cursor.last_block)) : null,
    document,
    guarantee,
    complaint,
  };
}
