import { useTranslation } from "react-i18next";
import { defaultTerms, describeTerms, isComprehensive, type EvaluationTerms } from "#app/domain/evaluation/evaluation-terms.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";

/**
 * The evaluation terms of one section in the project form (decision 65): the weights and the
 * price formula for comprehensive scoring, the abnormal-low threshold for every method, and the
 * sentence the announcement will show. Shares in percent with two decimals, points per percent
 * with two decimals; the form keeps them as the integers the domain stores.
 */
export function EvaluationTermsFields({
  id,
  type,
  method,
  terms,
  onChange,
}: {
  id: string;
  type: ProcurementType;
  method: string;
  terms: EvaluationTerms | undefined;
  onChange: (terms: EvaluationTerms) => void;
}) {
  const { t, i18n } = useTranslation();
  const current = terms ?? defaultTerms(type, method);
  const set = (patch: Partial<EvaluationTerms>) => onChange({ ...current, ...patch });
  const int = (v: string, scale: number) => Math.round(Number(v) * scale) || 0;
  const text = describeTerms(method, current);
  const f = current.priceFormula;
  return (
    <fieldset className="field evaluation-terms" data-testid={`${id}-terms`}>
      <legend>{t("evaluation.terms.title")}</legend>
      {isComprehensive(method) && current.weights ? (
        <div className="evaluation-terms__grid">
          {(["price", "technical", "commercial"] as const).map((k) => (
            <label key={k}>
              {t(`evaluation.terms.${k}`)}
              <input
                id={`${id}-w-${k}`}
                type="number"
                min={0}
                max={100}
                value={current.weights![k]}
                onChange={(e) => set({ weights: { ...current.weights!, [k]: int(e.target.value, 1) } })}
              />
            </label>
          ))}
          {f?.kind === "deviation" ? (
            <>
              <label>
                {t("evaluation.terms.base")}
                <select
                  id={`${id}-base`}
                  value={f.base}
                  onChange={(e) => set({ priceFormula: { ...f, base: e.target.value as "average" | "lowest" } })}
                >
                  <option value="average">{t("evaluation.terms.baseAverage")}</option>
                  <option value="lowest">{t("evaluation.terms.baseLowest")}</option>
                </select>
              </label>
              {f.base === "average" ? (
                <label>
                  {t("evaluation.terms.coefficient")}
                  <input
                    id={`${id}-coefficient`}
                    type="number"
                    step="0.01"
                    value={f.coefficientBasisPoints / 100}
                    onChange={(e) => set({ priceFormula: { ...f, coefficientBasisPoints: int(e.target.value, 100) } })}
                  />
                </label>
              ) : null}
              <label>
                {t("evaluation.terms.deductAbove")}
                <input
                  id={`${id}-above`}
                  type="number"
                  step="0.01"
                  value={f.deductAboveHundredths / 100}
                  onChange={(e) => set({ priceFormula: { ...f, deductAboveHundredths: int(e.target.value, 100) } })}
                />
              </label>
              <label>
                {t("evaluation.terms.deductBelow")}
                <input
                  id={`${id}-below`}
                  type="number"
                  step="0.01"
                  value={f.deductBelowHundredths / 100}
                  onChange={(e) => set({ priceFormula: { ...f, deductBelowHundredths: int(e.target.value, 100) } })}
                />
              </label>
            </>
          ) : null}
        </div>
      ) : null}
      <label>
        {t("evaluation.terms.abnormalLow")}
        <input
          id={`${id}-abnormal`}
          type="number"
          step="0.01"
          value={current.abnormalLowBasisPoints / 100}
          onChange={(e) => set({ abnormalLowBasisPoints: int(e.target.value, 100) })}
        />
      </label>
      <p className="muted">{i18n.language === "en" ? text.en : text.zh}</p>
    </fieldset>
  );
}
