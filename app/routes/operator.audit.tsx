import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { AuditFields, AuditType } from "#app/components/audit/audit-fields.tsx";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { PLATFORM_SOURCES } from "#app/domain/tendering/legal-sources.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { browseAuditLog, verifyAuditLog } from "#app/services/audit/browse-audit-log.server.ts";

export const meta: MetaFunction = () => [{ title: "审计日志 · bidhall" }];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Filters = z.object({
  type: z.string().max(100).optional().catch(undefined),
  organisationId: z.string().uuid().optional().catch(undefined),
  person: z.string().max(254).optional().catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

/** Calendar days are Beijing days (DOMAIN.md §3): 00:00:00 to 23:59:59.999 +08:00. */
const startOfDay = (d: string | undefined) => (d ? new Date(`${d}T00:00:00+08:00`) : undefined);
const endOfDay = (d: string | undefined) => (d ? new Date(`${d}T23:59:59.999+08:00`) : undefined);

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const raw = Object.fromEntries([...new URL(args.request.url).searchParams].filter(([, v]) => v !== ""));
    const f = Filters.parse(raw);
    const result = await browseAuditLog(app, actor, { ...f, from: startOfDay(f.from), to: endOfDay(f.to) });
    return { ...result, filters: f };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    return { verification: await verifyAuditLog(app, actor) };
  });
}

export default function AuditLog() {
  const { t, i18n } = useTranslation();
  const { rows, total, page, pages, types, organisations, filters } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const location = useLocation();
  const pageLink = (p: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(p));
    return `?${params.toString()}`;
  };
  const verification = actionData && "verification" in actionData ? actionData.verification : null;
  return (
    <div className="stack">
      <h1>{t("audit.title")}</h1>
      <p className="muted">
        {t("audit.intro", { source: i18n.language === "en" ? PLATFORM_SOURCES.auditTrail.en : PLATFORM_SOURCES.auditTrail.zh })}
      </p>
      <p className="muted">{t("audit.sealedNote")}</p>
      <FormError data={actionData} />
      {verification ? (
        verification.ok ? (
          <div className="alert alert--success" role="status" data-testid="audit-verified">
            {t("audit.verifyOk", { rows: verification.rows })}
          </div>
        ) : (
          <div className="alert alert--error" role="alert" data-testid="audit-broken">
            {t("audit.verifyBad", { seq: verification.badSeq, reason: verification.reason, rows: verification.rows })}
          </div>
        )
      ) : null}
      <section className="panel">
        <Form method="get" className="filter-bar">
          <label>
            {t("audit.type")}
            <select name="type" defaultValue={filters.type ?? ""}>
              <option value="">{t("audit.anyType")}</option>
              {types.map((type) => (
                <option key={type} value={type}>
                  {t(`auditTypes.${type}`, { defaultValue: type })}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("audit.organisation")}
            <select name="organisationId" defaultValue={filters.organisationId ?? ""}>
              <option value="">{t("audit.anyOrganisation")}</option>
              {organisations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("audit.person")}
            <input type="email" name="person" defaultValue={filters.person ?? ""} />
          </label>
          <label>
            {t("audit.from")}
            <input type="date" name="from" defaultValue={filters.from ?? ""} />
          </label>
          <label>
            {t("audit.to")}
            <input type="date" name="to" defaultValue={filters.to ?? ""} />
          </label>
          <button type="submit" className="button button--primary">
            {t("audit.filter")}
          </button>
          <Link to="/operator/audit" className="button">
            {t("audit.reset")}
          </Link>
        </Form>
        <Form method="post" className="filter-bar__verify">
          <CsrfInput />
          <button type="submit" className="button" disabled={busy} data-testid="verify-chain">
            {t("audit.verify")}
          </button>
        </Form>
      </section>
      <section className="panel">
        <p className="muted" data-testid="audit-total">
          {t("audit.total", { total, page, pages })}
        </p>
        {rows.length === 0 ? (
          <p className="muted">{t("audit.empty")}</p>
        ) : (
          <table className="table table--compact audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th className="audit-table__seq">{t("audit.seq")}</th>
                <th className="audit-table__at">{t("audit.at")}</th>
                <th className="audit-table__type">{t("audit.type")}</th>
                <th className="audit-table__actor">{t("audit.actor")}</th>
                <th className="audit-table__ip">{t("audit.ip")}</th>
                <th className="audit-table__data">{t("audit.data")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) =>
                r.sealed ? (
                  <tr key={r.seq} data-type={r.type} data-sealed="">
                    <td className="mono" data-label={t("audit.seq")}>
                      {r.seq}
                    </td>
                    <td className="nowrap" data-label={t("audit.at")}>
                      {r.day}
                    </td>
                    <td data-label={t("audit.type")}>
                      <AuditType type={r.type} />
                    </td>
                    <td colSpan={3} className="muted">
                      {t("audit.sealed")} · {t("audit.sealedRow")}
                    </td>
                  </tr>
                ) : (
                  <tr key={r.seq} data-type={r.type}>
                    <td className="mono" data-label={t("audit.seq")}>
                      {r.seq}
                    </td>
                    <td className="nowrap" data-label={t("audit.at")}>
                      <ShanghaiTime at={r.at} />
                    </td>
                    <td data-label={t("audit.type")}>
                      <AuditType type={r.type} />
                    </td>
                    <td data-label={t("audit.actor")}>
                      {r.person_name ? (
                        <>
                          {r.person_name}
                          <br />
                          <small className="muted">{r.organisation_name}</small>
                        </>
                      ) : (
                        <span className="muted">{r.user_agent === "bidhall-cli" ? "CLI" : t("audit.system")}</span>
                      )}
                    </td>
                    <td className="mono" data-label={t("audit.ip")} data-testid="audit-ip">
                      {r.ip ?? "—"}
                    </td>
                    <td data-label={t("audit.data")} title={r.hash ?? undefined}>
                      <AuditFields data={r.data} />
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        )}
        {pages > 1 ? (
          <nav className="pager" aria-label="pages">
            {page > 1 ? <Link to={pageLink(page - 1)}>{t("audit.prev")}</Link> : <span />}
            {page < pages ? <Link to={pageLink(page + 1)}>{t("audit.next")}</Link> : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
