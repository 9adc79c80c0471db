import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { toChineseCapitals, validateYuan } from "#app/domain/shared/money.ts";
import type { OpeningField, OpeningForm } from "#app/domain/tendering/opening-form.ts";
import { formProblems, PERSON_NAME_MAX, type FieldProblem, type FieldValue, type FormValues } from "./form-problems.ts";

export { emptyValues, formProblems, toBidFields, type FieldValue, type FormValues } from "./form-problems.ts";

/**
 * The section's opening form (开标一览表) as typed inputs: money in yuan with the amount shown in
 * Chinese capitals as it is typed (the opening record prints both), integers and decimals with
 * their limits, dates, choices, and people (name + ID number, checked digit by digit). Each error
 * sits under its own input and says what is wrong (decision 45). Values stay strings while
 * editing; `toBidFields` turns them into bid.json's `fields`.
 */
export function useProblemText(): (p: FieldProblem) => string {
  const { t } = useTranslation();
  return (p) => {
    switch (p.kind) {
      case "money": {
        const { kind, ...params } = p.problem;
        return t(`bidding.form.problems.money.${kind}`, params);
      }
      case "citizenId": {
        const { kind, ...params } = p.problem;
        return t(`bidding.form.problems.citizenId.${kind}`, params);
      }
      case "range":
        return p.min !== undefined && p.max !== undefined
          ? t("bidding.form.problems.rangeBoth", { min: p.min, max: p.max })
          : p.min !== undefined
            ? t("bidding.form.problems.rangeMin", { min: p.min })
            : t("bidding.form.problems.rangeMax", { max: p.max });
      case "decimal":
        return p.scale === 0 ? t("bidding.form.problems.integer") : t("bidding.form.problems.decimal", { scale: p.scale });
      case "tooLong":
        return t("bidding.form.problems.tooLong", { max: p.max, length: p.length });
      default:
        return t(`bidding.form.problems.${p.kind}`);
    }
  };
}

/** An error under its input, named by the input's `aria-describedby`. */
export function FieldError({ id, children }: { id: string; children: ReactNode }) {
  return (
    <span className="field-error" role="alert" id={id} data-testid={id}>
      {children}
    </span>
  );
}

function MoneyCapitals({ value }: { value: string }) {
  const { t } = useTranslation();
  const parsed = validateYuan(value);
  if (!parsed.ok) return null;
  return (
    <span className="money-capitals" data-testid="capitals">
      {t("bidding.form.capitals")}：人民币{toChineseCapitals(parsed.value)}
    </span>
  );
}

function Hint({ field }: { field: OpeningField }) {
  const { t } = useTranslation();
  if (field.type === "money") return <span className="hint">{t("bidding.form.priceHint")}</span>;
  if (field.type === "decimal") return <span className="hint">{t("bidding.form.decimalHint", { scale: field.scale })}</span>;
  if (field.type === "integer" && field.min !== undefined && field.max !== undefined)
    return <span className="hint">{t("bidding.form.integerRange", { min: field.min, max: field.max })}</span>;
  return null;
}

export function OpeningFormInputs({
  form,
  values,
  onChange,
  showProblems,
  disabled,
}: {
  form: OpeningForm;
  values: FormValues;
  onChange: (values: FormValues) => void;
  showProblems: boolean;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const problems = showProblems ? formProblems(form, values) : {};
  const set = (key: string, v: FieldValue) => onChange({ ...values, [key]: v });
  /** The attributes that tie an input to its error, and the error itself. */
  const wiring = (inputKey: string) => {
    const id = `field-${inputKey.replace(".", "-")}`;
    const problem = problems[inputKey];
    return {
      id,
      attrs: { id, disabled, "aria-invalid": problem ? true : undefined, "aria-describedby": problem ? `${id}-error` : undefined },
      error: problem ? <FieldError id={`${id}-error`}>{problemText(problem)}</FieldError> : null,
    };
  };
  return (
    <div className="opening-form" data-testid="opening-form">
      {form.map((f) => {
        const label = (
          <>
            {f.label}
            {f.required ? (
              <span className="required" aria-label={t("bidding.form.required")}>
                {" "}
                *
              </span>
            ) : null}
          </>
        );
        if (f.type === "person") {
          const v = values[f.key] as { name: string; idNumber: string };
          const name = wiring(`${f.key}.name`);
          const idNumber = wiring(`${f.key}.idNumber`);
          return (
            <fieldset key={f.key} className="opening-form__person">
              <legend>{label}</legend>
              <label htmlFor={name.id}>{t("bidding.form.personName")}</label>
              <input
                {...name.attrs}
                aria-label={`${f.label} · ${t("bidding.form.personName")}`}
                value={v.name}
                maxLength={PERSON_NAME_MAX}
                autoComplete="off"
                onChange={(e) => set(f.key, { ...v, name: e.target.value })}
              />
              {name.error}
              <label htmlFor={idNumber.id}>{t("bidding.form.personId")}</label>
              <input
                {...idNumber.attrs}
                className="mono"
                aria-label={`${f.label} · ${t("bidding.form.personId")}`}
                value={v.idNumber}
                maxLength={20}
                autoComplete="off"
                onChange={(e) => set(f.key, { ...v, idNumber: e.target.value })}
              />
              {idNumber.error}
            </fieldset>
          );
        }
        const v = values[f.key] as string;
        const w = wiring(f.key);
        return (
          <div key={f.key} className="opening-form__field">
            <label htmlFor={w.id}>{label}</label>
            {f.type === "enum" ? (
              <select {...w.attrs} value={v} onChange={(e) => set(f.key, e.target.value)}>
                <option value="">{t("bidding.form.choose")}</option>
                {f.options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : f.type === "text" && f.maxLength > 200 ? (
              <textarea {...w.attrs} value={v} rows={3} onChange={(e) => set(f.key, e.target.value)} />
            ) : (
              <span className="opening-form__input">
                <input
                  {...w.attrs}
                  type={f.type === "date" ? "date" : "text"}
                  inputMode={f.type === "money" || f.type === "decimal" ? "decimal" : f.type === "integer" ? "numeric" : undefined}
                  className={f.type === "money" || f.type === "integer" || f.type === "decimal" ? "mono" : undefined}
                  value={v}
                  maxLength={f.type === "text" ? undefined : 40}
                  onChange={(e) => set(f.key, e.target.value)}
                />
                {f.type === "money" ? <span className="unit">{t("bidding.form.yuan")}</span> : null}
              </span>
            )}
            {f.type === "money" ? <MoneyCapitals value={v} /> : null}
            <Hint field={f} />
            {w.error}
          </div>
        );
      })}
    </div>
  );
}
