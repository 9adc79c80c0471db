import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { formatBytes } from "./progress-bar.tsx";

type State = { status: "none" } | { status: "submitted"; version: number } | { status: "withdrawn"; afterVersion: number };

export function BidStateBadge({ state }: { state: State }) {
  const { t } = useTranslation();
  const cls = state.status === "submitted" ? "badge--approved" : state.status === "withdrawn" ? "badge--rejected" : "badge--pending";
  return (
    <span className={`badge ${cls}`} data-testid="bid-state" data-status={state.status}>
      {state.status === "submitted" ? t("bidding.state.submitted", { version: state.version }) : t(`bidding.state.${state.status}`)}
    </span>
  );
}

interface VersionsView {
  state: State;
  versions: {
    version: number;
    receiptNo: string;
    receivedAt: Date | string;
    size: string;
    envelopeSha256: string;
    submittedBy: string;
    security: { kind: string; reference: string } | null;
  }[];
  withdrawals: { afterVersion: number; withdrawnAt: Date | string; withdrawnBy: string }[];
}

/** Every version the organisation submitted, newest first: the standing one, replaced ones, withdrawals. */
export function BidVersions({ bid }: { bid: VersionsView }) {
  const { t } = useTranslation();
  if (bid.versions.length === 0) return <p className="muted">{t("bidding.versions.none")}</p>;
  const standing = bid.state.status === "submitted" ? bid.state.version : null;
  return (
    <>
      <table className="table bid-table" data-testid="bid-versions">
        <thead>
          <tr>
            <th>{t("bidding.versions.version")}</th>
            <th>{t("bidding.versions.receiptNo")}</th>
            <th>{t("bidding.versions.receivedAt")}</th>
            <th>{t("bidding.versions.size")}</th>
            <th>{t("bidding.versions.envelopeSha256")}</th>
            <th>{t("bidding.versions.security")}</th>
            <th>{t("bidding.versions.submittedBy")}</th>
            <th>{t("bidding.versions.status")}</th>
          </tr>
        </thead>
        <tbody>
          {bid.versions.map((v) => (
            <tr key={v.version} data-testid={`version-${v.version}`}>
              <td data-label={t("bidding.versions.version")}>{v.version}</td>
              <td className="mono" data-label={t("bidding.versions.receiptNo")}>
                <Link to={`/receipts/${v.receiptNo}`}>{v.receiptNo}</Link>
              </td>
              <td className="nowrap" data-label={t("bidding.versions.receivedAt")}>
                <ShanghaiTime at={v.receivedAt} />
              </td>
              <td className="mono nowrap" data-label={t("bidding.versions.size")}>
                {formatBytes(Number(v.size))}
              </td>
              <td className="mono" title={v.envelopeSha256} data-label={t("bidding.versions.envelopeSha256")}>
                {v.envelopeSha256.slice(0, 16)}…
              </td>
              <td data-label={t("bidding.versions.security")}>
                {v.security
                  ? `${t(v.security.kind === "guarantee" ? "bidding.security.guarantee" : "bidding.security.creditCommitment")} ${v.security.reference}`
                  : "—"}
              </td>
              <td data-label={t("bidding.versions.submittedBy")}>{v.submittedBy}</td>
              <td data-label={t("bidding.versions.status")}>
                {v.version === standing
                  ? t("bidding.versions.current")
                  : bid.state.status === "withdrawn" && v.version === bid.state.afterVersion
                    ? t("bidding.versions.withdrawn")
                    : t("bidding.versions.replaced")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {bid.withdrawals.length > 0 ? (
        <ul className="muted">
          {bid.withdrawals.map((w) => (
            <li key={String(w.withdrawnAt)}>
              {t("bidding.versions.withdrawal", { who: w.withdrawnBy, version: w.afterVersion })} <ShanghaiTime at={w.withdrawnAt} />
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
