import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listObjections } from "#app/services/complaints/read-objections.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "异议质疑 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => listObjections(app, await requireActor(app, args.request)));
}

type Row = Awaited<ReturnType<typeof listObjections>>["mine"][number];

function ObjectionList({ rows, testId }: { rows: readonly Row[]; testId: string }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <p className="muted">{t("complaints.objection.none")}</p>;
  return (
    <div className="table-scroll">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>{t("complaints.objection.section")}</th>
            <th>{t("complaints.objection.subject")}</th>
            <th>{t("complaints.objection.objector")}</th>
            <th>{t("complaints.objection.raisedAt")}</th>
            <th>{t("complaints.objection.dueAt")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((o) => (
            <tr key={o.id} className={o.overdue ? "row--warning" : undefined}>
              <td>
                <Link to={`/objections/${o.id}`}>{o.section.code}</Link>
              </td>
              <td>
                {t(`complaints.word.${o.procurementType}`)} · {t(`complaints.subjects.${o.subject}`)}
              </td>
              <td>{o.objector}</td>
              <td>
                <ShanghaiTime at={o.raisedAt} />
              </td>
              <td>
                {o.answeredAt ? (
                  t("complaints.objection.answered")
                ) : (
                  <>
                    <ShanghaiTime at={o.answerDueAt} />{" "}
                    {o.overdue ? <strong className="badge">{t("complaints.objection.overdue")}</strong> : null}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Objections() {
  const { t } = useTranslation();
  const { mine, inbox } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("complaints.nav.objections")}</h1>
      <p className="muted">{t("complaints.objection.intro")}</p>
      {inbox.length > 0 || mine.length === 0 ? (
        <section className="stack">
          <h2>{t("complaints.objection.inbox")}</h2>
          <ObjectionList rows={inbox} testId="objection-inbox" />
        </section>
      ) : null}
      <section className="stack">
        <h2>{t("complaints.objection.mine")}</h2>
        <ObjectionList rows={mine} testId="objections-mine" />
      </section>
    </div>
  );
}
