import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { PeriodChangesSummary, PeriodFlag } from "#app/components/tendering/section-periods.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { regulatorOverview } from "#app/services/tendering/list-projects.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "监管项目 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => regulatorOverview(app, await requireActor(app, args.request)));
}

export default function RegulatorProjects() {
  const { t } = useTranslation();
  const v = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("tendering.regulator.title")}</h1>
      <p className="muted">{t("tendering.regulator.intro", { region: v.jurisdiction.name })}</p>
      <PeriodChangesSummary sections={v.projects.flatMap((p) => p.sections.map((s) => ({ ...s, projectName: p.name })))} />
      <div className="two-col">
        <section className="panel">
          <h2>{t("tendering.regulator.byPhase")}</h2>
          <div className="figure-row" data-testid="by-phase">
            {Object.entries(v.byPhase).map(([phase, n]) => (
              <div key={phase}>
                <strong>{n}</strong>
                <span className={`phase phase--${phase}`}>{t(`tendering.phases.${phase}`)}</span>
              </div>
            ))}
          </div>
        </section>
        <section className="panel">
          <h2>{t("tendering.regulator.upcoming")}</h2>
          {v.upcoming.length === 0 ? (
            <p className="muted">{t("tendering.regulator.noUpcoming")}</p>
          ) : (
            <table className="table table--compact" data-testid="upcoming">
              <tbody>
                {v.upcoming.map((s) => (
                  <tr key={s.id}>
                    <td className="nowrap">
                      <ShanghaiTime at={s.deadlineAt} />
                    </td>
                    <td>
                      <Link to={`/projects/${s.projectId}`}>{s.projectName}</Link> · {s.name}
                    </td>
                    <td className="mono">{s.code}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <section className="panel">
        <h2>{t("tendering.regulator.projects")}</h2>
        <table className="table" data-testid="jurisdiction-projects">
          <thead>
            <tr>
              <th>{t("tendering.list.project")}</th>
              <th>{t("tendering.list.code")}</th>
              <th>{t("tendering.list.region")}</th>
              <th>{t("tendering.list.type")}</th>
              <th>{t("tendering.list.sections")}</th>
            </tr>
          </thead>
          <tbody>
            {v.projects.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/projects/${p.id}`}>{p.name}</Link>
                </td>
                <td className="mono nowrap">{p.code}</td>
                <td className="nowrap">{p.regionName}</td>
                <td className="nowrap">{t(`tendering.types.${p.procurementType}`)}</td>
                <td>
                  <ul className="section-list">
                    {p.sections.map((s) => (
                      <li key={s.id}>
                        <span className={`phase phase--${s.phase}`}>{t(`tendering.phases.${s.phase}`)}</span> {s.name}{" "}
                        <span className="muted">
                          <ShanghaiTime at={s.deadlineAt} />
                        </span>{" "}
                        <PeriodFlag changes={s.periodChanges} />
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="two-col">
        <section className="panel">
          <h2>{t("tendering.regulator.moves")}</h2>
          {v.moves.length === 0 ? (
            <p className="muted">{t("tendering.regulator.noMoves")}</p>
          ) : (
            <table className="table table--compact" data-testid="moves">
              <tbody>
                {v.moves.map((m) => (
                  <tr key={m.id}>
                    <td>
                      {m.projectName} <span className="mono muted">{m.sectionCode}</span>
                      <div className="muted">
                        {m.sequence}. {m.title}
                      </div>
                    </td>
                    <td className="nowrap">
                      <ShanghaiTime at={m.old_deadline_at} /> → <ShanghaiTime at={m.new_deadline_at!} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="panel">
          <h2>{t("tendering.regulator.documents")}</h2>
          <table className="table table--compact">
            <tbody>
              {v.documents.map((d) => (
                <tr key={d.id}>
                  <td className="mono nowrap">{d.projectCode}</td>
                  <td className="nowrap">
                    v{d.version} {d.title}
                  </td>
                  <td className="hash">{d.sha256}</td>
                  <td className="nowrap">{d.issued_at ? <ShanghaiTime at={d.issued_at} /> : t("tendering.project.notIssued")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}
