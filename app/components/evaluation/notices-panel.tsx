import { Form, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { SignDocument } from "#app/components/signing/sign-document.tsx";
import type { EvaluationView } from "#app/domain/evaluation/view.ts";

/**
 * The award's notices (decision 67): each with its two signatures (tenderer first, then the
 * agency, in the browser), then issued online by the agency once every one is signed.
 */
export function NoticesPanel({ v, busy }: { v: EvaluationView; busy: boolean }) {
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  const allSigned = v.notices.every((n) => n.nextStep === null);
  const issued = v.award?.announcedAt ?? null;
  return (
    <section className="panel" data-testid="notices-panel">
      <h2>{t("evaluation.notices.title")}</h2>
      <p className="muted">{t(v.viewer.hasAgency ? "evaluation.notices.intro" : "evaluation.notices.introNoAgency")}</p>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t("evaluation.notices.number")}</th>
              <th>{t("evaluation.notices.recipient")}</th>
              <th>{t("evaluation.notices.tenderer")}</th>
              {v.viewer.hasAgency ? <th>{t("evaluation.notices.agency")}</th> : null}
              <th>{t("evaluation.notices.state")}</th>
            </tr>
          </thead>
          <tbody>
            {v.notices.map((n) => (
              <tr key={n.id} data-testid={`notice-${n.number}`} data-next-step={n.nextStep ?? ""}>
                <td>
                  <a href={`/award-notices/${n.id}.pdf`} className="mono" data-testid="notice-pdf">
                    {n.number}
                  </a>
                  <div className="small muted">{t(`evaluation.notices.kinds.${n.kind}`)}</div>
                </td>
                <td>{n.organisationName}</td>
                <td>{n.tendererSignedAt ? <ShanghaiTime at={n.tendererSignedAt} /> : "—"}</td>
                {v.viewer.hasAgency ? <td>{n.agencySignedAt ? <ShanghaiTime at={n.agencySignedAt} /> : "—"}</td> : null}
                <td>
                  {n.acknowledgedAt ? (
                    <span className="badge badge--approved">{t("evaluation.notices.acknowledged")}</span>
                  ) : n.issuedAt ? (
                    <span className="badge">{t("evaluation.notices.issued")}</span>
                  ) : n.mySignature && v.viewer.maySign ? (
                    <SignDocument
                      kind="award-notice"
                      subjectId={n.id}
                      label={t("evaluation.notices.sign")}
                      onSigned={() => revalidator.revalidate()}
                    />
                  ) : n.nextStep ? (
                    <span className="muted">{t(`evaluation.notices.waiting.${n.nextStep}`)}</span>
                  ) : (
                    <span className="badge badge--approved">{t("evaluation.notices.signed")}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {v.notices.some((n) => n.mySignature) && !v.viewer.maySign ? (
        <p className="alert alert--warning">{t("evaluation.notices.needSignRole")}</p>
      ) : null}
      {issued ? (
        <div className="alert alert--success" role="status" data-testid="notices-issued">
          {t("evaluation.notices.issuedAt")} <ShanghaiTime at={issued} />
        </div>
      ) : v.viewer.mayIssue ? (
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="issue" />
          <button type="submit" className="button button--primary" disabled={busy || !allSigned} data-testid="issue-notices">
            {t("evaluation.notices.issue")}
          </button>
          {!allSigned ? <span className="muted small"> {t("evaluation.notices.issueWhenSigned")}</span> : null}
        </Form>
      ) : null}
    </section>
  );
}
