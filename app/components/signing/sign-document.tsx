import { Link, useRouteLoaderData } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { checkPreparedSignature, PreparedSignatureError } from "#app/crypto/pdf-signing/check-prepared.ts";
import { base64ToBytes, bytesToBase64, pemToDer } from "#app/crypto/pki/der.ts";
import { getCertificate } from "#app/crypto/pki/key-store.ts";
import { CertificateChoice } from "../certificates/certificate-choice.tsx";
import { ApiError, errorCode, errorMessage, postJson, useCsrfToken } from "../certificates/api.ts";
import { useLocalCertificates } from "../certificates/use-local-certificates.ts";

export interface SignDocumentProps {
  /** A key of SIGNING_KINDS on the server: "guarantee-letter", "award-notice", … */
  kind: string;
  subjectId: string;
  /** Called with the signed PDF's SHA-256 once the server has recorded the signature. */
  onSigned?: (sha256: string) => void;
  /** The first button's text; "签署文件" by default. */
  label?: string;
}

interface Prepared {
  requestId: string;
  signedAttributesDer: string;
  documentSha256: string;
  title: string;
  expiresAt: string;
}

type State =
  | { kind: "idle" }
  | { kind: "preparing" }
  | { kind: "ready"; prepared: Prepared; serialHex: string }
  | { kind: "signing"; prepared: Prepared; serialHex: string }
  | { kind: "signed"; sha256: string }
  | { kind: "failed"; message: string; code: string; detail?: string };

/**
 * A person signs a platform PDF with the certificate held in this browser (decision 55): choose a
 * certificate of the organisation acted for, let the server prepare the document, look at exactly
 * those bytes (link and SHA-256), confirm; the browser checks that what it is asked to sign is the
 * digest of that document for that certificate, signs with the non-extractable key
 * (RSASSA-PKCS1-v1_5, SHA-256) and hands the signature to the server, which embeds and verifies it.
 */
export function SignDocument({ kind, subjectId, onSigned, label }: SignDocumentProps) {
  const { t, i18n } = useTranslation();
  const csrf = useCsrfToken();
  const organisationName =
    useRouteLoaderData<{ actor?: { organisation: { name: string } } | null }>("root")?.actor?.organisation.name ?? "";
  const { certificates } = useLocalCertificates();
  const usable = (certificates ?? []).filter((c) => c.organisationName === organisationName && new Date(c.notAfter) > new Date());
  const [chosen, setChosen] = useState<string | null>(null);
  const [state, setState] = useState<State>({ kind: "idle" });
  const selected = chosen ?? usable[0]?.serialHex ?? null;

  const fail = (e: unknown) => {
    if (e instanceof PreparedSignatureError)
      // The check's own words are technical English: kept in a data attribute, not in the message.
      setState({ kind: "failed", message: t("signing.checkFailed"), code: "PREPARED_MISMATCH", detail: e.message });
    else setState({ kind: "failed", message: errorMessage(e), code: errorCode(e) });
  };

  async function prepare() {
    if (!selected) return;
    setState({ kind: "preparing" });
    try {
      const subtle = globalThis.crypto?.subtle;
      if (!subtle) throw new Error(t("signing.noCrypto"));
      const record = await getCertificate(selected);
      if (!record) throw new Error("certificate not found on this computer");
      const prepared = await postJson<Prepared>("/api/signing/prepare", { kind, subjectId, certificateSerial: record.serialHex }, csrf);
      const response = await fetch(`/api/signing/${prepared.requestId}/document`, { credentials: "same-origin" });
      if (!response.ok) {
        const json = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
        throw new ApiError(json?.error?.code ?? "INTERNAL", json?.error?.message ?? `${response.status}`);
      }
      const pdf = new Uint8Array(await response.arrayBuffer());
      const { documentSha256 } = await checkPreparedSignature({
        pdf,
        signedAttributesDer: base64ToBytes(prepared.signedAttributesDer),
        certificateDer: pemToDer(record.certificatePem, "CERTIFICATE"),
        subtle,
      });
      if (documentSha256 !== prepared.documentSha256) throw new PreparedSignatureError("the document's SHA-256 differs");
      setState({ kind: "ready", prepared, serialHex: record.serialHex });
    } catch (e) {
      fail(e);
    }
  }

  async function confirm(prepared: Prepared, serialHex: string) {
    setState({ kind: "signing", prepared, serialHex });
    try {
      const record = await getCertificate(serialHex);
      if (!record) throw new Error("certificate not found on this computer");
      const signature = await globalThis.crypto.subtle.sign(
        { name: "RSASSA-PKCS1-v1_5" },
        record.signingKey,
        base64ToBytes(prepared.signedAttributesDer),
      );
      const done = await postJson<{ sha256: string }>(
        `/api/signing/${prepared.requestId}/complete`,
        { signature: bytesToBase64(new Uint8Array(signature)) },
        csrf,
      );
      setState({ kind: "signed", sha256: done.sha256 });
      onSigned?.(done.sha256);
    } catch (e) {
      fail(e);
    }
  }

  const when = (iso: string, style: "date" | "time") =>
    new Intl.DateTimeFormat(i18n.language === "en" ? "en-GB" : "zh-CN", {
      ...(style === "date" ? { dateStyle: "medium" } : { timeStyle: "short" }),
      timeZone: "Asia/Shanghai",
    }).format(new Date(iso));

  if (certificates === null) return null;
  if (usable.length === 0)
    return (
      <div className="sign-document" data-testid="sign-document" data-state="no-certificate">
        <p className="alert alert--error" role="alert">
          {t("signing.none", { organisation: organisationName })} <Link to="/certificates">{t("signing.noneLink")}</Link>
        </p>
      </div>
    );

  return (
    <div className="sign-document" data-testid="sign-document" data-state={state.kind}>
      {state.kind === "ready" || state.kind === "signing" ? (
        <section className="sign-document__preview" aria-live="polite">
          <h3>{t("signing.youWillSign")}</h3>
          <p>
            <strong data-testid="sign-document-title">{state.prepared.title}</strong>
          </p>
          <p>
            <a
              href={`/api/signing/${state.prepared.requestId}/document`}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="sign-document-open"
            >
              {t("signing.open")}
            </a>
          </p>
          <p className="sign-document__hash">
            {t("signing.sha256")}:{" "}
            <code className="mono" data-testid="sign-document-sha256">
              {state.prepared.documentSha256}
            </code>
          </p>
          <p className="muted">
            {t("signing.confirmHint")} {t("signing.expiresAt", { time: when(state.prepared.expiresAt, "time") })}
          </p>
          <div className="sign-document__actions">
            <button
              type="button"
              className="button button--primary"
              disabled={state.kind === "signing"}
              onClick={() => void confirm(state.prepared, state.serialHex)}
              data-testid="sign-document-confirm"
            >
              {state.kind === "signing" ? t("signing.signing") : t("signing.confirm")}
            </button>
            <button type="button" className="button" disabled={state.kind === "signing"} onClick={() => setState({ kind: "idle" })}>
              {t("signing.cancel")}
            </button>
          </div>
        </section>
      ) : state.kind === "signed" ? (
        <div className="alert alert--success" role="status" data-testid="sign-document-signed">
          {t("signing.signed")} <code className="mono">{state.sha256}</code>
        </div>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void prepare();
          }}
        >
          {usable.length > 1 ? (
            <fieldset>
              <legend>{t("signing.choose")}</legend>
              <CertificateChoice
                certificates={usable}
                selected={selected}
                onChoose={setChosen}
                validUntil={(c) => t("signing.validUntil", { date: when(c.notAfter, "date") })}
              />
            </fieldset>
          ) : null}
          {state.kind === "failed" ? (
            <div
              className="alert alert--error"
              role="alert"
              data-error-code={state.code}
              data-error-detail={state.detail}
              data-testid="sign-document-error"
            >
              {t("signing.failed", { message: state.message })}
            </div>
          ) : null}
          <button type="submit" className="button button--primary" disabled={state.kind === "preparing"} data-testid="sign-document-start">
            {state.kind === "preparing" ? t("signing.preparing") : (label ?? t("signing.sign"))}
          </button>
        </form>
      )}
    </div>
  );
}
