import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GuarantorTabs, guaranteeTone, StatusBadge, Yuan } from "#app/components/guarantee/guarantor-tabs.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listGuarantorGuarantees } from "#app/services/guarantee/read-guarantor-portal.server.ts";
import guaranteesCss from "#app/styles/guarantees.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: guaranteesCss }];
export const meta: MetaFunction = () => [{ title: "已出保函 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ guarantees: await listGuarantorGuarantees(app, await requireActor(app, args.request)) }));
}

/** The guarantor's guarantees and their state on the ledger (decision 0070): issued, bound, released, claimed, paid. */
export default function GuarantorGuarantees() {
  const { t } = useTranslation();
  const { guarantees } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <GuarantorTabs />
      <h1>{t("guarantorPortal.guarantees.title")}</h1>
      <p className="muted">{t("guarantorPortal.guarantees.intro")}</p>
      {guarantees.length === 0 ? <p className="muted">{t("guarantorPortal.guarantees.none")}</p> : null}
      <ul className="gcards" data-testid="guarantees">
        {guarantees.map((g) => (
          <li key={g.id} className="panel" data-testid="guarantee" data-status={g.status}>
            <div className="gcard__head">
              <h2>{g.applicantName}</h2>
              <StatusBadge label={t(`guarantorPortal.application.ledgerStatus.${g.status}`)} tone={guaranteeTone(g.status)} />
            </div>
            <dl className="gfacts">
              <dt>{t("guarantorPortal.applications.section")}</dt>
              <dd>{g.section}</dd>
              <dt>{t("guarantorPortal.guarantees.beneficiary")}</dt>
              <dd>{g.beneficiaryName}</dd>
              <dt>{t("guarantorPortal.guarantees.amount")}</dt>
              <dd>
                <Yuan fen={g.amountFen} />
              </dd>
              <dt>{t("guarantorPortal.guarantees.validUntil")}</dt>
              <dd>
                <ShanghaiTime at={g.validUntil} />
              </dd>
              <dt>{t("guarantorPortal.guarantees.claimDeadline")}</dt>
              <dd>
                <ShanghaiTime at={g.claimDeadline} />
              </dd>
              <dt>{t("guarantorPortal.guarantees.ledgerId")}</dt>
              <dd className="ghash">{g.ledgerId}</dd>
            </dl>
            <Link to={`/guarantor/applications/${g.applicationId}`} className="button button--small">
              {t("guarantorPortal.applications.open")}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
