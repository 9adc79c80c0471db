import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Pkcs12BackupError, readPkcs12Backup } from "#app/crypto/pki/pkcs12.ts";
import { errorMessage } from "./api.ts";
import { storeNonExtractable } from "./store-keys.ts";

type State =
  | { kind: "idle" }
  | { kind: "reading" }
  | { kind: "done"; serial: string; name: string }
  | { kind: "failed"; message: string; code: string };

/**
 * Another computer: the person chooses their PKCS#12 backup and types its password; the key is
 * imported as non-extractable CryptoKeys exactly as at enrolment. Nothing is sent anywhere.
 */
export function ImportBackupPanel({ onStored, embedded = false }: { onStored: () => void; embedded?: boolean }) {
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ kind: "idle" });

  async function importBackup(form: HTMLFormElement) {
    const data = new FormData(form);
    const file = data.get("backup");
    const password = String(data.get("password") ?? "");
    if (!(file instanceof File) || file.size === 0)
      return setState({ kind: "failed", message: t("certificates.import.chooseFile"), code: "NO_FILE" });
    setState({ kind: "reading" });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      await new Promise((r) => setTimeout(r, 30)); // show progress before forge's key derivation blocks
      const contents = readPkcs12Backup(bytes, password);
      const stored = await storeNonExtractable({
        pkcs8Der: contents.privateKeyPkcs8Der,
        certificatePem: contents.certificatePem,
        chainPem: contents.chainPem,
        origin: "backup",
        backupFileName: file.name,
      });
      form.reset();
      setState({ kind: "done", serial: stored.serialHex, name: stored.personName });
      onStored();
    } catch (e) {
      const message =
        e instanceof Pkcs12BackupError && e.code === "WRONG_PASSWORD"
          ? t("certificates.import.wrongPassword")
          : e instanceof Pkcs12BackupError && e.code === "NOT_PKCS12"
            ? t("certificates.import.notBackup")
            : t("certificates.import.failed", { message: errorMessage(e) });
      setState({ kind: "failed", message, code: e instanceof Pkcs12BackupError ? e.code : "CLIENT_ERROR" });
    }
  }

  const Wrapper = embedded ? "div" : "section";
  return (
    <Wrapper className={embedded ? "embedded-panel" : "panel"} data-testid="import-panel" aria-busy={state.kind === "reading"}>
      {embedded ? null : <h2>{t("certificates.import.title")}</h2>}
      <p className="muted">{t("certificates.import.intro")}</p>
      <form
        className="form-panel"
        onSubmit={(e) => {
          e.preventDefault();
          void importBackup(e.currentTarget);
        }}
      >
        <div className="field">
          <label htmlFor="import-file">{t("certificates.import.file")}</label>
          <input id="import-file" name="backup" type="file" accept=".p12,.pfx,application/x-pkcs12" required />
        </div>
        <div className="field">
          <label htmlFor="import-password">{t("certificates.import.password")}</label>
          <input id="import-password" name="password" type="password" autoComplete="off" required />
        </div>
        {state.kind === "failed" ? (
          <div className="alert alert--error" role="alert" data-error-code={state.code}>
            {state.message}
          </div>
        ) : null}
        {state.kind === "reading" ? (
          <p className="muted" role="status">
            {t("certificates.import.reading")}
          </p>
        ) : null}
        {state.kind === "done" ? (
          <div className="alert alert--success" role="status" data-testid="import-done">
            {t("certificates.import.done", { serial: state.serial.toUpperCase(), name: state.name })}
          </div>
        ) : null}
        <button type="submit" className="button button--primary" disabled={state.kind === "reading"}>
          {t("certificates.import.submit")}
        </button>
      </form>
    </Wrapper>
  );
}
