import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { readDemoKitPage } from "#app/services/demo/read-demo-kit.server.ts";

export const meta: MetaFunction = () => [{ title: "演示数据 · bidhall" }];

/** Embedded mode only (404 in production): anyone who reaches the demo server may read it, as the login page's account list. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => readDemoKitPage(app));
}

/** The demo's development page: every seat's password, the bidders' key backups, and where the story stands. */
export default function DemoPage() {
  const { t } = useTranslation();
  const { password, accounts, kit } = useLoaderData<typeof loader>();
  return (
    <div className="stack" data-testid="demo-page">
      <h1>{t("demo.title")}</h1>
      <div className="alert alert--warning" role="note" data-testid="demo-warning">
        {t("demo.warning")}
      </div>
      <p className="muted">{t("demo.intro")}</p>

      {kit ? (
        <section className="panel" data-testid="demo-story">
          <h2>{t("demo.story.title")}</h2>
          <p className="muted">
            {t("demo.seededAt")} <ShanghaiTime at={kit.seededAt} />
          </p>
          <table className="table">
            <thead>
              <tr>
                <th>{t("demo.story.section")}</th>
                <th>{t("demo.story.deadline")}</th>
                <th>{t("demo.story.what")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {kit.sections.map((s) => (
                <tr key={s.key} data-testid={`demo-section-${s.key}`}>
                  <td>
                    <div className="mono">{s.code}</div>
                    {s.name}
                  </td>
                  <td className="nowrap">
                    <ShanghaiTime at={s.deadlineAt} />
                  </td>
                  <td>{t(`demo.story.${s.key}`)}</td>
                  <td className="nowrap">
                    <Link to={`/sections/${s.id}/opening`}>{t("demo.story.hall")}</Link>
                    {" · "}
                    <Link to={`/announcements/${kit.projectId}`}>{t("demo.story.announcement")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="panel" data-testid="demo-accounts">
        <h2>{t("demo.accounts.title")}</h2>
        <p>
          {t("demo.accounts.password")} <code data-testid="demo-password">{password}</code>
        </p>
        <table className="table">
          <thead>
            <tr>
              <th>{t("demo.accounts.kind")}</th>
              <th>{t("demo.accounts.organisation")}</th>
              <th>{t("demo.accounts.person")}</th>
              <th>{t("demo.accounts.email")}</th>
              <th>{t("demo.accounts.roles")}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.flatMap((a) =>
              a.people.map((p) => (
                <tr key={p.email}>
                  <td>{t(`kinds.${a.kind}`)}</td>
                  <td>
                    {a.organisation}
                    {a.status === "pending" ? <span className="muted"> （{t("demo.accounts.pending")}）</span> : null}
                  </td>
                  <td>{p.name}</td>
                  <td className="mono">{p.email}</td>
                  <td>{p.roles.map((r) => t(`roles.${r}`)).join("、")}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </section>

      <section className="panel" data-testid="demo-backups">
        <h2>{t("demo.backups.title")}</h2>
        {kit ? (
          <>
            <p className="muted">{t("demo.backups.intro")}</p>
            <p>
              {t("demo.backups.password")} <code data-testid="demo-backup-password">{kit.backupPassword}</code>
            </p>
            <table className="table">
              <thead>
                <tr>
                  <th>{t("demo.backups.person")}</th>
                  <th>{t("demo.backups.organisation")}</th>
                  <th>{t("demo.backups.serial")}</th>
                  <th>{t("demo.backups.notAfter")}</th>
                  <th>{t("demo.backups.status")}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {kit.backups.map((b) => (
                  <tr key={b.slug} data-testid={`demo-backup-${b.slug}`} data-status={b.status}>
                    <td>
                      {b.personName}
                      <div className="mono muted">{b.email}</div>
                    </td>
                    <td>{b.organisationName}</td>
                    <td className="mono">{b.serialHex.toUpperCase()}</td>
                    <td className="nowrap">
                      <ShanghaiTime at={b.notAfter} />
                    </td>
                    <td>{t(`demo.backups.${b.status}`)}</td>
                    <td>
                      {b.status === "valid" ? (
                        <a className="button" href={`/dev/demo/backups/${b.slug}`} download={`${b.slug}-demo.p12`}>
                          {t("demo.backups.download")}
                        </a>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p className="muted">{t("demo.noKit")}</p>
        )}
      </section>
    </div>
  );
}
