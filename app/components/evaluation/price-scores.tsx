import { useTranslation } from "react-i18next";
import { formatYuan } from "#app/domain/shared/money.ts";
import type { EvaluationView } from "#app/domain/evaluation/view.ts";

type Words = { zh: string; en: string };
const pick = (w: Words, en: boolean) => (en ? w.en : w.zh);

/**
 * The machine's price scores (decision 65): every decrypted bid's price with the published formula
 * and the numbers put in, abnormally low prices flagged for the committee (条例 51).
 */
export function PriceScores({ scoring, comprehensive }: { scoring: NonNullable<EvaluationView["scoring"]>; comprehensive: boolean }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  return (
    <section className="panel" data-testid="machine-scores">
      <h2>{t("evaluation.machine.title")}</h2>
      <p className="muted">{t("evaluation.machine.intro")}</p>
      <p className="evaluation-working" data-testid="machine-working">
        {pick(scoring.working, en)}
      </p>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t("evaluation.machine.rank")}</th>
              <th>{t("evaluation.bidder")}</th>
              <th>{t("evaluation.price")}</th>
              {comprehensive ? <th>{t("evaluation.machine.points")}</th> : null}
              <th>{t("evaluation.machine.working")}</th>
            </tr>
          </thead>
          <tbody>
            {[...scoring.rows]
              .sort((a, b) => a.rank - b.rank)
              .map((r) => (
                <tr key={r.organisationId} data-testid="machine-row" data-abnormal={r.abnormalLow ? "1" : "0"}>
                  <td>{r.rank}</td>
                  <td>
                    {r.name}
                    {r.abnormalLow ? (
                      <>
                        {" "}
                        <span className="badge badge--rejected" data-testid="abnormal-low" title={t("evaluation.machine.abnormalHint")}>
                          {t("evaluation.machine.abnormal")}
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td className="mono">{formatYuan(BigInt(r.priceFen))}</td>
                  {comprehensive ? (
                    <td className="mono" data-testid="machine-points">
                      {r.points}
                    </td>
                  ) : null}
                  <td className="evaluation-working small">{pick(r.working, en)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
