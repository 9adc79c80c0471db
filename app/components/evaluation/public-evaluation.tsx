import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { formatYuan } from "#app/domain/shared/money.ts";
import type { PublicEvaluation } from "#app/domain/evaluation/view.ts";

/**
 * A section's evaluation on the public announcement page (issue 16): the method and price formula
 * fixed at publication, the candidate publicity (中标候选人公示) with its period and objection
 * window, and the award result once the notices are issued.
 */
export function PublicEvaluationPart({ sectionId, e }: { sectionId: string; e: PublicEvaluation | undefined }) {
  const { t, i18n } = useTranslation();
  if (!e) return null;
  const en = i18n.language === "en";
  return (
    <div className="public-evaluation">
      <p className="small" data-testid="evaluation-terms">
        <strong>{t("evaluation.terms.shownTitle")}：</strong>
        {en ? e.terms.en : e.terms.zh}
      </p>
      {e.publicity ? (
        <div className="panel public-evaluation__publicity" data-testid="candidate-publicity">
          <h4>{t("evaluation.publicity.title")}</h4>
          <p className="small">
            {t("evaluation.publicity.period")} <ShanghaiTime at={e.publicity.from} /> — <ShanghaiTime at={e.publicity.endsAt} />{" "}
            <span className="muted">{e.publicity.source}</span>
          </p>
          <table className="table table--compact">
            <thead>
              <tr>
                <th>{t("evaluation.result.rank")}</th>
                <th>{t("evaluation.bidder")}</th>
                <th>{t("evaluation.price")}</th>
                {e.publicity.candidates.some((c) => c.total) ? <th>{t("evaluation.result.total")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {e.publicity.candidates.map((c) => (
                <tr key={c.rank} data-testid="candidate">
                  <td>{t("evaluation.result.rankN", { n: c.rank })}</td>
                  <td>{c.name}</td>
                  <td className="mono">{formatYuan(BigInt(c.priceFen))}</td>
                  {c.total ? <td className="mono">{c.total}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small" data-testid="objection-window">
            {e.publicity.open ? (
              <>
                {t("evaluation.publicity.objectionOpen")}{" "}
                <Link to={`/sections/${sectionId}/objection`}>{t("evaluation.publicity.objectionLink")}</Link>
              </>
            ) : (
              t("evaluation.publicity.objectionClosed")
            )}
          </p>
        </div>
      ) : null}
      {e.award ? (
        <div className="panel public-evaluation__award" data-testid="award-result">
          <h4>{t("evaluation.publicity.awardTitle")}</h4>
          <p>
            {t("evaluation.award.winner")}：<strong>{e.award.winnerName}</strong> · {t("evaluation.price")}{" "}
            <span className="mono">{formatYuan(BigInt(e.award.priceFen))}</span> · <ShanghaiTime at={e.award.announcedAt} />
          </p>
          <p className="small">
            {t("evaluation.result.committee")}：{e.award.committee.join("、")}
          </p>
        </div>
      ) : null}
    </div>
  );
}
