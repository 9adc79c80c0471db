import { useTranslation } from "react-i18next";
import { validateCitizenId } from "#app/domain/shared/citizen-id.ts";
import { fenToJson, toChineseCapitals, validateYuan } from "#app/domain/shared/money.ts";
import type { OpeningField, OpeningForm } from "#app/domain/tendering/opening-form.ts";

/**
 * The section's opening form (开标一览表) as typed inputs: money in yuan with the amount shown in
 * Chinese capitals as it is typed (the opening record prints both), integers and decimals with
 * their limits, dates, choices, and people (name + ID number, checked digit by digit). Values
 * stay strings while editing; {@link toBidFields} turns them into bid.json's `fields`.
 */
export type FieldValue = string | { name: string; idNumber: string };
export type FormValues = Record<string, FieldValue>;

export function emptyValues(form: OpeningForm): FormValues {
  return Object.fromEntries(form.map((f) => [f.key, f.type === "person" ? { name: "", idNumber: "" } : ""]));
}

type FieldProblem = "required" | "invalid";

function problemOf(field: OpeningField, value: FieldValue): FieldProblem | null {
  if (field.type === "person") {
    const v = value as { name: string; idNumber: string };
    if (!v.name.trim() && !v.idNumber.trim()) return field.required ? "required" : null;
    return v.name.trim() && validateCitizenId(v.idNumber.trim()).ok ? null : "invalid";
  }
  const s = (value as string).trim();
  if (s === "") return field.required ? "required" : null;
  switch (field.type) {
    case "money":
      return validateYuan(s).ok ? null : "invalid";
    case "integer": {
      if (!/^-?\d+$/.test(s)) return "invalid";
      const n = Number(s);
      return (field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max) ? "invalid" : null;
    }
    case "decimal":
      return new RegExp(field.scale === 0 ? "^-?(0|[1-9]\\d*)$" : `^-?(0|[1-9]\\d*)(\\.\\d{1,${field.scale}})?$`).test(s)
        ? null
        : "invalid";
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(s) ? null : "invalid";
    case "enum":
      return field.options.includes(s) ? null : "invalid";
    case "text":
      return s.length <= field.maxLength ? null : "invalid";
  }
}

export function formProblems(form: OpeningForm, values: FormValues): Record<string, FieldProblem> {
  const out: Record<string, FieldProblem> = {};
  for (const f of form) {
    const p = problemOf(f, values[f.key] ?? "");
    if (p) out[f.key] = p;
  }
  return out;
}

/** bid.json `fields`: money as fen (decimal string), integers as numbers, empty optional fields left out. */
export function toBidFields(form: OpeningForm, values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of form) {
    const v = values[f.key];
    if (v === undefined) continue;
    if (f.type === "person") {
      const p = v as { name: string; idNumber: string };
      if (p.name.trim() || p.idNumber.trim()) out[f.key] = { name: p.name.trim(), idNumber: p.idNumber.trim().toUpperCase() };
      continue;
    }
    const s = (v as string).trim();
    if (s === "") continue;
    if (f.type === "money") {
      const parsed = validateYuan(s);
      if (parsed.ok) out[f.key] = fenToJson(parsed.value);
    } else if (f.type === "integer") out[f.key] = Number(s);
    else out[f.key] = s;
  }
  return out;
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
  const problems = formProblems(form, values);
  const set = (key: string, v: FieldValue) => onChange({ ...values, [key]: v });
  return (
    <div className="opening-form" data-testid="opening-form">
      {form.map((f) => {
        const id = `field-${f.key}`;
        const problem = showProblems ? problems[f.key] : undefined;
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
        const error = problem ? (
          <span className="field-error" role="alert" id={`${id}-error`}>
            {t(`bidding.form.${problem}`)}
          </span>
        ) : null;
        const common = { disabled, "aria-invalid": problem ? true : undefined, "aria-describedby": problem ? `${id}-error` : undefined };
        if (f.type === "person") {
          const v = values[f.key] as { name: string; idNumber: string };
          return (
            <fieldset key={f.key} className="opening-form__person">
              <legend>{label}</legend>
              <label>
                {t("bidding.form.personName")}
                <input
                  {...common}
                  aria-label={`${f.label} · ${t("bidding.form.personName")}`}
                  value={v.name}
                  maxLength={50}
                  onChange={(e) => set(f.key, { ...v, name: e.target.value })}
                />
              </label>
              <label>
                {t("bidding.form.personId")}
                <input
                  {...common}
                  className="mono"
                  aria-label={`${f.label} · ${t("bidding.form.personId")}`}
                  value={v.idNumber}
                  maxLength={18}
                  onChange={(e) => set(f.key, { ...v, idNumber: e.target.value })}
                />
              </label>
              {error}
            </fieldset>
          );
        }
        const v = values[f.key] as string;
        return (
          <div key={f.key} className="opening-form__field">
            <label htmlFor={id}>{label}</label>
            {f.type === "enum" ? (
              <select id={id} {...common} value={v} onChange={(e) => set(f.key, e.target.value)}>
                <option value="">{t("bidding.form.choose")}</option>
                {f.options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : f.type === "text" && f.maxLength > 200 ? (
              <textarea id={id} {...common} value={v} maxLength={f.maxLength} rows={3} onChange={(e) => set(f.key, e.target.value)} />
            ) : (
              <span className="opening-form__input">
                <input
                  id={id}
                  {...common}
                  type={f.type === "date" ? "date" : "text"}
                  inputMode={f.type === "money" || f.type === "decimal" ? "decimal" : f.type === "integer" ? "numeric" : undefined}
                  className={f.type === "money" || f.type === "integer" || f.type === "decimal" ? "mono" : undefined}
                  value={v}
                  maxLength={f.type === "text" ? f.maxLength : 40}
                  onChange={(e) => set(f.key, e.target.value)}
                />
                {f.type === "money" ? <span className="unit">{t("bidding.form.yuan")}</span> : null}
              </span>
            )}
            {f.type === "money" ? <MoneyCapitals value={v} /> : null}
            {f.type === "money" ? <span className="hint">{t("bidding.form.priceHint")}</span> : null}
            {f.type === "decimal" ? <span className="hint">{t("bidding.form.decimalHint", { scale: f.scale })}</span> : null}
            {f.type === "integer" && f.min !== undefined && f.max !== undefined ? (
              <span className="hint">{t("bidding.form.integerRange", { min: f.min, max: f.max })}</span>
            ) : null}
            {error}
          </div>
        );
      })}
    </div>
  );
}
