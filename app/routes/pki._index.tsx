import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { getPlatformCertificates, getPublicCaCertificates } from "#app/services/certificates/read-platform-pki.server.ts";

export const meta: MetaFunction = () => [{ title: "平台证书体系 · bidhall" }];

/** Public: anyone may fetch the trust anchor and check a fingerprint read out over the phone. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const { root, issuing } = await getPublicCaCertificates(app);
    const platform = await getPlatformCertificates(app);
    const pick = (a: Pick<typeof root, "subject" | "serialHex" | "notBefore" | "notAfter" | "fingerprint256">) => ({
      subject: a.subject,
      serialHex: a.serialHex,
      notBefore: a.notBefore,
      notAfter: a.notAfter,
      fingerprint256: a.fingerprint256,
    });
    return { root: pick(root), issuing: pick(issuing), platform: platform.map((p) => ({ ...pick(p), status: p.status })) };
  });
}

export default function Pki() {
  const { t } = useTranslation();
  const { root, issuing, platform } = useLoaderData<typeof loader>();
  const cards = [
    { key: "root", title: t("certificates.pki.root"), cert: root, href: "/pki/root-ca.pem" },
    { key: "issuing", title: t("certificates.pki.issuing"), cert: issuing, href: "/pki/issuing-ca.pem" },
    ...platform.map((cert) => ({
      key: `platform-${cert.serialHex}`,
      title: t(cert.status === "current" ? "certificates.pki.platform" : "certificates.pki.platformLegacy"),
      cert,
      href: "/pki/platform.pem",
    })),
  ];
  return (
    <div className="stack">
      <h1>{t("certificates.pki.title")}</h1>
      <p className="muted">{t("certificates.pki.intro")}</p>
      {cards.map(({ key, title, cert, href }) => (
        <section key={key} className="panel" data-testid={`pki-${key}`}>
          <h2>{title}</h2>
          <dl className="facts">
            <dt>{t("certificates.pki.subject")}</dt>
            <dd>{cert.subject}</dd>
            <dt>{t("certificates.pki.serial")}</dt>
            <dd className="mono">{cert.serialHex.toUpperCase()}</dd>
            <dt>{t("certificates.pki.notBefore")}</dt>
            <dd>
              <ShanghaiTime at={cert.notBefore} />
            </dd>
            <dt>{t("certificates.pki.notAfter")}</dt>
            <dd>
              <ShanghaiTime at={cert.notAfter} />
            </dd>
            <dt>{t("certificates.pki.fingerprint")}</dt>
            <dd className="mono fingerprint" data-testid="fingerprint">
              {cert.fingerprint256}
            </dd>
          </dl>
          <a className="button" href={href} download>
            {t("certificates.pki.download")}
          </a>
        </section>
      ))}
      <section className="panel">
        <h2>{t("certificates.pki.crl")}</h2>
        <a className="button" href="/pki/crl" download="bidhall-issuing-ca.crl">
          {t("certificates.pki.crlDownload")}
        </a>{" "}
        <code>/pki/crl</code>
      </section>
    </div>
  );
}
