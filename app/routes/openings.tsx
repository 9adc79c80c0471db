import { redirect, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { PHASE_PILL } from "#app/components/opening/hall-phases.ts";
import { OPENING_PHASE_LABELS } from "#app/domain/opening/index.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listOwnOpenings } from "#app/services/opening/list-own-openings.server.ts";
import openingsCss from "#app/styles/openings.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: openingsCss },
];
export const meta: MetaFunction = () => [{ title: "开标 · bidhall" }];

/**
 * 开标 (issue 13): the agency's and the tenderer's openings of today and to come, and those still
 * under way, with their phase and the way into the hall. A regulator has its desk of openings at
 * /regulator/openings; it is sent there. The service checks the permission and filters by owner.
 */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    if (!actor.permissions.has("host:opening:own") && actor.permissions.has("view:section:jurisdiction"))
      throw redirect("/regulator/openings");
    return listOwnOpenings(app, actor);
  });
}

export default function Openings() {
  const { t, i18n } = useTranslation();
  const { openings } = useLoaderData<typeof loader>();
  const en = i18n.language === "en";
  const groups = (["inProgress", "today", "coming"] as const)
    .map((when) => ({ when, rows: openings.filter((o) => o.when === when) }))
    .filter((g) => g.rows.length > 0);
  return (
    <div className="stack" data-testid="openings">
      <h1>{t("openingHall.list.title")}</h1>
      <p className="muted">{t("openingHall.list.intro")}</p>
      {groups.length === 0 ? (
        <section className="panel">
          <p className="muted" data-testid="openings-none">
            {t("openingHall.list.none")}
          </p>
        </section>
      ) : null}
      {groups.map((g) => (
        <section key={g.when} className="panel" data-testid={`openings-${g.when}`}>
          <h2>{t(`openingHall.list.${g.when}`)}</h2>
          <table className="table table--stack">
            <thead>
              <tr>
                <th>{t("openingHall.list.deadline")}</th>
                <th>{t("openingHall.list.project")}</th>
                <th>{t("openingHall.list.section")}</th>
                <th>{t("openingHall.list.phase")}</th>
                <th>{t("openingHall.list.role")}</th>
                <th>{t("openingHall.list.hall")}</th>
              </tr>
            </thead>
            <tbody>
              {g.rows.map((o) => (
                <tr key={o.sectionId} data-testid={`opening-${o.sectionCode}`} data-phase={o.phase}>
                  <td className="nowrap" data-label={t("openingHall.list.deadline")}>
                    <ShanghaiTime at={o.deadlineAt} />
                  </td>
                  <td data-label={t("openingHall.list.project")}>
                    <Link to={`/projects/${o.projectId}`}>{o.projectName}</Link>
                    <div className="mono muted">{o.projectCode}</div>
                  </td>
                  <td data-label={t("openingHall.list.section")}>
                    <div>{o.sectionName}</div>
                    <div className="mono muted">{o.sectionCode}</div>
                  </td>
                  <td data-label={t("openingHall.list.phase")}>
                    <span className={`phase phase--${PHASE_PILL[o.phase]}`}>{OPENING_PHASE_LABELS[o.phase][en ? "en" : "zh"]}</span>
                  </td>
                  <td data-label={t("openingHall.list.role")}>
                    {t(o.role === "host" ? "openingHall.list.roleHost" : "openingHall.list.roleTenderer")}
                  </td>
                  <td className="nowrap" data-label={t("openingHall.list.hall")}>
                    <Link className="button button--small" to={`/sections/${o.sectionId}/opening`}>
                      {t("openingHall.list.enterHall")}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
