import { useTranslation } from "react-i18next";

/** A handling limit as the queue and the detail page show it (decision 0063): the day, the source, where it stands. */
export interface DeadlineCellValue {
  count: number;
  lastDay: string | null;
  sourceZh: string;
  sourceEn: string;
  excludedSourceZh: string | null;
  excludedWorkingDays: number;
  provisional: boolean;
  standing: "met" | "late" | "open" | "dueToday" | "overdue" | "paused";
  missingYear: number | null;
}

const TONE: Record<DeadlineCellValue["standing"], string> = {
  met: "muted",
  late: "text-warning",
  open: "",
  dueToday: "text-warning",
  overdue: "text-danger",
  paused: "muted",
};

export function DeadlineCell({ d }: { d: DeadlineCellValue | null }) {
  const { t, i18n } = useTranslation();
  if (!d) return <span className="muted">{t("complaintHandling.notRunning")}</span>;
  if (d.missingYear) return <span className="text-danger">{t("complaintHandling.missingYear", { year: d.missingYear })}</span>;
  return (
    <div data-testid="deadline" data-standing={d.standing}>
      {d.lastDay ? <div className="nowrap">{t("complaintHandling.limitText", { count: d.count, day: d.lastDay })}</div> : null}
      <strong className={TONE[d.standing]}>{t(`complaintHandling.${d.standing}`)}</strong>
      <div className="muted small">
        {i18n.language === "en" ? d.sourceEn : d.sourceZh}
        {d.excludedWorkingDays > 0 ? t("complaintHandling.excluded", { days: d.excludedWorkingDays, source: d.excludedSourceZh }) : null}
      </div>
    </div>
  );
}
