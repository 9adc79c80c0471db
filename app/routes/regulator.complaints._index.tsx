import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DeadlineCell } from "#app/components/complaints/deadline-cell.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listRegulatorComplaints } from "#app/services/complaints/read-regulator-complaints.server.ts";
import complaintsCss from "#app/styles/complaints.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: complaintsCss },
];
export const meta: MetaFunction = () => [{ title: "投诉处理 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => listRegulatorComplaints(app, await requireActor(app, args.request)));
}

/** The regulator's queue (decision 0063): every complaint routed here, overdue first. */
export default function RegulatorComplaints() {
  const { t, i18n } = useTranslation();
  const v = useLoaderData<typeof loader>();
  const en = i18n.language === "en";
  return (
    <div className="stack">
      <h1>{t("complaintHandling.title")}</h1>
      <p className="muted">{t("complaintHandling.intro")}</p>
      <section className="panel">
        {v.complaints.length === 0 ? (
          <p className="muted">{t("complaintHandling.none")}</p>
        ) : (
          <table className="table" data-testid="complaint-queue">
            <thead>
              <tr>
                <th>{t("complaintHandling.receipt")}</th>
                <th>{t("complaintHandling.section")}</th>
                <th>{t("complaintHandling.complainant")}</th>
                <th>{t("complaintHandling.state")}</th>
                <th>{t("complaintHandling.acceptanceLimit")}</th>
                <th>{t("complaintHandling.decisionLimit")}</th>
                <th>{t("complaintHandling.regulators")}</th>
              </tr>
            </thead>
            <tbody>
              {v.complaints.map((c) => (
                <tr key={c.id} data-testid={`complaint-${c.receiptNo}`} className={c.overdue ? "row--overdue" : undefined}>
                  <td className="nowrap">
                    <Link to={`/regulator/complaints/${c.id}`} className="mono">
                      {c.receiptNo}
                    </Link>
                    <div className="muted">{en ? c.subject.en : c.subject.zh}</div>
                  </td>
                  <td>
                    <div className="mono nowrap">{c.sectionCode}</div>
                    <div className="muted">{c.projectName}</div>
                  </td>
                  <td>{c.complainant}</td>
                  <td className="nowrap" data-testid="state">
                    {t(`complaintHandling.states.${c.state}`)}
                    {c.openRequests > 0 ? (
                      <div className="muted">{t("complaintHandling.openRequests", { count: c.openRequests })}</div>
                    ) : null}
                  </td>
                  <td>
                    <DeadlineCell d={c.acceptanceDeadline} />
                  </td>
                  <td>
                    <DeadlineCell d={c.decisionDeadline} />
                  </td>
                  <td>
                    {c.regulators.map((r) => (
                      <div key={r.name}>
                        {r.name}
                        {r.lead ? <span className="muted">（{t("complaintHandling.lead")}）</span> : null}
                      </div>
                    ))}
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
