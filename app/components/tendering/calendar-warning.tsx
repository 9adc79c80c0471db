import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/**
 * DOMAIN.md §3: from 60 days before the official calendar runs out, the operator is warned. While
 * the next year is answered provisionally (decision 0031) the warning says so — periods are
 * counted and marked provisional, not refused; past the provisional table they are refused.
 */
export function CalendarWarning({
  warning,
  link = false,
}: {
  warning: { lastYear: number; daysLeft: number; provisional: boolean } | null;
  link?: boolean;
}) {
  const { t } = useTranslation();
  if (!warning) return null;
  const next = warning.lastYear + 1;
  const expired = warning.daysLeft < 0;
  const key = expired ? (warning.provisional ? "expired" : "expiredRefused") : warning.provisional ? "warning" : "warningRefused";
  return (
    <div className={`alert ${expired ? "alert--error" : "alert--warning"}`} role="status" data-testid="calendar-warning">
      {t(`tendering.calendar.${key}`, { lastYear: warning.lastYear, daysLeft: warning.daysLeft, days: -warning.daysLeft, next })}
      {link ? (
        <>
          {" "}
          <Link to="/operator/calendar">{t("tendering.dashboard.goToCalendar")}</Link>
        </>
      ) : null}
    </div>
  );
}
