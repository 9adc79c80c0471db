import { Form } from "@remix-run/react";
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import type { OfficialPersonView, OpeningView } from "#app/domain/opening/view.ts";

/**
 * 开标人、记录人、监标人 as the opening record will name them (decision 46). The host may choose
 * the recorder among its members and the supervisor among the regulator's members until the
 * record is generated; the tenderer and the regulator read them.
 */
export function OfficialsPanel({ view, busy }: { view: OpeningView; busy: boolean }) {
  const { t } = useTranslation();
  const o = view.officials;
  if (!o) return null;
  const person = (p: OfficialPersonView | null) => (p ? `${p.name}（${p.organisationName}）` : null);
  const rows = [
    { duty: "host" as const, value: person(o.host) ?? t("openingHall.officials.notYet"), how: null },
    {
      duty: "recorder" as const,
      value: person(o.recorder) ?? t("openingHall.officials.notYet"),
      how: o.recorder ? t(o.recorder.chosen ? "openingHall.officials.chosen" : "openingHall.officials.acted") : null,
    },
    {
      duty: "supervisor" as const,
      value: person(o.supervisor) ?? t("openingHall.officials.noSupervisor"),
      how: o.supervisor ? t(o.supervisor.chosen ? "openingHall.officials.chosen" : "openingHall.officials.acted") : null,
    },
  ];
  const candidates = view.officialCandidates;
  return (
    <section className="panel" data-testid="officials">
      <h2>{t("openingHall.officials.title")}</h2>
      <p className="muted">{t("openingHall.officials.intro")}</p>
      <dl className="facts">
        {rows.map((r) => (
          <Fragment key={r.duty}>
            <dt>{t(`openingHall.officials.${r.duty}`)}</dt>
            <dd data-testid={`official-${r.duty}`}>
              {r.value} {r.how ? <span className="muted">· {r.how}</span> : null}
            </dd>
          </Fragment>
        ))}
      </dl>
      {candidates
        ? (["recorder", "supervisor"] as const).map((duty) => (
            <Form key={duty} method="post" className="inline-fields" data-testid={`choose-${duty}`}>
              <CsrfInput />
              <input type="hidden" name="duty" value={duty} />
              <label>
                {t(`openingHall.officials.${duty}`)}
                <select name="personId" required defaultValue="" disabled={candidates[duty].length === 0}>
                  <option value="" disabled>
                    {candidates[duty].length === 0 ? t("openingHall.officials.none") : t("openingHall.officials.choosePerson")}
                  </option>
                  {candidates[duty].map((c) => (
                    <option key={c.personId} value={c.personId}>
                      {c.name} · {c.organisationName}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="submit"
                name="intent"
                value="assignOfficial"
                className="button button--small"
                disabled={busy || candidates[duty].length === 0}
              >
                {t("openingHall.officials.choose")}
              </button>
            </Form>
          ))
        : null}
    </section>
  );
}
