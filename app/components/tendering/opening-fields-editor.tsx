import { useTranslation } from "react-i18next";
import { FIELD_TYPES, type FieldType, type OpeningField } from "#app/domain/tendering/opening-form.ts";

/**
 * The agency's editor of a section's opening form (开标一览表): the fields every bid carries in its
 * envelope and that are read out at the opening. `price` stays a required money field; changing a
 * field's type resets the settings that belong to the type.
 */
export function OpeningFieldsEditor({ fields, onChange }: { fields: OpeningField[]; onChange: (fields: OpeningField[]) => void }) {
  const { t } = useTranslation();
  const set = (i: number, next: OpeningField) => onChange(fields.map((f, j) => (j === i ? next : f)));
  return (
    <table className="table table--compact field-editor" data-testid="opening-form-editor">
      <thead>
        <tr>
          <th>{t("tendering.form.fieldKey")}</th>
          <th>{t("tendering.form.fieldLabel")}</th>
          <th>{t("tendering.form.fieldType")}</th>
          <th>{t("tendering.form.fieldRequired")}</th>
          <th>{t("tendering.form.fieldOptions")}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {fields.map((f, i) => {
          const fixed = f.key === "price";
          return (
            <tr key={i}>
              <td>
                <input
                  aria-label={t("tendering.form.fieldKey")}
                  className="mono"
                  value={f.key}
                  disabled={fixed}
                  onChange={(e) => set(i, { ...f, key: e.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label={t("tendering.form.fieldLabel")}
                  value={f.label}
                  onChange={(e) => set(i, { ...f, label: e.target.value })}
                />
              </td>
              <td>
                <select
                  aria-label={t("tendering.form.fieldType")}
                  value={f.type}
                  disabled={fixed}
                  onChange={(e) => set(i, retype(f, e.target.value as FieldType))}
                >
                  {FIELD_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {t(`tendering.fieldTypes.${type}`)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={t("tendering.form.fieldRequired")}
                  checked={f.required}
                  disabled={fixed}
                  onChange={(e) => set(i, { ...f, required: e.target.checked })}
                />
              </td>
              <td>
                {f.type === "enum" ? (
                  <input
                    aria-label={t("tendering.form.fieldOptions")}
                    value={f.options.join("、")}
                    onChange={(e) => set(i, { ...f, options: e.target.value.split(/[、,，]/).map((o) => o.trim()) })}
                  />
                ) : fixed ? (
                  <span className="muted">{t("tendering.form.priceFixed")}</span>
                ) : null}
              </td>
              <td>
                {fixed ? null : (
                  <button type="button" className="button button--small" onClick={() => onChange(fields.filter((_, j) => j !== i))}>
                    {t("tendering.form.removeField")}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={6}>
            <button
              type="button"
              className="button button--small"
              onClick={() =>
                onChange([...fields, { key: `field${fields.length + 1}`, label: "", type: "text", required: false, maxLength: 200 }])
              }
            >
              {t("tendering.form.addField")}
            </button>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

function retype(f: OpeningField, type: FieldType): OpeningField {
  const base = { key: f.key, label: f.label, required: f.required };
  switch (type) {
    case "money":
    case "date":
    case "person":
      return { ...base, type };
    case "integer":
      return { ...base, type, min: 0 };
    case "decimal":
      return { ...base, type, scale: 2 };
    case "text":
      return { ...base, type, maxLength: 200 };
    case "enum":
      return { ...base, type, options: ["是", "否"] };
  }
}
