import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { ErrorList } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { formatYuan } from "#app/domain/shared/money.ts";

/** What `guaranteeOptionsFor` sends (app/services/guarantee/apply-for-guarantee.server.ts). */
export interface GuaranteeOptionsView {
  amountFen: string;
  validFrom: string | Date;
  validUntil: string | Date;
  beneficiaryName: string;
  products: { id: string; name: string; guarantorName: string; feeRateBp: number; feeFen: string }[];
}

/** bp → "0.15" without floating point. */
const percent = (bp: number) => `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, "0")}`;

/**
 * The application (issue 14): every guarantor product serving the section, chosen by the bidder;
 * amount, validity and beneficiary prefilled from the section. The amount may be raised, never
 * lowered below the requirement (the service refuses, naming both amounts).
 */
export function ApplyForm({
  options,
  busy,
  errors,
}: {
  options: GuaranteeOptionsView;
  busy: boolean;
  errors: Record<string, string[] | null> | undefined;
}) {
  const { t } = useTranslation();
  const required = formatYuan(BigInt(options.amountFen));
  return (
    <section className="panel stack" data-testid="guarantee-apply">
      <h2>{t("guaranteeBidder.panel.apply")}</h2>
      {options.products.length === 0 ? (
        <p className="muted" data-testid="no-guarantors">
          {t("guaranteeBidder.apply.noGuarantors")}
        </p>
      ) : (
        <Form method="post" className="stack">
          <CsrfInput />
          <input type="hidden" name="validFrom" value={new Date(options.validFrom).toISOString()} />
          <input type="hidden" name="validUntil" value={new Date(options.validUntil).toISOString()} />
          <fieldset className="stack-sm guarantor-choice">
            <legend>{t("guaranteeBidder.apply.guarantors")}</legend>
            <p className="muted">{t("guaranteeBidder.apply.guarantorsIntro")}</p>
            {options.products.map((p, i) => (
              <label key={p.id} className="guarantor-option" data-testid="guarantor-option">
                <input type="radio" name="productId" value={p.id} defaultChecked={i === 0} required />{" "}
                <span>
                  <strong>{p.guarantorName}</strong> · {p.name}
                  <br />
                  <span className="muted">
                    {t("guaranteeBidder.apply.feeRate", { rate: percent(p.feeRateBp), fee: formatYuan(BigInt(p.feeFen)) })}
                  </span>
                </span>
              </label>
            ))}
            <ErrorList errors={errors?.productId ?? undefined} />
          </fieldset>
          <dl className="facts">
            <dt>{t("guaranteeBidder.apply.beneficiary")}</dt>
            <dd>{options.beneficiaryName}</dd>
            <dt>{t("guaranteeBidder.apply.validity")}</dt>
            <dd>
              <ShanghaiTime at={options.validFrom} /> – <ShanghaiTime at={options.validUntil} />
              <br />
              <small className="muted">{t("guaranteeBidder.apply.validityHint")}</small>
            </dd>
          </dl>
          <div className={`field${errors?.amountYuan?.length ? " field--invalid" : ""}`}>
            <label htmlFor="guarantee-amount">{t("guaranteeBidder.apply.amount")}</label>
            <input
              id="guarantee-amount"
              name="amountYuan"
              inputMode="decimal"
              defaultValue={required.replaceAll(",", "")}
              aria-invalid={errors?.amountYuan?.length ? true : undefined}
              aria-describedby="guarantee-amount-hint"
            />
            <small id="guarantee-amount-hint" className="hint">
              {t("guaranteeBidder.apply.amountHint", { amount: required })}
            </small>
            <ErrorList errors={errors?.amountYuan ?? undefined} />
          </div>
          <label className="guarantee-note">
            {t("guaranteeBidder.apply.note")}
            <textarea name="note" rows={2} maxLength={2000} />
          </label>
          <div>
            <button type="submit" name="intent" value="apply" className="button button--primary" disabled={busy} data-testid="apply-submit">
              {t("guaranteeBidder.apply.submit")}
            </button>
          </div>
        </Form>
      )}
    </section>
  );
}
