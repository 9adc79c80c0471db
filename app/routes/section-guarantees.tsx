import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listGuaranteeSections } from "#app/services/guarantee/read-section-guarantees.server.ts";
import guaranteesCss from "#app/styles/guarantees.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: guaranteesCss }];
export const meta: MetaFunction = () => [{ title: "投标保函 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ sections: await listGuaranteeSections(app, await requireActor(app, args.request)) }));
}

/** The tenderer's and the agency's sections past their deadline, with their bound guarantees (decision 0070). */
export default function SectionGuarantees() {
  const { t } = useTranslation();
  const { sections } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("guarantorPortal.sections.title")}</h1>
      <p className="muted">{t("guarantorPortal.sections.intro")}</p>
      {sections.length === 0 ? <p className="muted">{t("guarantorPortal.sections.none")}</p> : null}
      <ul className="gcards" data-testid="guarantee-sections">
        {sections.map((s) => (
          <li key={s.id} className="panel" data-testid="guarantee-section">
            <div className="gcard__head">
              <h2>{s.section}</h2>
            </div>
            <dl className="gfacts">
              <dt>{t("guarantorPortal.application.project")}</dt>
              <dd>{s.projectName}</dd>
              <dt>{t("guarantorPortal.sections.deadline")}</dt>
              <dd>
                <ShanghaiTime at={s.deadlineAt} />
              </dd>
              <dt>{t("guarantorPortal.sections.bound")}</dt>
              <dd>{s.bound}</dd>
              <dt>{t("guarantorPortal.sections.openClaims")}</dt>
              <dd>{s.openClaims}</dd>
              <dt>{t("guarantorPortal.sections.contract")}</dt>
              <dd>{s.contractSignedAt ? <ShanghaiTime at={s.contractSignedAt} /> : "—"}</dd>
            </dl>
            <Link to={`/sections/${s.id}/guarantees`} className="button button--small" data-testid="open-section-guarantees">
              {t("guarantorPortal.sections.open")}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
