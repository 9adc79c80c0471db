import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The section's guarantee applications as the sealing page's loader sends them (newest first). */
export interface GuaranteeSummary {
  applicationId: string;
  status: string;
  guarantorName: string;
  guarantee: { ledgerId: string; status: string } | null;
}

/**
 * The sealing page's "bid security" panel (issue 14): where the organisation's electronic guarantee
 * for this section stands, and the way to apply, pay, supply documents or download it.
 */
export function GuaranteeStatusPanel({ sectionId, applications }: { sectionId: string; applications: GuaranteeSummary[] }) {
  const { t } = useTranslation();
  const current = applications.find((a) => a.status !== "declined") ?? applications[0];
  return (
    <section className="panel stack-sm" data-testid="guarantee-panel" data-status={current?.status ?? "none"}>
      <h2>{t("guaranteeBidder.panel.title")}</h2>
      <p className="muted">{t("guaranteeBidder.panel.intro")}</p>
      {current ? (
        <p data-testid="guarantee-panel-status">
          {t("guaranteeBidder.panel.current", {
            guarantor: current.guarantorName,
            status: t(`guaranteeBidder.statuses.${current.status}`),
          })}
          {current.guarantee && current.guarantee.status !== "issuing" && current.guarantee.status !== "issued" ? (
            <> · {t(`guaranteeBidder.guaranteeStatuses.${current.guarantee.status}`)}</>
          ) : null}
        </p>
      ) : (
        <p className="muted">{t("guaranteeBidder.panel.none")}</p>
      )}
      <Link className="button" to={`/sections/${sectionId}/guarantee`} data-testid="guarantee-panel-link">
        {current && current.status !== "declined" ? t("guaranteeBidder.panel.manage") : t("guaranteeBidder.panel.apply")}
      </Link>
    </section>
  );
}
