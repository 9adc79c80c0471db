import { useState } from "react";
import { useTranslation } from "react-i18next";
import { deleteCertificate, type StoredCertificate } from "#app/crypto/pki/key-store.ts";

/**
 * What this browser holds: the certificates whose non-extractable keys are in IndexedDB. Removing
 * one asks first (issue 13), saying whether it is the only key here and whether a backup exists.
 */
export function LocalCertificates({ certificates, onChange }: { certificates: StoredCertificate[] | null; onChange: () => void }) {
  const { t, i18n } = useTranslation();
  const [asking, setAsking] = useState<string | null>(null);
  const date = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language === "en" ? "en-GB" : "zh-CN", { dateStyle: "medium" }).format(new Date(iso));
  const backupText = (c: StoredCertificate) =>
    c.origin === "enrolment" && c.backupFileName
      ? t("certificates.local.backupOffered", { file: c.backupFileName })
      : c.origin === "backup"
        ? t("certificates.local.backupImported", { file: c.backupFileName ?? "" })
        : t("certificates.local.backupUnknown");
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
                  {asking === c.serialHex ? (
                    <div className="alert alert--warning stack-sm" role="alertdialog" data-testid="confirm-remove">
                      <strong>{t("certificates.local.confirmTitle", { serial: c.serialHex.toUpperCase(), name: c.personName })}</strong>
                      <p data-testid="remove-only-key" data-only={certificates.length === 1}>
                        {certificates.length === 1
                          ? t("certificates.local.onlyKey")
                          : t("certificates.local.notOnlyKey", { count: certificates.length - 1 })}
                      </p>
                      <p data-testid="remove-backup" data-origin={c.origin ?? "unknown"}>
                        {backupText(c)}
                      </p>
                      <div className="inline-fields">
                        <button
                          type="button"
                          className="button button--small button--danger"
                          onClick={() =>
                            void deleteCertificate(c.serialHex).then(() => {
                              setAsking(null);
                              onChange();
                            })
                          }
                        >
                          {t("certificates.local.confirmRemove")}
                        </button>
                        <button type="button" className="button button--small" onClick={() => setAsking(null)}>
                          {t("certificates.local.cancel")}
                        </button>
                      </div>
                    </div>
                  ) : (
                    <button type="button" className="button button--small" onClick={() => setAsking(c.serialHex)}>
                      {t("certificates.local.remove")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
