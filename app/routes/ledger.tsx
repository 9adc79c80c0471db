import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { browseLedger } from "#app/services/ledger/browse-ledger.server.ts";

export const meta: MetaFunction = () => [{ title: "区块链账本 · bidhall" }];

const bytes32 = z
  .string()
  .trim()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/)
  .transform((v) => (v.startsWith("0x") ? v : `0x${v}`).toLowerCase());
const Query = z.object({
  document: z
    .string()
    .trim()
    .regex(/^(0x)?[0-9a-fA-F]{64}$/)
    .optional()
    .catch(undefined),
  guarantee: bytes32.optional().catch(undefined),
  complaint: bytes32.optional().catch(undefined),
});

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const query = Query.parse(Object.fromEntries([...new URL(args.request.url).searchParams].filter(([, v]) => v !== "")));
    return { ...(await browseLedger(app, actor, query)), query };
  });
}

const short = (hex: string) => `${hex.slice(0, 10)}…${hex.slice(-6)}`;

export default function LedgerExplorer() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const statusLabel = (s: string) =>
    t(s === "confirmed" ? "ledger.statusConfirmed" : s === "reverted" ? "ledger.statusReverted" : "ledger.statusSigned");
  return (
    <div className="stack">
      <h1>{t("ledger.title")}</h1>
      <p className="muted">{t("ledger.intro")}</p>

      <section className="panel" data-testid="ledger-drift">
        <h2>{t("ledger.drift")}</h2>
        {data.drift.length === 0 ? (
          <p className="muted">{t("ledger.noDrift")}</p>
        ) : (
          <div className="alert alert--warning" role="alert">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>{t("ledger.driftKind")}</th>
                  <th>{t("ledger.driftSubject")}</th>
                  <th>{t("ledger.details")}</th>
                  <th>{t("ledger.driftFound")}</th>
                </tr>
              </thead>
              <tbody>
                {data.drift.map((d) => (
                  <tr key={`${d.kind}:${d.subject}`}>
                    <td>
                      <code>{d.kind}</code>
                    </td>
                    <td className="mono">{d.subject}</td>
                    <td>{d.detail}</td>
                    <td className="nowrap">
                      <ShanghaiTime at={d.found_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel">
        <h2>{t("ledger.lookup")}</h2>
        <Form method="get" className="filter-bar">
          <label>
            {t("ledger.documentHash")}
            <input name="document" className="mono" size={66} defaultValue={data.query.document ?? ""} />
          </label>
          <label>
            {t("ledger.guaranteeId")}
            <input name="guarantee" className="mono" size={66} defaultValue={data.query.guarantee ?? ""} />
          </label>
          <label>
            {t("ledger.complaintId")}
            <input name="complaint" className="mono" size={66} defaultValue={data.query.complaint ?? ""} />
          </label>
          <button type="submit" className="button button--primary">
            {t("ledger.search")}
          </button>
        </Form>
        {data.document ? (
          <div data-testid="ledger-document">
            {data.document.status === "anchored" ? (
              <>
                <p>
                  {t("ledger.anchored", {
                    root: data.document.root,
                    count: data.document.documentCount,
                    tx: data.document.txHash,
                    time: data.document.blockTime,
                  })}
                </p>
                <p className="muted">{t("ledger.proof")}</p>
                <ol className="mono">
                  {data.document.proof.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ol>
              </>
            ) : data.document.status === "pending" ? (
              <p>{t("ledger.pending", { state: t(data.document.batched ? "ledger.pendingBatched" : "ledger.pendingQueued") })}</p>
            ) : (
              <p className="muted">{t("ledger.unknown")}</p>
            )}
          </div>
        ) : null}
        <History title={t("ledger.guaranteeHistory")} rows={data.guarantee} />
        <History title={t("ledger.complaintHistory")} rows={data.complaint} />
      </section>

      <section className="panel">
        <h2>{t("ledger.deployment")}</h2>
        {data.deployment.length === 0 ? (
          <p className="muted">{t("ledger.notDeployed")}</p>
        ) : (
          <table className="table table--compact">
            <thead>
              <tr>
                <th>{t("ledger.contract")}</th>
                <th>{t("ledger.address")}</th>
                <th>{t("ledger.chain")}</th>
              </tr>
            </thead>
            <tbody>
              {data.deployment.map((d) => (
                <tr key={d.contract}>
                  <td>{d.contract}</td>
                  <td className="mono">{d.address}</td>
                  <td className="mono">{d.chainId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data.indexedTo !== null ? <p className="muted">{t("ledger.indexedTo", { block: data.indexedTo })}</p> : null}
      </section>

      {Object.entries(data.recent).map(([contract, rows]) => (
        <section className="panel" key={contract} data-testid={`ledger-recent-${contract}`}>
          <h2>
            {t("ledger.recent")} · {contract}
          </h2>
          {rows.length === 0 ? (
            <p className="muted">{t("ledger.noTransactions")}</p>
          ) : (
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>{t("ledger.method")}</th>
                  <th>{t("ledger.tx")}</th>
                  <th>{t("ledger.block")}</th>
                  <th>{t("ledger.time")}</th>
                  <th>{t("ledger.signedBy")}</th>
                  <th>{t("ledger.gas")}</th>
                  <th>{t("ledger.status")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.txHash}>
                    <td>
                      <code>{r.method}</code>
                    </td>
                    <td className="mono" title={r.txHash}>
                      {short(r.txHash)}
                    </td>
                    <td className="mono">{r.blockNumber ?? "—"}</td>
                    <td className="nowrap">{r.blockTime ? <ShanghaiTime at={r.blockTime} /> : "—"}</td>
                    <td title={r.account}>{r.signedBy === "platform" ? t("ledger.platform") : r.signedBy}</td>
                    <td className="mono">{r.gasUsed ?? "—"}</td>
                    <td>{statusLabel(r.status)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </div>
  );
}

function History({
  title,
  rows,
}: {
  title: string;
  rows: { blockNumber: number; txHash: string; event: string; args: Record<string, unknown>; blockTime: string }[] | null;
}) {
  const { t } = useTranslation();
  if (rows === null) return null;
  return (
    <div>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">{t("ledger.noHistory")}</p>
      ) : (
        <table className="table table--compact">
          <thead>
            <tr>
              <th>{t("ledger.time")}</th>
              <th>{t("ledger.event")}</th>
              <th>{t("ledger.details")}</th>
              <th>{t("ledger.tx")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.blockNumber}:${r.txHash}:${r.event}`}>
                <td className="nowrap">
                  <ShanghaiTime at={r.blockTime} />
                </td>
                <td>
                  <code>{r.event}</code>
                </td>
                <td>
                  {/* Wrapped: a complaint's hashes would push the page past a laptop's width. */}
                  <code className="audit-data">{JSON.stringify(r.args)}</code>
                </td>
                <td className="mono" title={r.txHash}>
                  {short(r.txHash)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
