import { Link } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { SealStage } from "#app/crypto/bid-package/seal-bid.ts";
import type { StoredCertificate } from "#app/crypto/pki/key-store.ts";
import { formatBytes, ProgressBar } from "./progress-bar.tsx";

/**
 * The steps of the sealing page around the inputs: choosing the signing certificate (and seeing
 * whom the bid is encrypted for), the sealing progress, the plaintext backup and the upload's
 * progress.
 */
export function SignerChoice({
  usable,
  serial,
  onSerial,
  recipients,
  disabled,
}: {
  /** This browser's certificates that may sign here; null while IndexedDB is being read. */
  usable: StoredCertificate[] | null;
  serial: string;
  onSerial: (serial: string) => void;
  recipients: { serialHex: string; subjectName: string }[];
  disabled: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      {usable !== null && usable.length === 0 ? (
        <div className="alert alert--warning" data-testid="no-certificate">
          {t("bidding.signer.none")} <Link to="/certificates">{t("bidding.signer.certificatesLink")}</Link>
        </div>
      ) : (
        <label>
          {t("bidding.signer.choose")}
          <select value={serial} disabled={disabled} onChange={(e) => onSerial(e.target.value)}>
            {(usable ?? []).map((c) => (
              <option key={c.serialHex} value={c.serialHex}>
                {c.personName} · {c.serialHex.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
      )}
      <p className="muted">{t("bidding.signer.recipients", { count: recipients.length })}</p>
      <ul className="muted bid-recipients" data-testid="recipients">
        {recipients.map((r) => (
          <li key={r.serialHex}>
            {r.subjectName} <span className="mono">{r.serialHex.toUpperCase()}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function SealProgress({ stage }: { stage: SealStage }) {
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

/** The unencrypted package, offered once per envelope, with the warning that says why it matters. */
export function BackupDownload({ url, sectionCode }: { url: string; sectionCode: string }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  return (
    <div className="alert alert--warning" data-testid="backup-warning">
      <strong>{t("bidding.backup.title")}</strong>
      <p>{t("bidding.backup.warning")}</p>
      <a
        className="button"
        href={url}
        download={`投标文件备份-${sectionCode}-未加密.zip`}
        onClick={() => setSaved(true)}
        data-testid="backup-download"
      >
        {saved ? t("bidding.backup.downloaded") : t("bidding.backup.download")}
      </a>
    </div>
  );
}

export function UploadProgress({
  progress,
}: {
  progress: { kind: "uploading"; sent: number; total: number; retrying: boolean } | { kind: "finishing" };
}) {
  const { t } = useTranslation();
  return (
    <div data-testid="upload-progress">
      {progress.kind === "uploading" ? (
        <>
          <ProgressBar value={progress.sent} max={progress.total} />
          <p aria-live="polite">
            {progress.retrying
              ? t("bidding.upload.retrying")
              : t("bidding.upload.uploading", {
                  sent: formatBytes(progress.sent),
                  total: formatBytes(progress.total),
                  percent: Math.floor((progress.sent / Math.max(1, progress.total)) * 100),
                })}
          </p>
        </>
      ) : (
        <>
          <ProgressBar value={1} max={1} />
          <p aria-live="polite">{t("bidding.upload.finishing")}</p>
        </>
      )}
    </div>
  );
}
