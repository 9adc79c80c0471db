import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";

export const meta: MetaFunction = () => [{ title: "个人信息与权限 · bidhall" }];

/** The person's own profile: who they are, for which organisation, with which roles and permissions (moved here from the dashboard, issue 13). */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    return {
      name: actor.personName,
      email: actor.email,
      organisation: { id: actor.membership.organisationId, name: actor.membership.organisationName },
      roles: actor.membership.roles,
      permissions: [...actor.permissions],
    };
  });
}

export default function Profile() {
  const { t } = useTranslation();
  const { name, email, organisation, roles, permissions } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("ui.profile.title")}</h1>
      <div className="grid">
        <section className="panel">
          <dl className="facts">
            <dt>{t("ui.profile.name")}</dt>
            <dd>{name}</dd>
            <dt>{t("ui.profile.email")}</dt>
            <dd className="mono">{email}</dd>
            <dt>{t("ui.profile.organisation")}</dt>
            <dd>
              <Link to={`/organisations/${organisation.id}`}>{organisation.name}</Link>
            </dd>
            <dt>{t("ui.profile.roles")}</dt>
            <dd>{roles.map((r) => t(`roles.${r}`)).join("、")}</dd>
          </dl>
          <p>
            <Link to="/certificates">{t("certificates.nav")}</Link>
            {(permissions as readonly string[]).includes("submit:bid:own") ? (
              <>
                {" · "}
                <Link to="/api-tokens">{t("apiTokens.dashboardLink")}</Link>
              </>
            ) : null}
          </p>
        </section>
        <section className="panel">
          <h2>{t("ui.profile.permissionsTitle")}</h2>
          <p className="muted">{t("ui.profile.permissionsIntro")}</p>
          {permissions.length === 0 ? (
            <p className="muted">{t("ui.profile.noPermissions")}</p>
          ) : (
            <ul className="ticks" data-testid="permissions">
              {permissions.map((p) => (
                <li key={p} data-permission={p}>
                  {t(`permissions.${p}`)}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
