import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { formatYuan } from "#app/domain/shared/money.ts";
import { ledgerRefusalKey } from "#app/domain/guarantee/ledger-refusal.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";

/** One application as the loader sends it (app/services/guarantee/bidder-guarantees.server.ts, serialised). */
export interface ApplicationView {
  applicationId: string;
  status: string;
  section: { id: string; code: string; name: string };
  guarantorName: string;
  productName: string;
  amountFen: string;
  feeFen: string;
  validFrom: string | Date;
  validUntil: string | Date;
  declineReason: string | null;
  documentsRequested: string | null;
  issueError: string | null;
  guarantee: {
    id: string;
    ledgerId: string;
    status: string;
    issuedAt: string | Date | null;
    documentSha256: string | null;
    hasLetter: boolean;
    issueTxHash: string | null;
  } | null;
  events: { id: string; step: string; text: string | null; at: string | Date; person: string | null }[];
  payment: { amountFen: string; paidAt: string | Date; reference: string; paidBy: string; payer: string } | null;
}

const yuan = (fen: string) => formatYuan(BigInt(fen));

/**
 * An application and everything the bidder does with it (issue 14): its terms, its status, the fee
 * to pay (a record until a payment channel arrives), the documents asked for, the guarantee on the
 * ledger (id, transaction, the letter's anchor), the signed PDF and the way back to declare it.
 */
export function ApplicationDetail({ a, busy }: { a: ApplicationView; busy: boolean }) {
  const { t, i18n } = useTranslation();
  const g = a.guarantee;
  const en = i18n.language === "en";
  return (
    <section className="panel stack" data-testid="guarantee-application" data-status={a.status}>
      <div className="panel__head">
        <h2>{t("guaranteeBidder.detail.title")}</h2>
        <span className="badge" data-testid="application-status">
          {t(`guaranteeBidder.statuses.${a.status}`)}
        </span>
      </div>
      <dl className="facts">
        <dt>{t("guaranteeBidder.detail.guarantor")}</dt>
        <dd>{a.guarantorName}</dd>
        <dt>{t("guaranteeBidder.detail.product")}</dt>
        <dd>{a.productName}</dd>
        <dt>{t("guaranteeBidder.detail.amount")}</dt>
        <dd>{en ? `CNY ${yuan(a.amountFen)}` : `${yuan(a.amountFen)} 元`}</dd>
        <dt>{t("guaranteeBidder.detail.validity")}</dt>
        <dd>
          <ShanghaiTime at={a.validFrom} /> – <ShanghaiTime at={a.validUntil} />
        </dd>
        <dt>{t("guaranteeBidder.detail.fee")}</dt>
        <dd>{en ? `CNY ${yuan(a.feeFen)}` : `${yuan(a.feeFen)} 元`}</dd>
        {g ? (
          <>
            <dt>{t("guaranteeBidder.detail.ledgerId")}</dt>
            <dd className="mono" data-testid="guarantee-ledger-id">
              {g.ledgerId}
            </dd>
            <dt>{t("guaranteeBidder.detail.status")}</dt>
            <dd data-testid="guarantee-status">{t(`guaranteeBidder.guaranteeStatuses.${g.status}`)}</dd>
            <dt>{t("guaranteeBidder.detail.tx")}</dt>
            <dd className="mono" data-testid="guarantee-tx">
              {g.issueTxHash ?? t("guaranteeBidder.list.notOnLedger")}
            </dd>
            {g.documentSha256 ? (
              <>
                <dt>{t("guaranteeBidder.detail.letterSha")}</dt>
                <dd className="mono">
                  {g.documentSha256}{" "}
                  <a href={`/api/anchors/${g.documentSha256}`} target="_blank" rel="noreferrer">
                    {t("guaranteeBidder.detail.anchorLink")}
                  </a>
                </dd>
              </>
            ) : null}
          </>
        ) : null}
      </dl>

      {a.declineReason ? (
        <div className="alert alert--warning">{t("guaranteeBidder.detail.declineReason", { reason: a.declineReason })}</div>
      ) : null}
      {a.issueError && a.status === "issue_failed" ? (
        <div className="alert alert--warning">{t("guaranteeBidder.detail.issueError", { reason: t(ledgerRefusalKey(a.issueError)) })}</div>
      ) : null}
      {a.payment ? (
        <p data-testid="fee-paid">
          {t("guaranteeBidder.detail.paid", {
            amount: yuan(a.payment.amountFen),
            payer: a.payment.payer,
            person: a.payment.paidBy,
            at: formatShanghai(new Date(a.payment.paidAt), en ? "en" : "zh-CN"),
            reference: a.payment.reference,
          })}
        </p>
      ) : null}

      {a.status === "approved" ? (
        <Form method="post" className="stack-sm" data-testid="pay-fee">
          <CsrfInput />
          <input type="hidden" name="applicationId" value={a.applicationId} />
          <p className="muted">{t("guaranteeBidder.detail.payNote")}</p>
          <button type="submit" name="intent" value="pay" className="button button--primary" disabled={busy}>
            {t("guaranteeBidder.detail.pay", { fee: yuan(a.feeFen) })}
          </button>
        </Form>
      ) : null}

      {a.status === "more_documents_requested" ? (
        <Form method="post" className="stack" data-testid="supplement">
          <CsrfInput />
          <input type="hidden" name="applicationId" value={a.applicationId} />
          <div className="alert alert--warning">{t("guaranteeBidder.detail.documentsRequested", { what: a.documentsRequested ?? "" })}</div>
          <label className="guarantee-note">
            {t("guaranteeBidder.detail.supplement")}
            <textarea name="text" required rows={3} maxLength={2000} placeholder={t("guaranteeBidder.detail.supplementHint")} />
          </label>
          <div>
            <button type="submit" name="intent" value="supplement" className="button button--primary" disabled={busy}>
              {t("guaranteeBidder.detail.supplementSubmit")}
            </button>
          </div>
        </Form>
      ) : null}

      {g?.hasLetter && g.status !== "issuing" && g.status !== "issue_failed" ? (
        <p>
          <a className="button" href={`/guarantees/${g.id}/letter.pdf`} data-testid="guarantee-letter" download>
            {t("guaranteeBidder.detail.letter")}
          </a>
        </p>
      ) : null}
      {g?.status === "issued" ? (
        <div className="alert alert--success" data-testid="declare-hint">
          {t("guaranteeBidder.detail.declareHint")}{" "}
          <Link to={`/sections/${a.section.id}/bid?guarantee=${g.ledgerId}`}>{t("guaranteeBidder.detail.declareLink")}</Link>
        </div>
      ) : null}

      <h3>{t("guaranteeBidder.detail.history")}</h3>
      <ol className="thread" data-testid="application-history">
        {a.events.map((e) => (
          <li key={e.id}>
            <ShanghaiTime at={e.at} /> · <strong>{stepLabel(t, e.step)}</strong>
            {e.person ? <span className="muted"> · {e.person}</span> : null}
            {e.text ? <p>{e.text}</p> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function stepLabel(t: (k: string) => string, step: string): string {
  const key = `guaranteeBidder.steps.${step}`;
  const text = t(key);
  return text === key ? step : text;
}
