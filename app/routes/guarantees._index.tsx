import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import biddingCss from "#app/components/bidding/bidding.css?url";
import guaranteeCss from "#app/components/guarantee-bidder/guarantee-bidder.css?url";
import { formatYuan } from "#app/domain/shared/money.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listOwnGuarantees } from "#app/services/guarantee/bidder-guarantees.server.ts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: biddingCss },
  { rel: "stylesheet", href: guaranteeCss },
];
export const meta: MetaFunction = () => [{ title: "我的保函 · bidhall" }];

/** 我的保函: the organisation's guarantee applications and guarantees, with their ledger reference (issue 14). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    return { rows: await listOwnGuarantees(app, actor) };
  });
}

export default function MyGuarantees() {
  const { t } = useTranslation();
  const { rows } = useLoaderData<typeof loader>();
  return (
    <div className="stack bid-page guarantee-page">
      <h1>{t("guaranteeBidder.list.title")}</h1>
      <p className="muted">{t("guaranteeBidder.list.intro")}</p>
      <section className="panel">
        {rows.length === 0 ? (
          <p className="muted">{t("guaranteeBidder.list.none")}</p>
        ) : (
          <table className="table bid-table" data-testid="my-guarantees">
            <thead>
              <tr>
                <th>{t("guaranteeBidder.list.section")}</th>
                <th>{t("guaranteeBidder.list.guarantor")}</th>
                <th>{t("guaranteeBidder.list.amount")}</th>
                <th>{t("guaranteeBidder.list.fee")}</th>
                <th>{t("guaranteeBidder.list.status")}</th>
                <th>{t("guaranteeBidder.list.ledger")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.applicationId} data-testid={`my-guarantee-${r.section.code}`} data-status={r.status}>
                  <td data-label={t("guaranteeBidder.list.section")}>
                    {r.section.name} <span className="mono muted">{r.section.code}</span>
                    <br />
                    <span className="muted">{r.project.name}</span>
                  </td>
                  <td data-label={t("guaranteeBidder.list.guarantor")}>{r.guarantorName}</td>
                  <td className="nowrap" data-label={t("guaranteeBidder.list.amount")}>
                    {formatYuan(BigInt(r.amountFen))}
                  </td>
                  <td className="nowrap" data-label={t("guaranteeBidder.list.fee")}>
                    {formatYuan(BigInt(r.feeFen))}
                  </td>
                  <td data-label={t("guaranteeBidder.list.status")}>
                    {t(`guaranteeBidder.statuses.${r.status}`)}
                    {r.guarantee && r.guarantee.status !== "issuing" && r.guarantee.status !== "issued" ? (
                      <>
                        <br />
                        <span className="muted">{t(`guaranteeBidder.guaranteeStatuses.${r.guarantee.status}`)}</span>
                      </>
                    ) : null}
                  </td>
                  <td data-label={t("guaranteeBidder.list.ledger")}>
                    {r.guarantee ? (
                      <span className="mono" title={r.guarantee.issueTxHash ?? undefined}>
                        {r.guarantee.ledgerId}
                      </span>
                    ) : (
                      <span className="muted">{t("guaranteeBidder.list.notOnLedger")}</span>
                    )}
                  </td>
                  <td className="bid-table__actions">
                    <Link className="button button--small" to={`/sections/${r.section.id}/guarantee`}>
                      {t("guaranteeBidder.list.open")}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
