import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor, requirePermission } from "#app/server/session.server.ts";
import { listEvaluations } from "#app/services/evaluation/list-evaluations.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "评标定标 · bidhall" }];

/** The agency's and the tenderer's sections after the opening: evaluation, publicity, award, notices (issue 16). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    requirePermission(actor, "record:result:own");
    return { sections: await listEvaluations(app, actor) };
  });
}

export default function Evaluations() {
  const { t } = useTranslation();
  const { sections } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("evaluation.list.title")}</h1>
      <p className="muted">{t("evaluation.list.intro")}</p>
      {sections.length === 0 ? (
        <p className="muted">{t("evaluation.list.none")}</p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="evaluation-list">
            <thead>
              <tr>
                <th>{t("evaluation.list.section")}</th>
                <th>{t("evaluation.list.phase")}</th>
                <th>{t("evaluation.publicity.endsAt")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sections.map((s) => (
                <tr key={s.sectionId} data-testid={`evaluation-${s.sectionCode}`}>
                  <td>
                    <span className="mono">{s.sectionCode}</span> {s.sectionName}
                    <div className="small muted">{s.projectName}</div>
                  </td>
                  <td>
                    {t(`evaluation.phases.${s.phase}`)}
                    {s.noticesToSign > 0 ? <div className="small">{t("evaluation.list.toSign", { count: s.noticesToSign })}</div> : null}
                  </td>
                  <td>{s.publicityEndsAt ? <ShanghaiTime at={s.publicityEndsAt} /> : "—"}</td>
                  <td className="actions">
                    <Link to={`/sections/${s.sectionId}/evaluation`}>{t("evaluation.page.title")}</Link> ·{" "}
                    <Link to={`/sections/${s.sectionId}/award`}>{t("evaluation.award.title")}</Link>
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
