import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { PeriodFlag } from "#app/components/tendering/section-periods.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listOwnProjects } from "#app/services/tendering/list-projects.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "招标项目 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ projects: await listOwnProjects(app, await requireActor(app, args.request)) }));
}

export default function Projects() {
  const { t } = useTranslation();
  const { projects } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <div className="panel__head">
        <h1>{t("tendering.nav.projects")}</h1>
        <Link className="button button--primary" to="/projects/new">
          {t("tendering.form.title")}
        </Link>
      </div>
      <section className="panel">
        {projects.length === 0 ? <p className="muted">{t("tendering.list.empty")}</p> : <ProjectTable projects={projects} />}
      </section>
    </div>
  );
}

type Row = Awaited<ReturnType<typeof listOwnProjects>>[number];

function ProjectTable({ projects }: { projects: Row[] }) {
  const { t } = useTranslation();
  return (
    <table className="table" data-testid="own-projects">
      <thead>
        <tr>
          <th>{t("tendering.list.project")}</th>
          <th>{t("tendering.list.code")}</th>
          <th>{t("tendering.list.type")}</th>
          <th>{t("tendering.list.sections")}</th>
        </tr>
      </thead>
      <tbody>
        {projects.map((p) => (
          <tr key={p.id}>
            <td>
              <Link to={`/projects/${p.id}`}>{p.name}</Link>
            </td>
            <td className="mono nowrap">{p.code}</td>
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
  );
}
