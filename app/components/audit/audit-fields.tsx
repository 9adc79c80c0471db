import { useTranslation } from "react-i18next";

/** An audit event type in words, its code below (the filter and the CLI use the code). */
export function AuditType({ type }: { type: string }) {
  const { t } = useTranslation();
  const label = t(`auditTypes.${type}`, { defaultValue: "" });
  return (
    <span className="audit-type">
      {label || type}
      {label ? <code>{type}</code> : null}
    </span>
  );
}

const show = (v: unknown): string => {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return v.map(show).join("、");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
};

/**
 * An audit row's data as labelled fields (issue 13). Known keys get their name in the page's
 * language; any other key is shown as it is stored, so nothing in the row is hidden.
 */
export function AuditFields({ data }: { data: string }) {
  const { t } = useTranslation();
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return <code className="audit-data">{data}</code>;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return <code className="audit-data">{data}</code>;
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0) return <span className="muted">{t("ui.audit.noData")}</span>;
  return (
    <dl className="audit-fields">
      {entries.map(([key, value]) => (
        <div key={key} className="audit-fields__row" data-field={key}>
          <dt>{t(`ui.audit.fields.${key}`, { defaultValue: key })}</dt>
          <dd className={typeof value === "string" && /^[0-9a-f-]{20,}$/i.test(value) ? "mono" : undefined}>{show(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
