import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "../csrf-input.tsx";
import { ShanghaiTime } from "../server-time.tsx";

export const REVOCATION_REASONS = ["keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation", "unspecified"] as const;

export interface CertificateRow {
  serialHex: string;
  subjectName: string;
  personEmail: string;
  organisationName: string;
  notBefore: Date | string;
  notAfter: Date | string;
  fingerprint256: string;
  state: "valid" | "expired" | "revoked";
  revokedAt: Date | string | null;
  revocationReason: string | null;
}

/**
 * Certificates with their derived state; `local` (serials held in this browser, null while
 * unknown) adds the "this computer" column; valid ones get a revoke form posting to the page.
 */
export function CertificateTable({
  rows,
  showHolder,
  local,
  busy,
}: {
  rows: CertificateRow[];
  showHolder: boolean;
  local?: ReadonlySet<string> | null;
  busy: boolean;
}) {
  const { t } = useTranslation();
  if (rows.length === 0) return <p className="muted">{t("certificates.none")}</p>;
  return (
    <table className="table" data-testid="certificate-table">
      <thead>
        <tr>
          <th>{t("certificates.serial")}</th>
          {showHolder ? <th>{t("certificates.holder")}</th> : null}
          <th>{t("certificates.organisation")}</th>
          <th>{t("certificates.validity")}</th>
          <th>{t("certificates.state")}</th>
          {local !== undefined ? <th>{t("certificates.onThisComputer")}</th> : null}
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.serialHex} data-testid={`certificate-${c.serialHex}`} data-state={c.state}>
            <td>
              <code className="serial">{c.serialHex.toUpperCase()}</code>
              <br />
              <small className="muted mono fingerprint" title={`SHA-256 ${c.fingerprint256}`}>
                SHA-256 {c.fingerprint256.slice(0, 23)}…
              </small>
            </td>
            {showHolder ? (
              <td>
                {c.subjectName}
                <br />
                <small className="muted">{c.personEmail}</small>
              </td>
            ) : null}
            <td>{c.organisationName}</td>
            <td className="nowrap">
              <ShanghaiTime at={c.notBefore} />
              <br />
              <ShanghaiTime at={c.notAfter} />
            </td>
            <td>
              <span className={`badge badge--cert-${c.state}`}>{t(`certificates.states.${c.state}`)}</span>
              {c.revokedAt ? (
                <>
                  <br />
                  <small className="muted">
                    <ShanghaiTime at={c.revokedAt} />
                    {c.revocationReason
                      ? ` · ${t(`certificates.reasons.${c.revocationReason}`, { defaultValue: c.revocationReason })}`
                      : null}
                  </small>
                </>
              ) : null}
            </td>
            {local !== undefined ? (
              <td data-testid="on-this-computer">
                {local === null ? "…" : local.has(c.serialHex) ? t("certificates.onThisComputerYes") : t("certificates.onThisComputerNo")}
              </td>
            ) : null}
            <td>
              {c.state === "valid" ? (
                <Form
                  method="post"
                  className="decision-form"
                  onSubmit={(e) => {
                    if (!window.confirm(t("certificates.confirmRevoke"))) e.preventDefault();
                  }}
                >
                  <CsrfInput />
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="serial" value={c.serialHex} />
                  <select name="reason" aria-label={t("certificates.revokeReason")} defaultValue="keyCompromise">
                    {REVOCATION_REASONS.map((r) => (
                      <option key={r} value={r}>
                        {t(`certificates.reasons.${r}`)}
                      </option>
                    ))}
                  </select>
                  <button type="submit" className="button button--small button--danger" disabled={busy}>
                    {t("certificates.revoke")}
                  </button>
                </Form>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
