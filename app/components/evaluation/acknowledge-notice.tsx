import { useFetcher, useRouteLoaderData } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CertificateChoice } from "#app/components/certificates/certificate-choice.tsx";
import { errorMessage } from "#app/components/certificates/api.ts";
import { useLocalCertificates } from "#app/components/certificates/use-local-certificates.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ACKNOWLEDGEMENT_TYPE, signJson } from "#app/crypto/jws/signed-json.ts";
import { bytesToBase64, pemBlocks } from "#app/crypto/pki/der.ts";
import { getCertificate } from "#app/crypto/pki/key-store.ts";

/**
 * The recipient acknowledges receipt of its notice (decision 67): the browser signs
 * `{ noticeId, noticeNumber, noticeSha256, signedAt }` as a compact JWS
 * (`bidhall-acknowledgement+jws`, like the opening confirmations) with the certificate held here,
 * and the page's action checks it against the notice as issued.
 */
export function AcknowledgeNotice({ notice }: { notice: { id: string; number: string; sha256: string } }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<{ error?: { code: string; message: string } }>();
  const organisationName =
    useRouteLoaderData<{ actor?: { organisation: { name: string } } | null }>("root")?.actor?.organisation.name ?? "";
  const { certificates } = useLocalCertificates();
  const usable = (certificates ?? []).filter((c) => c.organisationName === organisationName && new Date(c.notAfter) > new Date());
  const [chosen, setChosen] = useState<string | null>(null);
  const [jws, setJws] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const selected = chosen ?? usable[0]?.serialHex ?? null;
  if (certificates === null) return null;
  if (usable.length === 0)
    return (
      <p className="alert alert--error" role="alert" data-testid="acknowledge-no-certificate">
        {t("signing.none", { organisation: organisationName })} <a href="/certificates">{t("signing.noneLink")}</a>
      </p>
    );

  async function sign(form: HTMLFormElement) {
    setProblem(null);
    try {
      const cert = selected ? await getCertificate(selected) : undefined;
      if (!cert) throw new Error(t("evaluation.acknowledge.noKey"));
      const x5c = [cert.certificatePem, ...cert.chainPem.slice(0, 1)].map((pem) => bytesToBase64(pemBlocks(pem)[0]!.der));
      const signed = await signJson(
        ACKNOWLEDGEMENT_TYPE,
        {
          format: "bidhall.acknowledgement/1",
          noticeId: notice.id,
          noticeNumber: notice.number,
          noticeSha256: notice.sha256,
          signedAt: new Date().toISOString(),
        },
        { key: cert.signingKey, x5c },
      );
      setJws(signed);
      const data = new FormData(form);
      data.set("acknowledgementJws", signed);
      fetcher.submit(data, { method: "post" });
    } catch (e) {
      setProblem(errorMessage(e));
    }
  }

  return (
    <fetcher.Form
      method="post"
      data-testid="acknowledge-form"
      onSubmit={(e) => {
        e.preventDefault();
        void sign(e.currentTarget);
      }}
    >
      <CsrfInput />
      <input type="hidden" name="intent" value="acknowledge" />
      <input type="hidden" name="acknowledgementJws" value={jws} />
      <p className="muted">{t("evaluation.acknowledge.intro")}</p>
      {usable.length > 1 ? (
        <fieldset>
          <legend>{t("signing.choose")}</legend>
          <CertificateChoice certificates={usable} selected={selected} onChoose={setChosen} validUntil={(c) => c.notAfter.slice(0, 10)} />
        </fieldset>
      ) : null}
      {problem ? (
        <div className="alert alert--error" role="alert">
          {problem}
        </div>
      ) : null}
      <FormError data={fetcher.data} />
      <button type="submit" className="button button--primary" disabled={fetcher.state !== "idle"} data-testid="acknowledge">
        {t("evaluation.acknowledge.submit")}
      </button>
    </fetcher.Form>
  );
}
