import { useNavigate, useSearchParams } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import * as tus from "tus-js-client";
import { finalUploadRefusal, type UploadRefusal } from "#app/api/upload-refusal.ts";
import { browserDeviceFingerprint } from "#app/crypto/bid-package/browser-device.ts";
import { BROWSER_SEAL_LIMIT, sealBid, type SealStage } from "#app/crypto/bid-package/seal-bid.ts";
import type { OpeningForm } from "#app/domain/tendering/opening-form.ts";
import { errorMessage, useCsrfToken } from "#app/components/certificates/api.ts";
import { useLocalCertificates } from "#app/components/certificates/use-local-certificates.ts";
import { useServerNow } from "#app/components/server-time.tsx";
import { DocumentInputs, documentsReady, documentsTotal } from "./document-inputs.tsx";
import { securityProblem } from "./form-problems.ts";
import { emptyValues, formProblems, OpeningFormInputs, toBidFields, type FormValues } from "./opening-form-inputs.tsx";
import { saveSealedRecord } from "./sealed-record-store.ts";
import { sealedRecordOf, sealInputsFingerprint, type SealedRecord } from "./sealed-record.ts";
import { SealedBidSummary } from "./sealed-summary.tsx";
import { BackupDownload, SealProgress, SignerChoice, UploadProgress } from "./sealing-steps.tsx";
import { SecurityInputs, securityKindsOf, type SecurityKind } from "./security-inputs.tsx";

/** The sealing kit as the loader sends it (app/services/bidding/get-sealing-kit.server.ts). */
export interface SealingKitView {
  section: { id: string; code: string; name: string; deadlineAt: string };
  bidder: { uscc: string; name: string };
  form: OpeningForm;
  security: { amountFen: string; forms: string[]; creditCommitmentAllowed: boolean };
  /** Issued guarantees of the organisation for this section (decision 0072). */
  guarantees: { id: string; ledgerId: string; guarantorName: string; amountFen: string; validUntil: string }[];
  recipients: { serialHex: string; subjectName: string; certificatePem: string; notAfter: string }[];
  issuingCaPem: string;
}

/** An envelope and what went into it: the only envelope the page will upload. */
interface Sealed {
  envelope: Uint8Array<ArrayBuffer>;
  packageDigest: string;
  backupUrl: string;
  record: SealedRecord;
  /** {@link sealInputsFingerprint} of the screen when sealing started. */
  fingerprint: string;
}

type Activity =
  | { kind: "idle" }
  | { kind: "sealing"; stage: SealStage }
  | { kind: "uploading"; sent: number; total: number; retrying: boolean }
  | { kind: "finishing" };

type Notice = { tone: "error" | "info"; text: string } | null;

const TOOL = { name: "bidhall-browser", version: "1" };

/** Our endpoint's final refusal in a failed tus request, or null where tus resumes (app/api/upload-refusal.ts). */
function refusalOf(e: unknown): UploadRefusal | null {
  const res = (e as tus.DetailedError).originalResponse;
  return finalUploadRefusal(res?.getStatus(), res?.getBody());
}

/**
 * Sealing and submitting in the browser (ARCHITECTURE.md §4): fill the opening form, attach
 * documents, declare the bid security, seal with this computer's certificate (WebCrypto, the key
 * never leaves IndexedDB), offer the plaintext backup, upload over tus with progress and automatic
 * resume, then show the receipt. The platform only ever receives ciphertext.
 *
 * What you seal is what you submit (decision 44): once sealed, the inputs give way to exactly what
 * was sealed; changing anything discards the envelope, and only the envelope matching the screen
 * can be uploaded, with the bid security it was sealed with.
 */
export function SealAndSubmit({ kit }: { kit: SealingKitView }) {
  const { t, i18n } = useTranslation();
  const csrf = useCsrfToken();
  const navigate = useNavigate();
  const now = useServerNow();
  const { certificates } = useLocalCertificates();
  const [values, setValues] = useState<FormValues>(() => emptyValues(kit.form));
  const [files, setFiles] = useState<File[]>([]);
  const securityKinds = useMemo(() => securityKindsOf(kit.security), [kit.security]);
  const [securityKind, setSecurityKind] = useState<SecurityKind>(securityKinds[0] ?? "guarantee");
  // A link from the guarantee page (?guarantee=<ledger id>) preselects that guarantee; else the only one issued.
  const [searchParams] = useSearchParams();
  const [securityReference, setSecurityReference] = useState(() => {
    const wanted = searchParams.get("guarantee")?.toLowerCase();
    return kit.guarantees.find((g) => g.ledgerId === wanted)?.ledgerId ?? (kit.guarantees.length === 1 ? kit.guarantees[0]!.ledgerId : "");
  });
  const [serial, setSerial] = useState<string>("");
  const [showProblems, setShowProblems] = useState(false);
  const [sealed, setSealed] = useState<Sealed | null>(null);
  const [activity, setActivity] = useState<Activity>({ kind: "idle" });
  const [notice, setNotice] = useState<Notice>(null);
  const [focusProblem, setFocusProblem] = useState(0);
  const uploadRef = useRef<tus.Upload | null>(null);

  // Only this organisation's own, valid certificates can sign (the kit lists exactly those).
  const usable = useMemo(() => {
    const serials = new Set(kit.recipients.map((r) => r.serialHex.toLowerCase()));
    return (certificates ?? []).filter((c) => serials.has(c.serialHex.toLowerCase()) && Date.parse(c.notAfter) > now.getTime());
  }, [certificates, kit.recipients, now]);
  useEffect(() => {
    if (!serial && usable[0]) setSerial(usable[0].serialHex);
  }, [serial, usable]);

  const backupUrl = sealed?.backupUrl ?? null;
  useEffect(() => () => void (backupUrl && URL.revokeObjectURL(backupUrl)), [backupUrl]);
  useEffect(() => () => void uploadRef.current?.abort(), []);
  useEffect(() => {
    if (focusProblem) document.querySelector<HTMLElement>('[data-testid="seal-and-submit"] [aria-invalid="true"]')?.focus();
  }, [focusProblem]);

  const busy = activity.kind !== "idle";
  const fingerprintNow = () =>
    sealInputsFingerprint({
      fields: toBidFields(kit.form, values),
      security: { kind: securityKind, reference: securityReference.trim() },
      files,
      signerSerial: serial,
    });

  function discard(text: string) {
    setSealed(null);
    setNotice({ tone: "info", text });
  }

  async function seal() {
    setShowProblems(true);
    const formOk = Object.keys(formProblems(kit.form, values)).length === 0;
    const securityOk = securityProblem(securityKind, securityReference) === null;
    if (!formOk || !securityOk || !documentsReady(files)) {
      setFocusProblem((n) => n + 1);
      const text = !formOk ? "bidding.seal.fixForm" : !securityOk ? "bidding.seal.noSecurity" : "bidding.documents.fixDocuments";
      return setNotice({ tone: "error", text: t(text) });
    }
    const certificate = usable.find((c) => c.serialHex === serial);
    if (!certificate) return;
    // Everything sealed is taken from this one snapshot of the screen (the inputs are locked meanwhile).
    const fields = toBidFields(kit.form, values);
    const security = { kind: securityKind, reference: securityReference.trim() };
    const chosen = [...files];
    const fingerprint = fingerprintNow();
    setNotice(null);
    try {
      setActivity({ kind: "sealing", stage: { stage: "hashing", done: 0, total: chosen.length } });
      const documents = [];
      for (const f of chosen) documents.push({ path: f.name.normalize("NFC"), bytes: new Uint8Array(await f.arrayBuffer()) });
      const result = await sealBid({
        bid: { format: "bidhall.bid/1", sectionId: kit.section.id, bidder: kit.bidder, fields, security },
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
        onStage: (stage) => setActivity({ kind: "sealing", stage }),
      });
      const record = sealedRecordOf({
        packageDigest: result.packageDigest,
        section: kit.section,
        bidder: kit.bidder,
        form: kit.form,
        fields,
        security,
        manifest: result.manifest,
        signer: { serialHex: certificate.serialHex, personName: certificate.personName },
      });
      const url = URL.createObjectURL(new Blob([result.packageBytes.slice()], { type: "application/zip" }));
      setSealed({ envelope: result.envelope, packageDigest: result.packageDigest, backupUrl: url, record, fingerprint });
    } catch (e) {
      setNotice({ tone: "error", text: t("bidding.seal.failed", { message: errorMessage(e) }) });
    } finally {
      setActivity({ kind: "idle" });
    }
  }

  async function upload(envelope: Sealed) {
    // Belt and braces: the inputs are hidden while sealed, but an envelope that does not match
    // the screen is never uploaded.
    if (fingerprintNow() !== envelope.fingerprint) return discard(t("bidding.sealed.mismatch"));
    setNotice(null);
    setActivity({ kind: "uploading", sent: 0, total: envelope.envelope.length, retrying: false });
    // Kept in this browser only, for the receipt page (decision 44). A browser that refuses or
    // stalls storage still submits (after a few seconds at most), and the receipt page then says
    // why it has nothing to show.
    await Promise.race([saveSealedRecord(envelope.record).catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
    // A unique file name keeps tus from resuming another envelope of the same size.
    const file = new File([envelope.envelope], `bid-${envelope.packageDigest.slice(0, 16)}-${Date.now()}.p7m`, {
      type: "application/pkcs7-mime",
      lastModified: Date.now(),
    });
    const u = new tus.Upload(file, {
      endpoint: "/api/uploads",
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      removeFingerprintOnSuccess: true,
      metadata: {
        sectionId: kit.section.id,
        packageDigest: envelope.packageDigest,
        filename: file.name,
        // The declaration beside the envelope is the one sealed inside it (decision 16).
        securityKind: envelope.record.security.kind,
        securityReference: envelope.record.security.reference,
      },
      headers: { "x-csrf-token": csrf, "accept-language": i18n.language },
      // Our refusals (deadline passed, wrong recipients…) are final; a broken connection is not, nor
      // a stale offset after one (the browser may re-send a cut PATCH to another instance).
      onShouldRetry: (err) => {
        if (refusalOf(err)) return false;
        setActivity((a) => (a.kind === "uploading" ? { ...a, retrying: true } : a));
        return true;
      },
      onProgress: (sent, total) =>
        setActivity((a) => (a.kind === "uploading" ? { ...a, sent, total: total ?? a.total, retrying: false } : a)),
      onChunkComplete: (_chunk, accepted, total) => {
        if (accepted === total) setActivity({ kind: "finishing" });
      },
      onSuccess: (payload) => {
        const body = JSON.parse(payload.lastResponse.getBody() ?? "{}") as { receipt?: { receiptNo: string } };
        if (body.receipt) navigate(`/receipts/${body.receipt.receiptNo}`);
      },
      onError: (e) => {
        const refusal = refusalOf(e);
        setActivity({ kind: "idle" });
        setNotice({
          tone: "error",
          text: refusal ? t("bidding.upload.refused", { message: refusal.message }) : t("bidding.upload.failed", { message: e.message }),
        });
      },
    });
    uploadRef.current = u;
    u.start();
  }

  const noticeBox =
    notice?.tone === "error" ? (
      <div className="alert alert--error" role="alert" data-testid="seal-error">
        {notice.text}
      </div>
    ) : null;
  const uploadable = sealed !== null && activity.kind === "idle" && fingerprintNow() === sealed.fingerprint;

  return (
    <div className="stack bid-form" data-testid="seal-and-submit" data-step={sealed && activity.kind === "idle" ? "sealed" : activity.kind}>
      {notice?.tone === "info" ? (
        <div className="alert alert--info" role="status" data-testid="seal-notice">
          {notice.text}
        </div>
      ) : null}
      {sealed ? (
        <section className="panel" data-testid="sealed-content">
          <h2>{t("bidding.sealed.title")}</h2>
          <p className="muted">{t("bidding.sealed.intro")}</p>
          <SealedBidSummary record={sealed.record} />
          <button
            type="button"
            className="button"
            disabled={busy}
            data-testid="discard-sealed"
            onClick={() => discard(t("bidding.sealed.discarded"))}
          >
            {t("bidding.sealed.edit")}
          </button>
        </section>
      ) : (
        <>
          <section className="panel">
            <h2>{t("bidding.form.title")}</h2>
            <OpeningFormInputs form={kit.form} values={values} onChange={setValues} showProblems={showProblems} disabled={busy} />
          </section>
          <SecurityInputs
            terms={kit.security}
            kind={securityKind}
            reference={securityReference}
            onKind={setSecurityKind}
            onReference={setSecurityReference}
            showProblems={showProblems}
            disabled={busy}
            guarantees={kit.guarantees}
            sectionId={kit.section.id}
          />
          <DocumentInputs files={files} onChange={setFiles} disabled={busy} />
          <section className="panel">
            <h2>{t("bidding.signer.title")}</h2>
            <SignerChoice
              usable={certificates === null ? null : usable}
              serial={serial}
              onSerial={setSerial}
              recipients={kit.recipients}
              disabled={busy}
            />
            <button
              type="button"
              className="button button--primary"
              disabled={busy || !serial || documentsTotal(files) > BROWSER_SEAL_LIMIT || usable.length === 0}
              onClick={() => void seal()}
            >
              {t("bidding.seal.button")}
            </button>
            {activity.kind === "sealing" ? <SealProgress stage={activity.stage} /> : null}
            {noticeBox}
          </section>
        </>
      )}

      {sealed ? (
        <section className="panel" data-testid="sealed">
          <h2>{t("bidding.seal.done")}</h2>
          <p className="sealed-digest">
            {t("bidding.seal.packageDigest")} <code data-testid="package-digest">{sealed.packageDigest}</code>
          </p>
          <BackupDownload key={sealed.backupUrl} url={sealed.backupUrl} sectionCode={kit.section.code} />
          {uploadable ? (
            <button type="button" className="button button--primary" onClick={() => void upload(sealed)} data-testid="upload">
              {t("bidding.upload.button")}
            </button>
          ) : null}
          {activity.kind === "uploading" || activity.kind === "finishing" ? <UploadProgress progress={activity} /> : null}
          {noticeBox}
        </section>
      ) : null}
    </div>
  );
}
