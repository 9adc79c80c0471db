import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { sealedDocuments, sealedRows, type SealedRecord } from "./sealed-record.ts";
import { formatBytes } from "./progress-bar.tsx";

/**
 * Exactly what was sealed (decision 44): every field of the opening form as it will be read out
 * (the price in figures and in 人民币大写), the bid security, each document with its size and
 * SHA-256, the signing certificate. The sealing page shows it in place of the inputs while the
 * envelope waits; the receipt page shows it beside the platform's digests.
 */
export function SealedBidSummary({ record }: { record: SealedRecord }) {
  const { t } = useTranslation();
  const documents = sealedDocuments(record);
  return (
    <div className="sealed-summary" data-testid="sealed-summary" data-package-digest={record.packageDigest}>
      <table className="table sealed-summary__fields">
        <tbody>
          {sealedRows(record).map((row) => (
            <tr key={row.key} data-testid={`sealed-field-${row.key}`}>
              <th scope="row">{row.label}</th>
              <td>
                {row.value === null ? (
                  <span className="muted">{t("bidding.sealed.empty")}</span>
                ) : row.capitals ? (
                  <>
                    <span className="mono sealed-summary__figures" data-testid={`sealed-${row.key}-figures`}>
                      {row.value}
                    </span>{" "}
                    {t("bidding.form.yuan")}
                    <span className="money-capitals sealed-summary__capitals" data-testid={`sealed-${row.key}-capitals`}>
                      {row.capitals}
                    </span>
                  </>
                ) : (
                  <span className="sealed-summary__value">{row.value}</span>
                )}
              </td>
            </tr>
          ))}
          <tr data-testid="sealed-security">
            <th scope="row">{t("bidding.security.title")}</th>
            <td>
              {t(record.security.kind === "guarantee" ? "bidding.security.guarantee" : "bidding.security.creditCommitment")}{" "}
              <span className="sealed-summary__value">{record.security.reference}</span>
            </td>
          </tr>
          <tr>
            <th scope="row">{t("bidding.sealed.signer")}</th>
            <td>
              {record.signer.personName} <span className="mono">{record.signer.serialHex.toUpperCase()}</span>
            </td>
          </tr>
          <tr>
            <th scope="row">{t("bidding.sealed.sealedAt")}</th>
            <td>
              <ShanghaiTime at={record.sealedAt} />
            </td>
          </tr>
        </tbody>
      </table>
      <h3>{t("bidding.sealed.documents", { count: documents.length })}</h3>
      {documents.length === 0 ? (
        <p className="muted">{t("bidding.sealed.noDocuments")}</p>
      ) : (
        <ul className="sealed-summary__documents" data-testid="sealed-documents">
          {documents.map((d) => (
            <li key={d.name}>
              <span className="sealed-summary__value">{d.name}</span> <span className="mono nowrap">{formatBytes(d.size)}</span>
              <span className="sealed-summary__hash mono">SHA-256 {d.sha256}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
