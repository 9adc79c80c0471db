import { useState } from "react";
import { useTranslation } from "react-i18next";
import { base64ToBytes, bytesToBase64 } from "#app/crypto/pki/der.ts";
import { getCertificate } from "#app/crypto/pki/key-store.ts";
import { signChallenge } from "#app/crypto/pki/key-possession.ts";
import { errorCode, errorMessage, postJson, useCsrfToken } from "./api.ts";
import { CertificateChoice } from "./certificate-choice.tsx";
import { ImportBackupPanel } from "./import-backup-panel.tsx";
import { useLocalCertificates } from "./use-local-certificates.ts";

/**
 * Certificate login (CA 登录): the browser lists the certificates it holds, asks the server for a
 * one-time challenge, signs it with the chosen certificate's non-extractable key (under the
 * key-possession label, app/crypto/pki/key-possession.ts) and posts the signature.
 */
export function CertificateLogin({ redirectTo }: { redirectTo: string | null }) {
  const { t, i18n } = useTranslation();
  const csrf = useCsrfToken();
  const { certificates, refresh } = useLocalCertificates();
  const [chosen, setChosen] = useState<string | null>(null);
  const [state, setState] = useState<{ kind: "idle" } | { kind: "signing" } | { kind: "failed"; message: string; code: string }>({
    kind: "idle",
  });
  const selected = chosen ?? certificates?.[0]?.serialHex ?? null;

  async function logIn() {
    if (!selected) return;
    setState({ kind: "signing" });
    try {
      const record = await getCertificate(selected);
      if (!record) throw new Error("certificate not found on this computer");
      const { id, challenge } = await postJson<{ id: string; challenge: string }>("/api/auth/challenge", {}, csrf);
      const signature = await signChallenge(record.signingKey, base64ToBytes(challenge), globalThis.crypto.subtle);
      const result = await postJson<{ redirectTo: string }>(
        "/api/auth/certificate-login",
        { challengeId: id, serial: record.serialHex, signature: bytesToBase64(signature), redirectTo: redirectTo ?? undefined },
        csrf,
      );
      window.location.assign(result.redirectTo);
    } catch (e) {
      setState({ kind: "failed", message: errorMessage(e), code: errorCode(e) });
    }
  }

  const date = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language === "en" ? "en-GB" : "zh-CN", { dateStyle: "medium" }).format(new Date(iso));
  return (
    <section className="panel auth-panel" data-testid="certificate-login">
      <h2>{t("certificates.login.title")}</h2>
      <p className="muted">{t("certificates.login.intro")}</p>
      {certificates === null ? null : certificates.length === 0 ? (
        <p className="muted" data-testid="no-local-certificates">
          {t("certificates.login.none")}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void logIn();
          }}
        >
          <fieldset>
            <legend>{t("certificates.login.choose")}</legend>
            <CertificateChoice
              certificates={certificates}
              selected={selected}
              onChoose={setChosen}
              validUntil={(c) => t("certificates.login.validUntil", { date: date(c.notAfter) })}
            />
          </fieldset>
          {state.kind === "failed" ? (
            <div className="alert alert--error" role="alert" data-error-code={state.code}>
              {t("certificates.login.failed", { message: state.message })}
            </div>
          ) : null}
          <button type="submit" className="button button--primary" disabled={state.kind === "signing"}>
            {state.kind === "signing" ? t("certificates.login.signing") : t("certificates.login.submit")}
          </button>
        </form>
      )}
      <details className="import-details">
        <summary>{t("certificates.import.title")}</summary>
        <ImportBackupPanel onStored={refresh} embedded />
      </details>
    </section>
  );
}
