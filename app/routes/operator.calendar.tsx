import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { CalendarWarning } from "#app/components/tendering/calendar-warning.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { loadCalendarYear, readCalendar } from "#app/services/tendering/manage-calendar.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "节假日日历 · bidhall" }];

const Load = z.object({
  year: z.coerce.number().int().min(2004).max(2100),
  source: z.string().trim().min(1).max(300),
  // A year has at most 366 lines of "YYYY-MM-DD name": far below these bounds.
  holidays: z.string().max(40_000),
  workdays: z.string().max(40_000),
});

/** "2027-01-01 元旦" per line → rows; a bad line is left for the service to refuse. */
function days(text: string) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [day = "", ...name] = l.split(/\s+/);
      return { day, name: name.join(" ") };
    });
}

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const year = Number(new URL(args.request.url).searchParams.get("year")) || undefined;
    return readCalendar(app, await requireActor(app, args.request), year);
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Load.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const v = parsed.data;
    const r = await loadCalendarYear(app, {
      actor,
      year: v.year,
      source: v.source,
      holidays: days(v.holidays),
      workdays: days(v.workdays),
      meta,
    });
    return { saved: v.year, recomputed: r.recomputed, changed: r.changed, unsatisfied: r.unsatisfied };
  });
}

export default function Calendar() {
  const { t } = useTranslation();
  const v = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const next = (v.years[0]?.year ?? 2026) + 1;
  return (
    <div className="stack">
      <h1>{t("tendering.calendar.title")}</h1>
      <p className="muted">{t("tendering.calendar.intro")}</p>
      <CalendarWarning warning={v.warning} />
      <FormError data={actionData} />
      {actionData && "saved" in actionData ? (
        <div className="alert alert--success" role="status">
          {t("tendering.calendar.saved", { year: actionData.saved })}{" "}
          <span data-testid="recomputed">{t("tendering.calendar.recomputed", actionData)}</span>
        </div>
      ) : null}
      <div className="two-col">
        <section className="panel">
          <Form method="get" className="filter-bar">
            <label>
              {t("tendering.calendar.year")}
              <select name="year" defaultValue={v.year}>
                {v.provisionalYear ? (
                  <option value={v.provisionalYear}>{t("tendering.calendar.provisionalYear", { year: v.provisionalYear })}</option>
                ) : null}
                {v.years.map((y) => (
                  <option key={y.year} value={y.year}>
                    {y.year}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button">
              {t("tendering.calendar.show")}
            </button>
          </Form>
          {v.provisional ? (
            <p className="alert alert--warning" data-testid="provisional-year">
              {t("tendering.calendar.provisionalNote", { year: v.year })}
            </p>
          ) : (
            <p className="muted">
              {t("tendering.calendar.source")}: {v.years.find((y) => y.year === v.year)?.source}
            </p>
          )}
          <table className="table table--compact" data-testid="calendar-days">
            <thead>
              <tr>
                <th>{t("tendering.calendar.day")}</th>
                <th>{t("tendering.calendar.kind")}</th>
                <th>{t("tendering.calendar.name")}</th>
              </tr>
            </thead>
            <tbody>
              {v.days.map((d) => (
                <tr key={d.day}>
                  <td className="mono">{d.day}</td>
                  <td>{t(`tendering.calendar.${d.kind}`)}</td>
                  <td>{d.name}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {v.statutory.length ? (
            <>
              <h3>{t("tendering.calendar.statutory", { source: v.statutorySource })}</h3>
              <ul className="plain-list" data-testid="statutory-days">
                {v.statutory.map((h) => (
                  <li key={`${h.day}${h.zh}`}>
                    <span className="mono">{h.day}</span> {h.zh}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
        <section className="panel">
          <h2>{t("tendering.calendar.load")}</h2>
          <Form method="post" className="stack">
            <CsrfInput />
            <div className="field">
              <label htmlFor="year">{t("tendering.calendar.year")}</label>
              <input id="year" name="year" type="number" defaultValue={next} required />
            </div>
            <div className="field">
              <label htmlFor="source">{t("tendering.calendar.source")}</label>
              <input id="source" name="source" defaultValue={`国务院办公厅关于${next}年部分节假日安排的通知`} required />
            </div>
            <div className="field">
              <label htmlFor="holidays">{t("tendering.calendar.holidays")}</label>
              <textarea id="holidays" name="holidays" rows={8} className="mono" placeholder={`${next}-01-01 元旦`} />
            </div>
            <div className="field">
              <label htmlFor="workdays">{t("tendering.calendar.workdays")}</label>
              <textarea id="workdays" name="workdays" rows={4} className="mono" />
            </div>
            <button type="submit" className="button button--primary" disabled={busy}>
              {t("tendering.calendar.save")}
            </button>
          </Form>
          <h3>{t("tendering.calendar.years")}</h3>
          <table className="table table--compact">
            <tbody>
              {v.years.slice(0, 5).map((y) => (
                <tr key={y.year}>
                  <td>{y.year}</td>
                  <td>{y.source}</td>
                  <td>{y.loadedBy ?? "—"}</td>
                  <td className="nowrap">
                    <ShanghaiTime at={y.loaded_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}
