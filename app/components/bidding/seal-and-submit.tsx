import { Link, useNavigate } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import * as tus from "tus-js-client";
import { browserDeviceFingerprint } from "#app/crypto/bid-package/browser-device.ts";
import { BROWSER_SEAL_LIMIT, sealBid, type SealStage } from "#app/crypto/bid-package/seal-bid.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import type { OpeningForm } from "#app/domain/tendering/opening-form.ts";
import { errorMessage, useCsrfToken } from "#app/components/certificates/api.ts";
import { useLocalCertificates } from "#app/components/certificates/use-local-certificates.ts";
import { useServerNow } from "#app/components/server-time.tsx";
import { emptyValues, formProblems, OpeningFormInputs, toBidFields, type FormValues } from "./opening-form-inputs.tsx";
import { formatBytes, ProgressBar } from "./progress-bar.tsx";

/** The sealing kit as the loader sends it (app/services/bidding/get-sealing-kit.server.ts). */
export interface SealingKitView {
  section: { id: string; code: string; name: string; deadlineAt: string };
  bidder: { uscc: string; name: string };
  form: OpeningForm;
  security: { amountFen: string; forms: string[]; creditCommitmentAllowed: boolean };
  recipients: { serialHex: string; subjectName: string; certificatePem: string; notAfter: string }[];
  issuingCaPem: string;
}

type SecurityKind = "guarantee" | "credit-commitment";

type Step =
  | { kind: "editing" }
  | { kind: "sealing"; stage: SealStage }
  | { kind: "sealed"; envelope: Uint8Array<ArrayBuffer>; packageDigest: string; backupUrl: string }
  | {
      kind: "uploading";
      envelope: Uint8Array<ArrayBuffer>;
      packageDigest: string;
      backupUrl: string;
      sent: number;
      total: number;
      retrying: boolean;
    }
  | { kind: "finishing"; backupUrl: string }
  | { kind: "failed"; message: string; previous: Step };

const TOOL = { name: "bidhall-browser", version: "1" };

/** Our upload endpoint answers refusals as `{ error: { code, message } }` (app/web/uploads.server.ts). */
function refusalOf(e: unknown): { code: string; message: string } | null {
  const body = (e as tus.DetailedError).originalResponse?.getBody();
  try {
    return (JSON.parse(body ?? "") as { error: { code: string; message: string } }).error;
  } catch {
    return null;
  }
}

/**
 * Sealing and submitting in the browser (ARCHITECTURE.md §4): fill the opening form, attach
 * documents, declare the bid security, seal with this computer's certificate (WebCrypto, the key
 * never leaves IndexedDB), offer the plaintext backup, upload over tus with progress and automatic
 * resume, then show the receipt. The platform only ever receives ciphertext.
 */
export function SealAndSubmit({ kit }: { kit: SealingKitView }) {
  const { t, i18n } = useTranslation();
  const csrf = useCsrfToken();
  const navigate = useNavigate();
  const now = useServerNow();
  const { certificates } = useLocalCertificates();
  const [values, setValues] = useState<FormValues>(() => emptyValues(kit.form));
  const [files, setFiles] = useState<File[]>([]);
  const securityKinds = useMemo<SecurityKind[]>(() => {
    const kinds: SecurityKind[] = [];
    if (kit.security.forms.includes("guarantee") || !kit.security.forms.includes("creditCommitment")) kinds.push("guarantee");
    if (kit.security.creditCommitmentAllowed) kinds.push("credit-commitment");
    return kinds;
  }, [kit.security]);
  const [securityKind, setSecurityKind] = useState<SecurityKind>(securityKinds[0] ?? "guarantee");
  const [securityReference, setSecurityReference] = useState("");
  const [serial, setSerial] = useState<string>("");
  const [showProblems, setShowProblems] = useState(false);
  const [step, setStep] = useState<Step>({ kind: "editing" });
  const [backupSaved, setBackupSaved] = useState(false);
  const uploadRef = useRef<tus.Upload | null>(null);

  // Only this organisation's own, valid certificates can sign (the kit lists exactly those).
  const usable = useMemo(() => {
    const serials = new Set(kit.recipients.map((r) => r.serialHex.toLowerCase()));
    return (certificates ?? []).filter((c) => serials.has(c.serialHex.toLowerCase()) && Date.parse(c.notAfter) > now.getTime());
  }, [certificates, kit.recipients, now]);
  useEffect(() => {
    if (!serial && usable[0]) setSerial(usable[0].serialHex);
  }, [serial, usable]);

  const backupUrl = step.kind === "sealed" || step.kind === "uploading" || step.kind === "finishing" ? step.backupUrl : null;
  useEffect(() => () => void (backupUrl && URL.revokeObjectURL(backupUrl)), [backupUrl]);
  useEffect(() => () => void uploadRef.current?.abort(), []);

  const totalSize = files.reduce((n, f) => n + f.size, 0);
  const tooLarge = totalSize > BROWSER_SEAL_LIMIT;
  const busy = step.kind === "sealing" || step.kind === "uploading" || step.kind === "finishing";

  function addFiles(list: FileList | null) {
    if (!list) return;
    const names = new Set(files.map((f) => f.name.normalize("NFC")));
    setFiles([...files, ...Array.from(list).filter((f) => !names.has(f.name.normalize("NFC")))]);
  }

  async function seal() {
    setShowProblems(true);
    const problems = formProblems(kit.form, values);
    if (Object.keys(problems).length > 0)
      return setStep({ kind: "failed", message: t("bidding.seal.fixForm"), previous: { kind: "editing" } });
    if (!securityReference.trim()) return setStep({ kind: "failed", message: t("bidding.seal.noSecurity"), previous: { kind: "editing" } });
    const certificate = usable.find((c) => c.serialHex === serial);
    if (!certificate || tooLarge) return;
    try {
      setStep({ kind: "sealing", stage: { stage: "hashing", done: 0, total: files.length } });
      const documents = [];
      for (const f of files) documents.push({ path: f.name.normalize("NFC"), bytes: new Uint8Array(await f.arrayBuffer()) });
      const sealed = await sealBid({
        bid: {
          format: "bidhall.bid/1",
          sectionId: kit.section.id,
          bidder: kit.bidder,
          fields: toBidFields(kit.form, values),
          security: { kind: securityKind, reference: securityReference.trim() },
        },
        documents,
        signer: {
          certificatePem: certificate.certificatePem,
          issuingCaPem: certificate.chainPem[0] ?? kit.issuingCaPem,
          key: certificate.signingKey,
        },
        recipientsPem: kit.recipients.map((r) => r.certificatePem),
        deviceFingerprint: await browserDeviceFingerprint(),
        tool: TOOL,
        sealedAt: now,
        onStage: (stage) => setStep({ kind: "sealing", stage }),
      });
      const url = URL.createObjectURL(new Blob([sealed.packageBytes.slice()], { type: "application/zip" }));
      setBackupSaved(false);
      setStep({ kind: "sealed", envelope: sealed.envelope, packageDigest: sealed.packageDigest, backupUrl: url });
    } catch (e) {
      setStep({ kind: "failed", message: t("bidding.seal.failed", { message: errorMessage(e) }), previous: { kind: "editing" } });
    }
  }

  function upload(sealed: Extract<Step, { kind: "sealed" }>) {
    // A unique file name keeps tus from resuming another envelope of the same size.
    const file = new File([sealed.envelope], `bid-${sealed.packageDigest.slice(0, 16)}-${Date.now()}.p7m`, {
      type: "application/pkcs7-mime",
      lastModified: Date.now(),
    });
    const base = { ...sealed, kind: "uploading" as const, sent: 0, total: file.size, retrying: false };
    setStep(base);
    const u = new tus.Upload(file, {
      endpoint: "/api/uploads",
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      removeFingerprintOnSuccess: true,
      metadata: {
        sectionId: kit.section.id,
        packageDigest: sealed.packageDigest,
        filename: file.name,
        securityKind,
        securityReference: securityReference.trim(),
      },
      headers: { "x-csrf-token": csrf, "accept-language": i18n.language },
      // Our refusals (deadline passed, wrong recipients…) are final; a broken connection is not.
      onShouldRetry: (err) => {
        if (refusalOf(err)) return false;
        setStep((s) => (s.kind === "uploading" ? { ...s, retrying: true } : s));
        return true;
      },
      onProgress: (sent, total) => setStep((s) => (s.kind === "uploading" ? { ...s, sent, total: total ?? s.total, retrying: false } : s)),
      onChunkComplete: (_chunk, accepted, total) => {
        if (accepted === total) setStep({ kind: "finishing", backupUrl: sealed.backupUrl });
      },
      onSuccess: (payload) => {
        const body = JSON.parse(payload.lastResponse.getBody() ?? "{}") as { receipt?: { receiptNo: string } };
        if (body.receipt) navigate(`/receipts/${body.receipt.receiptNo}`);
      },
      onError: (e) => {
        const refusal = refusalOf(e);
        const message = refusal
          ? t("bidding.upload.refused", { message: refusal.message })
          : t("bidding.upload.failed", { message: e.message });
        setStep({
          kind: "failed",
          message,
          previous: { kind: "sealed", envelope: sealed.envelope, packageDigest: sealed.packageDigest, backupUrl: sealed.backupUrl },
        });
      },
    });
    uploadRef.current = u;
    u.start();
  }

  const shown = step.kind === "failed" ? step.previous : step;
  return (
    <div className="stack bid-form" data-testid="seal-and-submit" data-step={step.kind}>
      <section className="panel">
        <h2>{t("bidding.form.title")}</h2>
        <OpeningFormInputs form={kit.form} values={values} onChange={setValues} showProblems={showProblems} disabled={busy} />
      </section>

      <section className="panel">
        <h2>{t("bidding.security.title")}</h2>
        <p className="muted">
          {kit.security.amountFen === "0"
            ? t("bidding.security.none")
            : t("bidding.security.amount", { amount: formatYuan(BigInt(kit.security.amountFen)) })}
        </p>
        <div className="inline-fields">
          <label>
            {t("bidding.security.kind")}
            <select value={securityKind} disabled={busy} onChange={(e) => setSecurityKind(e.target.value as SecurityKind)}>
              {securityKinds.map((k) => (
                <option key={k} value={k}>
                  {t(k === "guarantee" ? "bidding.security.guarantee" : "bidding.security.creditCommitment")}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("bidding.security.reference")}
            <input value={securityReference} maxLength={200} disabled={busy} onChange={(e) => setSecurityReference(e.target.value)} />
          </label>
        </div>
        {kit.security.forms.includes("creditCommitment") && !kit.security.creditCommitmentAllowed ? (
          <p className="muted">{t("bidding.security.creditNotAllowed")}</p>
        ) : null}
      </section>

      <section className="panel">
        <h2>{t("bidding.documents.title")}</h2>
        <p className="muted">{t("bidding.documents.hint")}</p>
        <label className="button">
          {t("bidding.documents.choose")}
          <input type="file" multiple hidden disabled={busy} data-testid="documents-input" onChange={(e) => addFiles(e.target.files)} />
        </label>
        {files.length === 0 ? (
          <p className="muted">{t("bidding.documents.none")}</p>
        ) : (
          <table className="table table--compact" data-testid="documents">
            <tbody>
              {files.map((f) => (
                <tr key={f.name}>
                  <td>{f.name}</td>
                  <td className="mono nowrap">{formatBytes(f.size)}</td>
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      disabled={busy}
                      onClick={() => setFiles(files.filter((x) => x !== f))}
                    >
                      {t("bidding.documents.remove")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <td colSpan={3}>{t("bidding.documents.total", { size: formatBytes(totalSize) })}</td>
              </tr>
            </tfoot>
          </table>
        )}
        {tooLarge ? (
          <div className="alert alert--warning" role="alert" data-testid="too-large">
            {t("bidding.documents.tooLarge", { size: formatBytes(totalSize) })}{" "}
            <Link to="/api-tokens">{t("bidding.documents.offlineLink")}</Link>
          </div>
        ) : null}
      </section>

      <section className="panel">
        <h2>{t("bidding.signer.title")}</h2>
        {certificates !== null && usable.length === 0 ? (
          <div className="alert alert--warning" data-testid="no-certificate">
            {t("bidding.signer.none")} <Link to="/certificates">{t("bidding.signer.certificatesLink")}</Link>
          </div>
        ) : (
          <label>
            {t("bidding.signer.choose")}
            <select value={serial} disabled={busy} onChange={(e) => setSerial(e.target.value)}>
              {usable.map((c) => (
                <option key={c.serialHex} value={c.serialHex}>
                  {c.personName} · {c.serialHex.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
        )}
        <p className="muted">{t("bidding.signer.recipients", { count: kit.recipients.length })}</p>
        <ul className="muted" data-testid="recipients">
          {kit.recipients.map((r) => (
            <li key={r.serialHex}>
              {r.subjectName} <span className="mono">{r.serialHex.toUpperCase()}</span>
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="button button--primary"
          disabled={busy || !serial || tooLarge || usable.length === 0}
          onClick={() => void seal()}
        >
          {t("bidding.seal.button")}
        </button>
        {step.kind === "sealing" ? <SealProgress stage={step.stage} /> : null}
        {step.kind === "failed" ? (
          <div className="alert alert--error" role="alert" data-testid="seal-error">
            {step.message}
          </div>
        ) : null}
      </section>

      {shown.kind === "sealed" || shown.kind === "uploading" || shown.kind === "finishing" ? (
        <section className="panel" data-testid="sealed">
          <h2>{t("bidding.seal.done")}</h2>
          {"packageDigest" in shown ? (
            <p>
              {t("bidding.seal.packageDigest")} <code data-testid="package-digest">{shown.packageDigest}</code>
            </p>
          ) : null}
          <div className="alert alert--warning" data-testid="backup-warning">
            <strong>{t("bidding.backup.title")}</strong>
            <p>{t("bidding.backup.warning")}</p>
            <a
              className="button"
              href={shown.backupUrl}
              download={`投标文件备份-${kit.section.code}-未加密.zip`}
              onClick={() => setBackupSaved(true)}
              data-testid="backup-download"
            >
              {backupSaved ? t("bidding.backup.downloaded") : t("bidding.backup.download")}
            </a>
          </div>
          {shown.kind === "sealed" ? (
            <button type="button" className="button button--primary" onClick={() => upload(shown)} data-testid="upload">
              {t("bidding.upload.button")}
            </button>
          ) : null}
          {shown.kind === "uploading" ? (
            <div data-testid="upload-progress">
              <ProgressBar value={shown.sent} max={shown.total} />
              <p aria-live="polite">
                {shown.retrying
                  ? t("bidding.upload.retrying")
                  : t("bidding.upload.uploading", {
                      sent: formatBytes(shown.sent),
                      total: formatBytes(shown.total),
                      percent: Math.floor((shown.sent / Math.max(1, shown.total)) * 100),
                    })}
              </p>
            </div>
          ) : null}
          {shown.kind === "finishing" ? (
            <div data-testid="upload-progress">
              <ProgressBar value={1} max={1} />
              <p aria-live="polite">{t("bidding.upload.finishing")}</p>
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function SealProgress({ stage }: { stage: SealStage }) {
  const { t } = useTranslation();
  const order = ["hashing", "packaging", "encrypting", "done"] as const;
  const at = order.indexOf(stage.stage);
  return (
    <div data-testid="seal-progress">
      <ProgressBar value={at + (stage.stage === "hashing" && stage.total > 0 ? stage.done / stage.total : 0)} max={order.length - 1} />
      <ol className="progress-steps">
        {order.slice(0, 3).map((s, i) => (
          <li key={s} className={`progress-steps__item progress-steps__item--${i < at ? "done" : i === at ? "current" : "todo"}`}>
            {s === "hashing"
              ? t("bidding.seal.hashing", stage.stage === "hashing" ? { done: stage.done, total: stage.total } : { done: "✓", total: "✓" })
              : t(`bidding.seal.${s}`)}
          </li>
        ))}
      </ol>
    </div>
  );
}
