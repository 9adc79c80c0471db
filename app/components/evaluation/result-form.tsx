import { Form } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { formatYuan } from "#app/domain/shared/money.ts";
import type { EvaluationView } from "#app/domain/evaluation/view.ts";

/**
 * The agency records the evaluation committee's result (decision 66): the report PDF, the
 * members' names (kept confidential until the result is announced, 法 44), per bid valid or
 * rejected with a reason, the technical and commercial points within the method's range, and up
 * to 3 ranked candidates. The server checks everything again and saves all or nothing.
 */
export function ResultForm({ v, busy }: { v: EvaluationView; busy: boolean }) {
  const { t } = useTranslation();
  const [valid, setValid] = useState<Record<string, boolean>>(() => Object.fromEntries(v.bids.map((b) => [b.organisationId, b.decrypted])));
  const w = v.weights;
  return (
    <section className="panel" data-testid="result-form">
      <h2>{t("evaluation.result.title")}</h2>
      <p className="muted">{t("evaluation.result.intro")}</p>
      <Form method="post" encType="multipart/form-data" className="stack">
        <CsrfInput />
        <input type="hidden" name="intent" value="record" />
        <label className="field">
          <span>{t("evaluation.result.report")}</span>
          <input type="file" name="report" accept="application/pdf,.pdf" required />
        </label>
        <label className="field">
          <span>{t("evaluation.result.committee")}</span>
          <textarea name="committee" rows={3} required placeholder={t("evaluation.result.committeeHint")} />
          <small className="muted">{t("evaluation.result.committeeConfidential")}</small>
        </label>
        <div className="table-scroll">
          <table className="table table--compact">
            <thead>
              <tr>
                <th>{t("evaluation.bidder")}</th>
                <th>{t("evaluation.price")}</th>
                <th>{t("evaluation.result.validity")}</th>
                {v.comprehensive && w ? (
                  <>
                    <th>{t("evaluation.result.technical", { max: w.technical })}</th>
                    <th>{t("evaluation.result.commercial", { max: w.commercial })}</th>
                  </>
                ) : null}
                <th>{t("evaluation.result.rank")}</th>
              </tr>
            </thead>
            <tbody>
              {v.bids.map((b) => {
                const ok = valid[b.organisationId] ?? false;
                return (
                  <tr key={b.organisationId} data-testid={`result-bid-${b.name}`}>
                    <td>{b.name}</td>
                    <td className="mono">{b.priceFen ? formatYuan(BigInt(b.priceFen)) : t("evaluation.notDecrypted")}</td>
                    <td>
                      <select
                        name={`valid:${b.organisationId}`}
                        aria-label={t("evaluation.result.validityOf", { name: b.name })}
                        value={ok ? "1" : "0"}
                        onChange={(e) => setValid((s) => ({ ...s, [b.organisationId]: e.target.value === "1" }))}
                      >
                        <option value="1">{t("evaluation.result.valid")}</option>
                        <option value="0">{t("evaluation.result.rejected")}</option>
                      </select>
                      {!ok ? (
                        <input
                          type="text"
                          name={`reason:${b.organisationId}`}
                          maxLength={500}
                          aria-label={t("evaluation.result.reasonOf", { name: b.name })}
                          placeholder={t("evaluation.result.reason")}
                          defaultValue={b.decrypted ? "" : t("evaluation.result.notDecryptedReason")}
                        />
                      ) : null}
                    </td>
                    {v.comprehensive && w ? (
                      <>
                        <td>
                          <input
                            type="text"
                            inputMode="decimal"
                            size={6}
                            name={`technical:${b.organisationId}`}
                            aria-label={t("evaluation.result.technicalOf", { name: b.name })}
                            disabled={!ok}
                          />
                        </td>
                        <td>
                          <input
                            type="text"
                            inputMode="decimal"
                            size={6}
                            name={`commercial:${b.organisationId}`}
                            aria-label={t("evaluation.result.commercialOf", { name: b.name })}
                            disabled={!ok}
                          />
                        </td>
                      </>
                    ) : null}
                    <td>
                      <select
                        name={`rank:${b.organisationId}`}
                        aria-label={t("evaluation.result.rankOf", { name: b.name })}
                        defaultValue=""
                      >
                        <option value="">—</option>
                        {v.bids.map((_, i) => (
                          <option key={i} value={String(i + 1)}>
                            {t("evaluation.result.rankN", { n: i + 1 })}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="muted small">{t("evaluation.result.pointsHint")}</p>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t("evaluation.result.submit")}
        </button>
      </Form>
    </section>
  );
}
