import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatYuan } from "#app/domain/shared/money.ts";

/** The guarantor portal's own tabs (decision 0070): one header entry leads here, the tabs do the rest. */
export function GuarantorTabs() {
  const { t } = useTranslation();
  const tabs = [
    { to: "/guarantor/applications", label: t("guarantorPortal.tabs.applications") },
    { to: "/guarantor/guarantees", label: t("guarantorPortal.tabs.guarantees") },
    { to: "/guarantor/claims", label: t("guarantorPortal.tabs.claims") },
    { to: "/guarantor/products", label: t("guarantorPortal.tabs.products") },
  ];
  return (
    <nav className="gtabs" aria-label={t("guarantorPortal.nav.applications")} data-testid="guarantor-tabs">
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} className={({ isActive }) => `gtabs__tab${isActive ? " gtabs__tab--active" : ""}`}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}

/** An amount in fen (decimal string) shown in yuan. */
export function Yuan({ fen }: { fen: string }) {
  const { t } = useTranslation();
  return <span className="num">{t("guarantorPortal.money", { yuan: formatYuan(BigInt(fen)) })}</span>;
}

/** A status as a badge; `tone` picks the colour. */
export function StatusBadge({ label, tone }: { label: string; tone: "ok" | "warn" | "bad" | "plain" }) {
  const cls = tone === "ok" ? "badge--approved" : tone === "bad" ? "badge--rejected" : tone === "warn" ? "badge--pending" : "";
  return <span className={`badge ${cls}`}>{label}</span>;
}

export const applicationTone = (status: string) =>
  status === "issued" ? "ok" : status === "declined" || status === "issue_failed" ? "bad" : status === "submitted" ? "warn" : "plain";

export const guaranteeTone = (status: string) =>
  status === "issued" || status === "bound"
    ? "ok"
    : status === "issue_failed" || status === "claimed"
      ? "bad"
      : status === "issuing"
        ? "warn"
        : "plain";
