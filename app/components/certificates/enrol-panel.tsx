import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { buildCsr, generateEnrolmentKey } from "#app/crypto/pki/enrolment.ts";
import { buildPkcs12Backup } from "#app/crypto/pki/pkcs12.ts";
import { errorCode, errorMessage, postJson, useCsrfToken } from "./api.ts";
import { downloadFile, storeNonExtractable } from "./store-keys.ts";

export const MIN_BACKUP_PASSWORD = 10;

interface Issued {
  serialHex: string;
  certificatePem: string;
  chainPem: string[];
  notAfter: string;
  personName: string;
  organisationName: string;
}

type Step =
  | { kind: "form" }
  | { kind: "generating" }
  | { kind: "requesting" }
  | { kind: "packing"; serial: string }
  | { kind: "downloaded"; serial: string; url: string; fileName: string }
  | { kind: "importing"; serial: string }
  | { kind: "done"; serial: string }
  | { kind: "failed"; message: string; code: string };

/** Held between "downloaded" and "saved": the only moment the extractable key exists. */
interface Pending {
  pkcs8Der: Uint8Array<ArrayBuffer>;
  issued: Issued;
}

/**
 * Enrolment in the order of ARCHITECTURE.md §3: an extractable RSA-3072 key generated here → CSR
 * → certificate from the server → encrypted PKCS#12 backup with the person's password, downloaded
 * → only then the key imported as non-extractable CryptoKeys into IndexedDB, and the extractable
 * copy dropped.
 */
export function EnrolPanel({ personName, onStored }: { personName: string; onStored: () => void }) {
  const { t } = useTranslation();
  const csrf = useCsrfToken();
  const [step, setStep] = useState<Step>({ kind: "form" });
  const [problem, setProblem] = useState<string | null>(null);
  const pending = useRef<Pending | null>(null);
  // Leaving the page drops the key material still held.
  useEffect(
    () => () => {
      pending.current?.pkcs8Der.fill(0);
      pending.current = null;
    },
    [],
  );

  async function enrol(form: HTMLFormElement) {
    const data = new FormData(form);
    const password = String(data.get("password") ?? "");
    const confirm = String(data.get("confirm") ?? "");
    if (password.length < MIN_BACKUP_PASSWORD) return setProblem(t("certificates.enrol.tooShort"));
    if (password !== confirm) return setProblem(t("certificates.enrol.mismatch"));
    setProblem(null);
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) return setStep({ kind: "failed", message: t("certificates.enrol.unsupported"), code: "NO_WEBCRYPTO" });
    try {
      setStep({ kind: "generating" });
      const keyPair = await generateEnrolmentKey(subtle);
      const csr = await buildCsr(keyPair, subtle, { commonName: personName });
      setStep({ kind: "requesting" });
      const issued = await postJson<Issued>("/api/certificates/enrol", { csr }, csrf);
      setStep({ kind: "packing", serial: issued.serialHex });
      await nextFrame(); // let the progress show: the PKCS#12 key derivation blocks for a moment
      const pkcs8Der = new Uint8Array(await subtle.exportKey("pkcs8", keyPair.privateKey));
      const p12 = buildPkcs12Backup({
        privateKeyPkcs8Der: pkcs8Der,
        certificatePem: issued.certificatePem,
        chainPem: issued.chainPem,
        password,
        friendlyName: `${issued.personName} — ${issued.organisationName}`,
      });
      form.reset();
      pending.current = { pkcs8Der, issued };
      const fileName = `bidhall-${issued.personName}-${issued.serialHex.slice(0, 8)}.p12`;
      const url = downloadFile(p12, fileName, "application/x-pkcs12");
      setStep({ kind: "downloaded", serial: issued.serialHex, url, fileName });
      onStored(); // the server now lists the new certificate
    } catch (e) {
      setStep({ kind: "failed", message: errorMessage(e), code: errorCode(e) });
    }
  }

  async function importHere() {
    const held = pending.current;
    if (!held) return;
    setStep({ kind: "importing", serial: held.issued.serialHex });
    try {
      await storeNonExtractable({
        pkcs8Der: held.pkcs8Der,
        certificatePem: held.issued.certificatePem,
        chainPem: held.issued.chainPem,
        origin: "enrolment",
        backupFileName: step.kind === "downloaded" ? step.fileName : undefined,
      });
      pending.current = null;
      if (step.kind === "downloaded") URL.revokeObjectURL(step.url);
      setStep({ kind: "done", serial: held.issued.serialHex });
      onStored();
    } catch (e) {
      setStep({ kind: "failed", message: errorMessage(e), code: errorCode(e) });
    }
  }

  const busy = step.kind === "generating" || step.kind === "requesting" || step.kind === "packing" || step.kind === "importing";
  return (
    <section className="panel" data-testid="enrol-panel" aria-busy={busy}>
      <h2>{t("certificates.enrol.title")}</h2>
      <p className="muted">{t("certificates.enrol.steps")}</p>
      {step.kind === "form" || step.kind === "failed" ? (
        <form
          className="form-panel"
          onSubmit={(e) => {
            e.preventDefault();
            void enrol(e.currentTarget);
          }}
        >
          <div className="field">
            <label htmlFor="enrol-password">{t("certificates.enrol.password")}</label>
            <input id="enrol-password" name="password" type="password" autoComplete="new-password" />
            <small className="hint">{t("certificates.enrol.passwordHint")}</small>
          </div>
          <div className="field">
            <label htmlFor="enrol-confirm">{t("certificates.enrol.confirm")}</label>
            <input id="enrol-confirm" name="confirm" type="password" autoComplete="new-password" />
          </div>
          {problem ? (
            <ul className="errors" role="alert">
              <li>{problem}</li>
            </ul>
          ) : null}
          {step.kind === "failed" ? (
            <div className="alert alert--error" role="alert" data-error-code={step.code}>
              {t("certificates.enrol.failed", { message: step.message })}
            </div>
          ) : null}
          <button type="submit" className="button button--primary">
            {t("certificates.enrol.start")}
          </button>
        </form>
      ) : null}
      <ol className="progress-steps" data-testid="enrol-progress" data-step={step.kind}>
        {progressLines(step).map(([key, state]) => (
          <li key={key} className={`progress-steps__item progress-steps__item--${state}`}>
            {t(key, { serial: "serial" in step ? step.serial.toUpperCase() : "" })}
          </li>
        ))}
      </ol>
      {step.kind === "downloaded" ? (
        <div className="alert alert--warning" role="status">
          <p>{t("certificates.enrol.downloadReady", { serial: step.serial.toUpperCase() })}</p>
          <p className="actions">
            <a className="button" href={step.url} download={step.fileName}>
              {t("certificates.enrol.download")}
            </a>
            <button type="button" className="button button--primary" onClick={() => void importHere()}>
              {t("certificates.enrol.saved")}
            </button>
          </p>
        </div>
      ) : null}
      {step.kind === "done" ? (
        <div className="alert alert--success" role="status" data-testid="enrol-done">
          {t("certificates.enrol.done", { serial: step.serial.toUpperCase() })}
        </div>
      ) : null}
    </section>
  );
}

const ORDER = ["generating", "requesting", "packing", "downloaded", "importing", "done"] as const;

/** Each step's line: done, current or still to come. */
function progressLines(step: Step): [string, "done" | "current" | "todo"][] {
  if (step.kind === "form" || step.kind === "failed") return [];
  const at = ORDER.indexOf(step.kind);
  const keys: [string, number][] = [
    ["certificates.enrol.generating", 0],
    ["certificates.enrol.requesting", 1],
    ["certificates.enrol.packing", 2],
    ["certificates.enrol.importing", 4],
  ];
  return keys.map(([key, i]) => [key, i < at || step.kind === "done" ? "done" : i === at ? "current" : "todo"]);
}

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 30));
