import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listOwnComplaints } from "#app/services/complaints/read-complaints.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "我的投诉 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ complaints: await listOwnComplaints(app, await requireActor(app, args.request)) }));
}

export default function MyComplaints() {
  const { t } = useTranslation();
  const { complaints } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("complaints.complaint.mine")}</h1>
      <p>
        <Link to="/complaints/new" className="button">
          {t("complaints.complaint.newComplaint")}
        </Link>{" "}
        <Link to="/complaints/decisions">{t("complaints.nav.decisions")}</Link>
      </p>
      {complaints.length === 0 ? (
        <p className="muted">{t("complaints.complaint.none")}</p>
      ) : (
        <ul className="stack" data-testid="my-complaints">
          {complaints.map((c) => (
            <li key={c.id} className="panel stack" data-state={c.state}>
              <div>
                <strong>{c.section.code}</strong> {c.section.name} · {t(`complaints.subjects.${c.subject}`)}
              </div>
              <div className="muted">
                {t("complaints.complaint.filedAt")} <ShanghaiTime at={c.filedAt} /> · {c.receiptNo} · {t("complaints.complaint.state")}：
                <strong>{t(`complaints.complaint.states.${c.state}`)}</strong>
              </div>
              <div className="muted">
                {t("complaints.complaint.regulators")}：{c.regulators.join("、")}
              </div>
              <div className="mono muted">
                {t("complaints.complaint.ledger")} {c.ledgerId}
              </div>
              <a href={`/complaints/${c.id}/receipt.pdf`}>{t("complaints.complaint.receipt")}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
