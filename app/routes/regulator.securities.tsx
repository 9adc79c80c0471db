import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { formatYuan } from "#app/domain/shared/money.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { overdueBidSecurities } from "#app/services/guarantee/bid-securities.server.ts";
import lifecycleCss from "#app/styles/lifecycle.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: lifecycleCss },
];
export const meta: MetaFunction = () => [{ title: "逾期未退的投标保证金 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ overdue: await overdueBidSecurities(app, await requireActor(app, args.request)) }));
}

export default function RegulatorSecurities() {
  const { t, i18n } = useTranslation();
  const { overdue } = useLoaderData<typeof loader>();
  const en = i18n.language === "en";
  return (
    <div className="stack">
      <h1>{t("lifecycle.regulator.title")}</h1>
      <p className="muted">{t("lifecycle.regulator.intro")}</p>
      {overdue.length === 0 ? (
        <p className="muted" data-testid="no-overdue">
          {t("lifecycle.regulator.none")}
        </p>
      ) : (
        <div className="lc-scroll">
          <table className="table" data-testid="overdue-securities">
            <thead>
              <tr>
                <th>{t("lifecycle.regulator.project")}</th>
                <th>{t("lifecycle.manage.section")}</th>
                <th>{t("lifecycle.manage.bidder")}</th>
                <th>{t("lifecycle.manage.form")}</th>
                <th>{t("lifecycle.manage.amount")}</th>
                <th>{t("lifecycle.regulator.event")}</th>
                <th>{t("lifecycle.manage.dueBy")}</th>
              </tr>
            </thead>
            <tbody>
              {overdue.map((s) => (
                <tr key={s.bidId}>
                  <td>
                    <Link to={`/announcements/${s.project.id}`}>{s.project.name}</Link>
                  </td>
                  <td className="mono">{s.section.code}</td>
                  <td>{s.organisation}</td>
                  <td>{t(`lifecycle.forms.${s.form}`)}</td>
                  <td className="num">{formatYuan(BigInt(s.amountFen))}</td>
                  <td>
                    {s.event ? t(`lifecycle.regulator.events.${s.event}`) : ""} {s.eventAt ? <ShanghaiTime at={s.eventAt} /> : null}
                  </td>
                  <td>
                    <strong className="lc-danger">{s.lastDay}</strong>
                    {s.provisional ? t("lifecycle.regulator.provisional") : ""}
                    <div className="muted">{s.source ? (en ? s.source.en : s.source.zh) : ""}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
