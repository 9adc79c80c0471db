import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { formatYuan } from "#app/domain/shared/money.ts";
import type { EvaluationView } from "#app/domain/evaluation/view.ts";

/** The committee's recorded result and the candidate publicity, as the agency and the tenderer see them. */
export function ResultTable({ v }: { v: EvaluationView }) {
  const { t, i18n } = useTranslation();
  const e = v.evaluation;
  if (!e) return null;
  const en = i18n.language === "en";
  return (
    <section className="panel" data-testid="recorded-result">
      <h2>{t("evaluation.result.recorded")}</h2>
      <dl className="facts">
        <dt>{t("evaluation.result.recordedAt")}</dt>
        <dd>
          <ShanghaiTime at={e.recordedAt} />
        </dd>
        <dt>{t("evaluation.result.reportSha256")}</dt>
        <dd>
          <code className="mono small" data-testid="report-sha256">
            {e.reportSha256}
          </code>{" "}
          <a href={`/api/anchors/${e.reportSha256}`} className="small">
            {t("evaluation.anchor")}
          </a>
        </dd>
        <dt>{t("evaluation.result.committee")}</dt>
        <dd data-testid="committee">{e.committee ? e.committee.join("、") : t("evaluation.result.committeeHidden")}</dd>
        <dt>{t("evaluation.publicity.period")}</dt>
        <dd data-testid="publicity-period">
          <ShanghaiTime at={e.recordedAt} /> — <ShanghaiTime at={e.publicityEndsAt} />{" "}
          <span className="muted small">{e.publicitySource}</span>
        </dd>
        {e.unansweredObjections > 0 ? (
          <>
            <dt>{t("evaluation.publicity.objections")}</dt>
            <dd>{t("evaluation.publicity.unanswered", { count: e.unansweredObjections })}</dd>
          </>
        ) : null}
      </dl>
      <div className="table-scroll">
        <table className="table" data-testid="result-table">
          <thead>
            <tr>
              <th>{t("evaluation.result.rank")}</th>
              <th>{t("evaluation.bidder")}</th>
              <th>{t("evaluation.price")}</th>
              {v.comprehensive ? (
                <>
                  <th>{t("evaluation.machine.points")}</th>
                  <th>{t("evaluation.result.technicalShort")}</th>
                  <th>{t("evaluation.result.commercialShort")}</th>
                  <th>{t("evaluation.result.total")}</th>
                </>
              ) : null}
              <th>{t("evaluation.result.validity")}</th>
            </tr>
          </thead>
          <tbody>
            {e.bids.map((b) => (
              <tr key={b.organisationId} data-testid="result-row" data-rank={b.rank ?? ""}>
                <td>{b.rank ? t("evaluation.result.rankN", { n: b.rank }) : "—"}</td>
                <td>
                  {b.name}
                  {b.abnormalLow ? (
                    <>
                      {" "}
                      <span className="badge badge--rejected">{t("evaluation.machine.abnormal")}</span>
                    </>
                  ) : null}
                </td>
                <td className="mono">{b.priceFen ? formatYuan(BigInt(b.priceFen)) : "—"}</td>
                {v.comprehensive ? (
                  <>
                    <td className="mono" title={b.working ? (en ? b.working.en : b.working.zh) : undefined}>
                      {b.pricePoints ?? "—"}
                    </td>
                    <td className="mono">{b.technical ?? "—"}</td>
                    <td className="mono">{b.commercial ?? "—"}</td>
                    <td className="mono">
                      <strong>{b.total ?? "—"}</strong>
                    </td>
                  </>
                ) : null}
                <td>{b.valid ? t("evaluation.result.valid") : `${t("evaluation.result.rejected")}：${b.rejectionReason ?? ""}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
