import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { listPublicDecisions } from "#app/services/complaints/read-complaints.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "投诉处理决定公告 · bidhall" }];

/** Public: decided complaints with personal data removed (decision 0062). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ decisions: await listPublicDecisions(app) }));
}

export default function ComplaintDecisions() {
  const { t } = useTranslation();
  const { decisions } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("complaints.decisions.title")}</h1>
      <p className="muted">{t("complaints.decisions.intro")}</p>
      {decisions.length === 0 ? (
        <p className="muted">{t("complaints.decisions.none")}</p>
      ) : (
        <ul className="stack" data-testid="complaint-decisions">
          {decisions.map((d) => (
            <li key={d.id} className="panel stack">
              <div>
                <strong>{d.section.code}</strong> {d.projectName} · {d.section.name} · {t(`complaints.subjects.${d.subject}`)}
              </div>
              <dl className="facts">
                <dt>{t("complaints.decisions.complainant")}</dt>
                <dd>{d.complainant}</dd>
                <dt>{t("complaints.complaint.regulators")}</dt>
                <dd>{d.regulators.join("、")}</dd>
                <dt>{t("complaints.decisions.outcome")}</dt>
                <dd>
                  <strong>{t(`complaints.decisions.outcomes.${d.outcome}`)}</strong>
                </dd>
                <dt>{t("complaints.decisions.decidedAt")}</dt>
                <dd>
                  <ShanghaiTime at={d.decidedAt} />
                </dd>
                <dt>{t("complaints.decisions.facts")}</dt>
                <dd>{d.facts}</dd>
                <dt>{t("complaints.decisions.request")}</dt>
                <dd>{d.request}</dd>
                {d.decisionSha256 ? (
                  <>
                    <dt>{t("complaints.decisions.sha256")}</dt>
                    <dd className="mono">{d.decisionSha256}</dd>
                  </>
                ) : null}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
