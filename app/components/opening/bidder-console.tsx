import { SecurityVerification } from "./security-verification.tsx";
import { Link, useRevalidator } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, useCsrfToken } from "#app/components/certificates/api.ts";
import { useLocalCertificates } from "#app/components/certificates/use-local-certificates.ts";
import { ProgressBar, formatBytes } from "#app/components/bidding/progress-bar.tsx";
import { useServerNow } from "#app/components/server-time.tsx";
import type { OpeningView } from "#app/domain/opening/view.ts";
import { decryptOwnBid, signConfirmation, signInWithCertificate, uploadRemedy, type DecryptStep } from "./hall-crypto.ts";
import { useLabels, useObjectionWords } from "./hall-panels.tsx";
import { hallOver, offered } from "./hall-phases.ts";

/**
 * The bidder's console: sign in with this computer's certificate, decrypt the organisation's own
 * bid in the window, use the remedy where it is allowed, and confirm (or object to) the
 * reading-out record by signing its SHA-256. Every step uses the keys in IndexedDB; the page then
 * re-reads the hall (the live event of the step does that for every other screen).
 */
export function BidderConsole({ view, organisationName }: { view: OpeningView; organisationName: string }) {
  const { t } = useTranslation();
  const words = useObjectionWords(view);
  const labels = useLabels(view.section.procurementType);
  const csrf = useCsrfToken();
  const now = useServerNow();
  const revalidator = useRevalidator();
  const { certificates } = useLocalCertificates();
  const usable = useMemo(
    () => (certificates ?? []).filter((c) => c.organisationName === organisationName && Date.parse(c.notAfter) > now.getTime()),
    [certificates, organisationName, now],
  );
  const [serial, setSerial] = useState("");
  useEffect(() => {
    if (!serial && usable[0]) setSerial(usable[0].serialHex);
  }, [serial, usable]);
  const cert = usable.find((c) => c.serialHex === serial);
  const [busy, setBusy] = useState<string | null>(null);
  const [step, setStep] = useState<DecryptStep | null>(null);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [remedyFile, setRemedyFile] = useState<File | null>(null);
  const [remedyProgress, setRemedyProgress] = useState<{ sent: number; total: number } | null>(null);

  const own = view.ownBid;
  // Decrypting and the remedy need this person's own sign-in (the server checks the person).
  const signedIn = own ? own.personSignedIn : view.signIns.length > 0;
  const signInOpen = Date.parse(view.signInOpensAt) <= now.getTime();
  const decrypting = view.phase === "decrypting";
  const confirmed = view.confirmations.some((c) => c.organisationName === organisationName);
  const over = hallOver(view);
  const noKey = certificates !== null && usable.length === 0;
  const remedyOpen = !!own && !own.decided && view.section.remedyAllowed && decrypting && signedIn;

  // People read words, not a browser's exception: the server's AppError is already in their language.
  const errorText = (e: unknown) =>
    e instanceof ApiError
      ? e.code === "NETWORK"
        ? t("openingHall.client.network")
        : e.code === "INTERNAL" && /^\d{3}\b/.test(e.message)
          ? t("openingHall.client.server", { status: e.message.slice(0, 3) })
          : e.message
      : e instanceof TypeError
        ? t("openingHall.client.network")
        : e instanceof DOMException && e.name === "OperationError"
          ? t("openingHall.client.wrongKey")
          : t("openingHall.client.browser");

  async function run(name: string, fn: () => Promise<string | null>) {
    setBusy(name);
    setMessage(null);
    try {
      const ok = await fn();
      if (ok) setMessage({ kind: "ok", text: ok });
    } catch (e) {
      setMessage({ kind: "error", text: errorText(e) });
    } finally {
      setBusy(null);
      setStep(null);
      setRemedyProgress(null);
      revalidator.revalidate();
    }
  }

  // A failure is named by its rule, in the bidder's words; the server's technical detail is not for people.
  const attemptText = (failure: string | null | undefined) =>
    failure
      ? `${t(`opening.decrypt.attempt.${failure}`)} ${t("opening.decrypt.retry", { remedy: view.section.remedyAllowed ? t("opening.decrypt.retryRemedy") : "" })}`
      : "";
  const decryptAnswer = (a: { decrypted: boolean; failure?: string; defect?: string }) =>
    a.decrypted
      ? a.defect
        ? t("opening.decrypt.decryptedWithDefect")
        : t("opening.decrypt.decrypted")
      : t("opening.decrypt.failed", { detail: attemptText(a.failure) });

  return (
    <section className="panel bid-form" data-testid="bidder-console">
      <h2>{t("opening.signIn.title")}</h2>
      {over ? (
        <p className="alert alert--info" data-testid="hall-over">
          {t(view.phase === "failed" ? "openingHall.over.failed" : "openingHall.over.closed")}
        </p>
      ) : noKey ? (
        <NoKeyHelp view={view} signedIn={signedIn} />
      ) : (
        <label>
          {t("opening.signIn.certificate")}
          <select value={serial} onChange={(e) => setSerial(e.target.value)} disabled={!!busy}>
            {usable.map((c) => (
              <option key={c.serialHex} value={c.serialHex}>
                {c.personName} · {c.serialHex.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
      )}
      {over ? null : signedIn ? (
        <p>
          <span className="badge badge--approved" data-testid="signed-in">
            {t("opening.signIn.done")}
          </span>
        </p>
      ) : !signInOpen ? (
        <p className="muted">
          {t("opening.signIn.notYet", { at: new Date(view.signInOpensAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }) })}
        </p>
      ) : offered(view, "signIn") && !noKey ? (
        <>
          <p className="muted">{t("opening.signIn.intro")}</p>
          <button
            type="button"
            className="button button--primary"
            disabled={!cert || !!busy}
            onClick={() =>
              void run("signIn", async () => (await signInWithCertificate(view.section.id, cert!, csrf), t("opening.signIn.done")))
            }
          >
            {t("opening.signIn.button")}
          </button>
        </>
      ) : null}

      {own ? (
        <>
          <h2>{t("opening.decrypt.title")}</h2>
          {own.decided && own.defects.length > 0 ? (
            <div data-testid="own-defects">
              {own.defects.map((d) => (
                <p key={d.code} className="alert alert--warning" data-defect={d.code}>
                  {labels.text(d)}
                </p>
              ))}
            </div>
          ) : null}
          {own.decided && own.security ? <SecurityVerification v={own.security} text={labels.text} /> : null}
          {own.decided ? (
            <p data-testid="own-result" data-result={own.result ?? ""}>
              {t("opening.decrypt.decided", { result: labels.result(own.result) })}{" "}
              {own.rule ? <span className="muted">{labels.rule(own.rule)}</span> : null}
            </p>
          ) : over ? null : !decrypting ? (
            <p className="muted">{t("opening.decrypt.notOpen")}</p>
          ) : !signedIn ? (
            <p className="muted">{t("opening.decrypt.signInFirst")}</p>
          ) : (
            <>
              {noKey ? null : <p className="muted">{t("opening.decrypt.intro")}</p>}
              <button
                type="button"
                className="button button--primary"
                data-testid="decrypt"
                hidden={noKey}
                disabled={!cert || !!busy}
                onClick={() => void run("decrypt", async () => decryptAnswer(await decryptOwnBid(view.section.id, cert!, csrf, setStep)))}
              >
                {t("opening.decrypt.button")}
              </button>
              {step ? (
                <div data-testid="decrypt-progress">
                  <ProgressBar value={step === "unwrapping" ? 1 : 2} max={3} />
                  <ol className="progress-steps">
                    <li className={`progress-steps__item progress-steps__item--${step === "unwrapping" ? "current" : "done"}`}>
                      {t("opening.decrypt.unwrapping")}
                    </li>
                    <li className={`progress-steps__item progress-steps__item--${step === "decrypting" ? "current" : "todo"}`}>
                      {t("opening.decrypt.decrypting")}
                    </li>
                  </ol>
                </div>
              ) : null}
              {own.lastFailure ? (
                <p className="alert alert--warning">{t("opening.decrypt.failed", { detail: attemptText(own.lastFailure) })}</p>
              ) : null}
              {remedyOpen ? (
                // Decision 47: where the section allows it, the remedy is offered without a failed attempt
                // first; folded away while a key on this computer may still decrypt.
                <details className="remedy" open={noKey || !!own.lastFailure} data-testid="remedy">
                  <summary>{t("openingHall.remedyAnyTime")}</summary>
                  <h3>{t("opening.remedy.title")}</h3>
                  <p className="muted">{t("opening.remedy.intro")}</p>
                  <label>
                    {t("opening.remedy.file")}
                    <input type="file" accept=".zip,application/zip" onChange={(e) => setRemedyFile(e.target.files?.[0] ?? null)} />
                  </label>
                  <button
                    type="button"
                    className="button"
                    disabled={!remedyFile || !!busy}
                    onClick={() =>
                      void run("remedy", async () =>
                        decryptAnswer(
                          await uploadRemedy(view.section.id, remedyFile!, csrf, (sent, total) => setRemedyProgress({ sent, total })),
                        ),
                      )
                    }
                  >
                    {t("opening.remedy.button")}
                  </button>
                  {remedyProgress ? (
                    <>
                      <ProgressBar value={remedyProgress.sent} max={remedyProgress.total} />
                      <p>
                        {t("opening.remedy.uploading")} {formatBytes(remedyProgress.sent)} / {formatBytes(remedyProgress.total)}
                      </p>
                    </>
                  ) : null}
                </details>
              ) : null}
            </>
          )}
        </>
      ) : null}

      {own && view.readingOut && offered(view, "confirm") && !confirmed ? (
        <div data-testid="confirm-panel">
          <h2>{t("opening.confirm.title")}</h2>
          <p className="muted">{t("opening.confirm.intro")}</p>
          {(["confirm", "object"] as const).map((decision) => (
            <button
              key={decision}
              type="button"
              className={decision === "confirm" ? "button button--primary" : "button"}
              disabled={!cert || !!busy}
              onClick={() =>
                void run("confirm", async () => {
                  await signConfirmation(
                    view.section.id,
                    cert!,
                    { openingId: view.openingId, recordSha256: view.readingOut!.recordSha256, decision, signedAt: now },
                    csrf,
                  );
                  return t("opening.confirm.done", {
                    decision: decision === "confirm" ? t("opening.confirm.confirmed") : words.decision("objected"),
                  });
                })
              }
            >
              {decision === "confirm" ? t("opening.confirm.confirm") : words.decision("object")}
            </button>
          ))}
        </div>
      ) : null}
      {message ? (
        <div className={`alert ${message.kind === "ok" ? "alert--success" : "alert--error"}`} role="status" data-testid="bidder-message">
          {message.text}
        </div>
      ) : null}
    </section>
  );
}

/**
 * A bidder without its key on this computer (issue 13): what it can still do, in words — import
 * the backup, ask another bid member, and where the section allows it the remedy upload, which
 * needs this person's sign-in (and so a key) unless it has already signed in.
 */
function NoKeyHelp({ view, signedIn }: { view: OpeningView; signedIn: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="alert alert--warning stack-sm" data-testid="no-key">
      <strong>{t("openingHall.noKey.title")}</strong>
      <p>{t("openingHall.noKey.intro")}</p>
      <ol>
        <li data-testid="no-key-import">
          {t("openingHall.noKey.importBackup")}{" "}
          <Link className="button button--small" to="/certificates">
            {t("openingHall.noKey.importLink")}
          </Link>
        </li>
        <li>{t("openingHall.noKey.otherMember")}</li>
        {view.ownBid ? (
          <li data-testid="no-key-remedy" data-remedy={view.section.remedyAllowed}>
            {view.section.remedyAllowed
              ? t(signedIn ? "openingHall.noKey.remedySignedIn" : "openingHall.noKey.remedyNeedsSignIn")
              : t("openingHall.noKey.noRemedy")}
          </li>
        ) : null}
      </ol>
    </div>
  );
}
