import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import biddingCss from "#app/components/bidding/bidding.css?url";
import { SealedOnThisComputer } from "#app/components/bidding/sealed-on-this-computer.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { readOwnReceipt } from "#app/services/bidding/read-own-bid.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: biddingCss }];
export const meta: MetaFunction = () => [{ title: "投标回执 · bidhall" }];

const Params = z.object({ receiptNo: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/) });

/** A receipt of the caller's organisation (办法 27: sent at once on upload), with its platform signature checked. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const params = Params.safeParse(args.params);
    if (!params.success) throw new AppError("NOT_FOUND", { what: "receipt" });
    const row = await readOwnReceipt(app, actor, params.data.receiptNo);
    return { row, signer: row.signer, problems: row.signatureProblems, bidderUscc: actor.membership.organisationUscc };
  });
}

export default function ReceiptPage() {
  const { t } = useTranslation();
  const { row, signer, problems, bidderUscc } = useLoaderData<typeof loader>();
  const file = `receipt-${row.receipt_no}.jws`;
  return (
    <div className="stack bid-page" data-testid="receipt">
      <h1>{t("bidding.receipt.title")}</h1>
      <div className="alert alert--success" role="status">
        {t("bidding.receipt.intro")}
      </div>
      <section className="panel">
        <table className="table receipt-table">
          <tbody>
            <tr>
              <th>{t("bidding.receipt.receiptNo")}</th>
              <td className="mono" data-testid="receipt-no">
                {row.receipt_no}
              </td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.project")}</th>
              <td>{row.project_name}</td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.section")}</th>
              <td>
                {row.section_name} <span className="mono muted">{row.section_code}</span>
              </td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.bidder")}</th>
              <td className="mono">{bidderUscc}</td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.version")}</th>
              <td data-testid="receipt-version">{row.version}</td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.receivedAt")}</th>
              <td>
                <ShanghaiTime at={row.received_at} />
              </td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.size")}</th>
              <td className="mono">{String(row.size)}</td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.envelopeSha256")}</th>
              <td className="mono" data-testid="receipt-envelope-sha256">
                {row.envelope_sha256}
              </td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.packageDigest")}</th>
              <td className="mono" data-testid="receipt-package-digest">
                {row.package_digest}
              </td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.security")}</th>
              <td>
                {row.security_kind
                  ? `${t(row.security_kind === "guarantee" ? "bidding.security.guarantee" : "bidding.security.creditCommitment")} ${row.security_reference}`
                  : "—"}
              </td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.submittedBy")}</th>
              <td>{row.submitted_by}</td>
            </tr>
            <tr>
              <th>{t("bidding.receipt.signature")}</th>
              <td data-testid="receipt-signature">
                {problems.length === 0
                  ? t("bidding.receipt.signatureValid", { signer })
                  : t("bidding.receipt.signatureInvalid", { signer, problems: problems.join("; ") })}
              </td>
            </tr>
          </tbody>
        </table>
        <p>
          <a className="button button--primary" href={`/receipts/${row.receipt_no}.jws`} download={file} data-testid="receipt-download">
            {t("bidding.receipt.download")}
          </a>{" "}
          <Link className="button" to={`/sections/${row.section_id}/bid`}>
            {t("bidding.receipt.back")}
          </Link>
        </p>
        <p className="muted mono receipt-verify">{t("bidding.receipt.verifyHint", { file })}</p>
        <p className="muted" data-testid="receipt-pki">
          {t("bidding.receipt.verifyFiles")} <a href="/pki/root-ca.pem">{t("bidding.receipt.rootCa")}</a> ·{" "}
          <a href="/pki/platform.pem">{t("bidding.receipt.platformCert")}</a> · <Link to="/pki">{t("bidding.receipt.pkiPage")}</Link>
        </p>
      </section>
      <SealedOnThisComputer packageDigest={row.package_digest} sectionId={row.section_id} bidderUscc={bidderUscc} />
    </div>
  );
}
