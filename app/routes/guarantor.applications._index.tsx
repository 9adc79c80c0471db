import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { applicationTone, GuarantorTabs, StatusBadge, Yuan } from "#app/components/guarantee/guarantor-tabs.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listGuarantorApplications } from "#app/services/guarantee/read-guarantor-portal.server.ts";
import guaranteesCss from "#app/styles/guarantees.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: guaranteesCss }];
export const meta: MetaFunction = () => [{ title: "保函申请 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({
    applications: await listGuarantorApplications(app, await requireActor(app, args.request)),
  }));
}

/** The guarantor's queue of applications (decision 0070), the latest change first. */
export default function GuarantorApplications() {
  const { t } = useTranslation();
  const { applications } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <GuarantorTabs />
      <h1>{t("guarantorPortal.applications.title")}</h1>
      <p className="muted">{t("guarantorPortal.applications.intro")}</p>
      {applications.length === 0 ? <p className="muted">{t("guarantorPortal.applications.none")}</p> : null}
      <ul className="gcards" data-testid="applications">
        {applications.map((a) => (
          <li key={a.id} className="panel" data-testid="application" data-status={a.status}>
            <div className="gcard__head">
              <h2>{a.applicantName}</h2>
              <StatusBadge label={t(`guarantorPortal.applications.statuses.${a.status}`)} tone={applicationTone(a.status)} />
            </div>
            <dl className="gfacts">
              <dt>{t("guarantorPortal.applications.section")}</dt>
              <dd>
                {a.section} · {a.projectName}
              </dd>
              <dt>{t("guarantorPortal.applications.amount")}</dt>
              <dd>
                <Yuan fen={a.amountFen} />
              </dd>
              <dt>{t("guarantorPortal.applications.fee")}</dt>
              <dd>
                <Yuan fen={a.feeFen} />
              </dd>
              <dt>{t("guarantorPortal.applications.submittedAt")}</dt>
              <dd>
                <ShanghaiTime at={a.submittedAt} />
              </dd>
            </dl>
            <Link to={`/guarantor/applications/${a.id}`} className="button button--small" data-testid="open-application">
              {t("guarantorPortal.applications.open")}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
