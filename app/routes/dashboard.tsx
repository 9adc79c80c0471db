import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CalendarWarning } from "#app/components/tendering/calendar-warning.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { urgencyOf } from "#app/domain/dashboard/todo.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { readTodo } from "#app/services/dashboard/read-todo.server.ts";
import { getDashboardSummary } from "#app/services/organisations/read-organisations.server.ts";
import { calendarWarning } from "#app/services/tendering/manage-calendar.server.ts";

export const meta: MetaFunction = () => [{ title: "工作台 · bidhall" }];

/** The dashboard is a to-do list, nearest deadline first (issue 13, decision 48); permissions are on /profile. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const [summary, todo] = await Promise.all([getDashboardSummary(app, actor), readTodo(app, actor)]);
    // DOMAIN.md §3: the operator is warned from 60 days before the holiday calendar runs out.
    const calendar = actor.permissions.has("manage:ruleset:any") ? await calendarWarning(app) : null;
    return { organisation: summary.organisation, todo, calendar, now: app.clock.now().toISOString() };
  });
}

export default function Dashboard() {
  const { t } = useTranslation();
  const { organisation, todo, calendar, now } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1 data-testid="dashboard-title">{t("dashboard.title", { organisation: organisation.name })}</h1>
      <CalendarWarning warning={calendar} link />
      {organisation.status === "pending" ? (
        <div className="alert alert--warning" role="status">
          {t("dashboard.pendingNotice", { organisation: organisation.name })}
        </div>
      ) : null}
      {organisation.status === "rejected" ? (
        <div className="alert alert--error" role="status">
          {t("dashboard.rejectedNotice", { organisation: organisation.name, reason: organisation.decision_reason ?? "" })}
        </div>
      ) : null}
      <section className="panel" aria-labelledby="todo-title">
        <h2 id="todo-title">{t("ui.todo.title")}</h2>
        <p className="muted">{t("ui.todo.intro")}</p>
        {todo.length === 0 ? (
          <p className="muted" data-testid="todo-empty">
            {t("ui.todo.empty")}
          </p>
        ) : (
          <ul className="todo" data-testid="todo">
            {todo.map((item) => {
              const urgency = urgencyOf(item.dueAt ? new Date(item.dueAt) : null, new Date(now));
              const modifier =
                urgency === "overdue" || urgency === "today" ? " todo__item--urgent" : urgency === "soon" ? " todo__item--warning" : "";
              return (
                <li key={item.key} className={`todo__item${modifier}`} data-kind={item.kind} data-urgency={urgency}>
                  <span className="todo__title">{t(`ui.todo.kinds.${item.kind}.title`)}</span>
                  <Link to={item.link} className="button button--small todo__action">
                    {t("ui.todo.go")}
                  </Link>
                  <span className="todo__detail">{t(`ui.todo.kinds.${item.kind}.detail`, item.params)}</span>
                  <span className="todo__when">
                    {item.dueAt ? (
                      <>
                        {t(`ui.todo.due.${urgency}`, { at: "" })}
                        <ShanghaiTime at={item.dueAt} />
                      </>
                    ) : (
                      t("ui.todo.due.open")
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <p className="muted">
        <Link to="/profile">{t("ui.nav.profile")}</Link>
      </p>
    </div>
  );
}
