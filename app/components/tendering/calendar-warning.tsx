import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** DOMAIN.md §3: from 60 days before the loaded calendar runs out, the operator is warned. */
export function CalendarWarning({ warning, link = false }: { warning: { lastYear: number; daysLeft: number } | null; link?: boolean }) {
  const { t } = useTranslation();
  if (!warning) return null;
  const next = warning.lastYear + 1;
  return (
    <div className={`alert ${warning.daysLeft < 0 ? "alert--error" : "alert--warning"}`} role="status" data-testid="calendar-warning">
      {warning.daysLeft < 0
        ? t("tendering.calendar.expired", { lastYear: warning.lastYear, days: -warning.daysLeft, next })
        : t("tendering.calendar.warning", { lastYear: warning.lastYear, daysLeft: warning.daysLeft, next })}
      {link ? (
        <>
          {" "}
          <Link to="/operator/calendar">{t("tendering.dashboard.goToCalendar")}</Link>
        </>
      ) : null}
    </div>
  );
}
