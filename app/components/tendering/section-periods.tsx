import { useTranslation } from "react-i18next";
import { COUNTING_SOURCES } from "#app/domain/tendering/legal-checks.ts";

/**
 * A section's statutory periods as stored at publication (decisions 0030–0031): each with its
 * last day and source, marked provisional when counted on a year the State Council has not
 * published; and, for the parties and the regulator, the banner of periods the official calendar
 * moved. Rendered on the public announcement and on the agency's project page.
 */
export interface PeriodView {
  rule: "documentsOnSale" | "documentsToDeadline";
  source: string;
  count: number;
  unit: "calendarDays" | "workingDays";
  lastDay: string;
  provisional: boolean;
}

export interface PeriodChangeView {
  id: string;
  sectionCode: string;
  rule: string;
  source: string;
  oldLastDay: string;
  newLastDay: string;
  satisfied: boolean;
  stillProvisional: boolean;
  calendarYear: number;
}

export function SectionPeriods({ periods, procurementType }: { periods: PeriodView[]; procurementType: string }) {
  const { t } = useTranslation();
  if (periods.length === 0) return null;
  const counting = COUNTING_SOURCES[procurementType as keyof typeof COUNTING_SOURCES] ?? "";
  return (
    <div className="facts-grid__wide" data-testid="section-periods">
      <dt>{t("tendering.periods.title")}</dt>
      <dd>
        <ul className="plain-list">
          {periods.map((p) => (
            <li key={p.rule} data-testid={`period-${p.rule}`}>
              {t(`tendering.periods.${p.rule}`, { count: p.count, unit: t(`tendering.periods.${p.unit}`) })}{" "}
              <span className="mono">{p.lastDay}</span>
              {p.provisional ? (
                <>
                  {" "}
                  <span
                    className="badge badge--pending"
                    title={t("tendering.periods.provisionalHint", { year: p.lastDay.slice(0, 4) })}
                    data-testid="provisional"
                  >
                    {t("tendering.periods.provisional")}
                  </span>
                </>
              ) : null}{" "}
              <span className="muted">（{p.source}）</span>
            </li>
          ))}
        </ul>
        {periods.some((p) => p.provisional) ? (
          <p className="muted" data-testid="provisional-hint">
            {t("tendering.periods.provisionalHint", { year: periods.find((p) => p.provisional)!.lastDay.slice(0, 4) })}
          </p>
        ) : null}
        <p className="muted">{t("tendering.periods.counting", { source: counting })}</p>
      </dd>
    </div>
  );
}

/** The banner the agency, the tenderer and the regulator see when the official calendar moved a period. */
export function PeriodChanges({ changes }: { changes: PeriodChangeView[] | null }) {
  const { t } = useTranslation();
  if (!changes?.length) return null;
  const unsatisfied = changes.some((c) => !c.satisfied);
  return (
    <div className={`alert ${unsatisfied ? "alert--error" : "alert--warning"}`} role="status" data-testid="period-changes">
      <strong>{t("tendering.periods.changesTitle")}</strong>
      <ul className="plain-list">
        {changes.map((c) => (
          <li key={c.id}>
            {t("tendering.periods.change", {
              section: c.sectionCode,
              rule: t(c.rule === "documentsOnSale" ? "tendering.periods.ruleDocumentsOnSale" : "tendering.periods.ruleDocumentsToDeadline"),
              source: c.source,
              from: c.oldLastDay,
              to: c.newLastDay,
              year: c.calendarYear,
            })}{" "}
            {t(c.satisfied ? "tendering.periods.satisfied" : "tendering.periods.unsatisfied")}
            {c.stillProvisional ? ` ${t("tendering.periods.provisional")}` : ""}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The flag on a section in the agency's and the regulator's lists: periods the official calendar moved. */
export function PeriodFlag({ changes }: { changes: { total: number; unsatisfied: number } }) {
  const { t } = useTranslation();
  if (changes.total === 0) return null;
  return (
    <span
      className={`badge ${changes.unsatisfied ? "badge--rejected" : "badge--pending"}`}
      data-testid="period-flag"
      title={t("tendering.periods.changesTitle")}
    >
      {t(changes.unsatisfied ? "tendering.periods.flagUnsatisfied" : "tendering.periods.flag")}
    </span>
  );
}

/** The banner on the regulator's project list: the sections whose periods the official calendar moved. */
export function PeriodChangesSummary({
  sections,
}: {
  sections: { id: string; code: string; name: string; projectName: string; periodChanges: { total: number; unsatisfied: number } }[];
}) {
  const { t } = useTranslation();
  const moved = sections.filter((s) => s.periodChanges.total > 0);
  if (moved.length === 0) return null;
  const unsatisfied = moved.filter((s) => s.periodChanges.unsatisfied > 0);
  return (
    <div className={`alert ${unsatisfied.length ? "alert--error" : "alert--warning"}`} role="status" data-testid="period-changes-summary">
      <strong>{t("tendering.periods.changesTitle")}</strong>{" "}
      {t("tendering.periods.summary", { count: moved.length, unsatisfied: unsatisfied.length })}{" "}
      {moved.map((s) => `${s.projectName} ${s.code}`).join("、")}
    </div>
  );
}
