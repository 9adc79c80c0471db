import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import biddingCss from "#app/components/bidding/bidding.css?url";
import { BidStateBadge } from "#app/components/bidding/bid-versions.tsx";
import { Countdown, ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listOwnBids } from "#app/services/bidding/read-own-bid.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: biddingCss }];
export const meta: MetaFunction = () => [{ title: "我的投标 · bidhall" }];

/** The bidder's worklist: every section its organisation registered for, with its own bid state, the nearest deadline first. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    return { bids: await listOwnBids(app, actor) };
  });
}

export default function MyBids() {
  const { t } = useTranslation();
  const { bids } = useLoaderData<typeof loader>();
  return (
    <div className="stack bid-page">
      <h1>{t("bidding.list.title")}</h1>
      <p className="muted">{t("bidding.list.intro")}</p>
      <section className="panel">
        {bids.length === 0 ? (
          <p className="muted">{t("bidding.list.none")}</p>
        ) : (
          <table className="table bid-table" data-testid="my-bids">
            <thead>
              <tr>
                <th>{t("bidding.list.project")}</th>
                <th>{t("bidding.list.section")}</th>
                <th>{t("bidding.list.deadline")}</th>
                <th>{t("bidding.list.countdown")}</th>
                <th>{t("bidding.list.status")}</th>
                <th>{t("bidding.list.action")}</th>
              </tr>
            </thead>
            <tbody>
              {bids.map((b) => (
                <tr key={b.sectionId} data-testid={`my-bid-${b.sectionCode}`}>
                  <td data-label={t("bidding.list.project")}>
                    <Link to={`/announcements/${b.projectId}`}>{b.projectName}</Link>
                  </td>
                  <td data-label={t("bidding.list.section")}>
                    {b.sectionName} <span className="mono muted">{b.sectionCode}</span>
                  </td>
                  <td className="nowrap" data-label={t("bidding.list.deadline")}>
                    <ShanghaiTime at={b.deadlineAt} />
                  </td>
                  <td className="nowrap" data-label={t("bidding.list.countdown")}>
                    {b.phase === "published" ? <Countdown to={new Date(b.deadlineAt).toISOString()} /> : t(`tendering.phases.${b.phase}`)}
                  </td>
                  <td data-label={t("bidding.list.status")}>
                    <BidStateBadge state={b.state} />
                  </td>
                  <td className="bid-table__actions">
                    <Link className="button button--small" to={`/sections/${b.sectionId}/bid`}>
                      {b.phase === "published" ? t("bidding.list.open") : t("bidding.list.view")}
                    </Link>{" "}
                    <Link className="button button--small" to={`/sections/${b.sectionId}/opening`}>
                      {t("opening.title")}
                    </Link>{" "}
                    <Link className="button button--small" to={`/sections/${b.sectionId}/objection`}>
                      {t("complaints.nav.objections")}
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
