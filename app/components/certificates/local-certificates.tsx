import { useTranslation } from "react-i18next";
import { deleteCertificate, type StoredCertificate } from "#app/crypto/pki/key-store.ts";

/** What this browser holds: the certificates whose non-extractable keys are in IndexedDB. */
export function LocalCertificates({ certificates, onChange }: { certificates: StoredCertificate[] | null; onChange: () => void }) {
  const { t, i18n } = useTranslation();
  const date = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language === "en" ? "en-GB" : "zh-CN", { dateStyle: "medium" }).format(new Date(iso));
  return (
    <section className="panel" data-testid="local-certificates">
      <h2>{t("certificates.local.title")}</h2>
      {certificates === null ? null : certificates.length === 0 ? (
        <p className="muted">{t("certificates.local.none")}</p>
      ) : (
        <table className="table table--compact">
          <tbody>
            {certificates.map((c) => (
              <tr key={c.serialHex} data-serial={c.serialHex}>
                <td>
                  <code>{c.serialHex.toUpperCase()}</code>
                </td>
                <td>{c.personName}</td>
                <td>{c.organisationName}</td>
                <td>{t("certificates.login.validUntil", { date: date(c.notAfter) })}</td>
                <td>
                  <button type="button" className="button button--small" onClick={() => void deleteCertificate(c.serialHex).then(onChange)}>
                    {t("certificates.local.remove")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
