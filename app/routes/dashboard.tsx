import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { getDashboardSummary } from "#app/services/organisations/read-organisations.server.ts";
import { calendarWarning } from "#app/services/tendering/manage-calendar.server.ts";
import { CalendarWarning } from "#app/components/tendering/calendar-warning.tsx";

export const meta: MetaFunction = () => [{ title: "工作台 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const summary = await getDashboardSummary(app, actor);
    // DOMAIN.md §3: the operator is warned from 60 days before the holiday calendar runs out.
    const calendar = actor.permissions.has("manage:ruleset:any") ? await calendarWarning(app) : null;
    return { ...summary, calendar, roles: actor.membership.roles, permissions: [...actor.permissions] };
  });
}

export default function Dashboard() {
  const { t } = useTranslation();
  const { organisation, pendingApprovals, memberCount, roles, permissions, calendar } = useLoaderData<typeof loader>();
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
      <div className="grid">
        {organisation.kinds.map((kind) => (
          <section key={kind} className="panel card" data-testid={`desk-${kind}`}>
            <h2>{t(`dashboard.kindHeading.${kind}`)}</h2>
            <p className="muted">{t(`dashboard.kindIntro.${kind}`)}</p>
            {pendingApprovals !== null && kind === "operator" ? (
              <p className="card__figure">
                {t("dashboard.approvalsWaiting", { count: pendingApprovals })}{" "}
                <Link to="/operator/approvals" className="button button--small">
                  {t("dashboard.goToApprovals")}
                </Link>
              </p>
            ) : null}
          </section>
        ))}
        <section className="panel card">
          <h2>{t("dashboard.organisationCard")}</h2>
          <dl className="facts">
            <dt>{t("dashboard.usccLabel")}</dt>
            <dd className="mono">{organisation.uscc}</dd>
            <dt>{t("dashboard.kindsLabel")}</dt>
            <dd>{organisation.kinds.map((k) => t(`kinds.${k}`)).join("、")}</dd>
            <dt>{t("dashboard.regionLabel")}</dt>
            <dd>
              {organisation.region_name} ({organisation.region_code})
            </dd>
            <dt>{t("dashboard.statusLabel")}</dt>
            <dd>
              <span className={`badge badge--${organisation.status}`}>{t(`status.${organisation.status}`)}</span>
            </dd>
            <dt>{t("dashboard.rolesLabel")}</dt>
            <dd>{roles.map((r) => t(`roles.${r}`)).join("、")}</dd>
          </dl>
          {memberCount !== null ? (
            <p>
              {t("dashboard.membersCount", { count: memberCount })}{" "}
              <Link to={`/organisations/${organisation.id}/members`}>{t("dashboard.goToMembers")}</Link>
            </p>
          ) : null}
        </section>
        <section className="panel card">
          <h2>{t("dashboard.permissionsTitle")}</h2>
          {permissions.length === 0 ? (
            <p className="muted">{t("dashboard.noPermissions")}</p>
          ) : (
            <ul className="ticks" data-testid="permissions">
              {permissions.map((p) => (
                <li key={p} data-permission={p}>
                  {t(`permissions.${p}`)}
                </li>
              ))}
            </ul>
          )}
          {(permissions as readonly string[]).includes("submit:bid:own") ? (
            <p>
              <Link to="/bids">{t("bidding.nav")}</Link> · <Link to="/api-tokens">{t("apiTokens.dashboardLink")}</Link>
            </p>
          ) : null}
        </section>
      </div>
    </div>
  );
}
