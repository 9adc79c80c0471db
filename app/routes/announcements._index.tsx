import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { REGIONS } from "#app/domain/shared/regions.ts";
import { PROCUREMENT_TYPES } from "#app/domain/tendering/rule-set.ts";
import { runLoader } from "#app/server/route.server.ts";
import { listAnnouncements } from "#app/services/tendering/list-announcements.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "招标公告 · bidhall" }];

const PHASES = ["published", "opening", "failed", "cancelled", "suspended"] as const;
const Filters = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  region: z
    .enum(REGIONS.map((r) => r.code) as [string, ...string[]])
    .optional()
    .catch(undefined),
  type: z.enum(PROCUREMENT_TYPES).optional().catch(undefined),
  phase: z.enum(PHASES).optional().catch(undefined),
});

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const params = Object.fromEntries([...new URL(args.request.url).searchParams].filter(([, v]) => v !== ""));
    const filters = Filters.parse(params);
    const { items } = await listAnnouncements(app, filters);
    return { items, filters };
  });
}

export default function Announcements() {
  const { t, i18n } = useTranslation();
  const { items, filters } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("tendering.list.title")}</h1>
      <p className="muted">{t("tendering.list.intro")}</p>
      <section className="panel">
        <Form method="get" className="filter-bar" role="search">
          <label>
            {t("tendering.list.search")}
            <input type="search" name="q" defaultValue={filters.q ?? ""} maxLength={100} />
          </label>
          <label>
            {t("tendering.list.region")}
            <select name="region" defaultValue={filters.region ?? ""}>
              <option value="">{t("tendering.list.all")}</option>
              {REGIONS.map((r) => (
                <option key={r.code} value={r.code}>
                  {i18n.language === "en" ? r.en : r.zh}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("tendering.list.type")}
            <select name="type" defaultValue={filters.type ?? ""}>
              <option value="">{t("tendering.list.all")}</option>
              {PROCUREMENT_TYPES.map((p) => (
                <option key={p} value={p}>
                  {t(`tendering.types.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("tendering.list.phase")}
            <select name="phase" defaultValue={filters.phase ?? ""}>
              <option value="">{t("tendering.list.all")}</option>
              {PHASES.map((p) => (
                <option key={p} value={p}>
                  {t(`tendering.phases.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button">
            {t("tendering.list.filter")}
          </button>
        </Form>
      </section>
      <section className="panel">
        <p className="muted">{t("tendering.list.count", { count: items.length })}</p>
        {items.length === 0 ? (
          <p className="muted">{t("tendering.list.empty")}</p>
        ) : (
          <table className="table" data-testid="announcements">
            <thead>
              <tr>
                <th>{t("tendering.list.project")}</th>
                <th>{t("tendering.list.code")}</th>
                <th>{t("tendering.list.region")}</th>
                <th>{t("tendering.list.type")}</th>
                <th>{t("tendering.list.sections")}</th>
                <th>{t("tendering.list.publishedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id} data-testid={`announcement-${p.code}`}>
                  <td>
                    <Link to={`/announcements/${p.id}`}>{p.title}</Link>
                    <div className="muted">{p.name}</div>
                  </td>
                  <td className="mono nowrap">{p.code}</td>
                  <td className="nowrap">{p.regionName}</td>
                  <td className="nowrap">{t(`tendering.types.${p.procurementType}`)}</td>
                  <td>
                    <ul className="section-list">
                      {p.sections.map((s) => (
                        <li key={s.id}>
                          <span className={`phase phase--${s.phase}`}>{t(`tendering.phases.${s.phase}`)}</span>
                          <span>{s.name}</span>
                          <span className="muted">
                            {t("tendering.list.deadline")} <ShanghaiTime at={s.deadlineAt} />
                          </span>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="nowrap">
                    <ShanghaiTime at={p.publishedAt} />
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
