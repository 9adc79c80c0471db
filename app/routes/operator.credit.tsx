import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { FORM_BODY_LIMIT, runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { importCredit } from "#app/services/credit/import-credit.server.ts";
import { readCreditOverview } from "#app/services/credit/read-credit.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "信用数据 · bidhall" }];

const MAX_BYTES = 10 * 1024 * 1024;

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => readCreditOverview(app, await requireActor(app, args.request)));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(
    args,
    async ({ app, meta }, form) => {
      const actor = await requireActor(app, args.request);
      const file = form.get("file");
      if (!(file instanceof Blob) || file.size === 0 || file.size > MAX_BYTES) throw new AppError("VALIDATION_FAILED", { field: "file" });
      const r = await importCredit(app, { actor, filename: (file as File).name || "credit.csv", content: await file.text(), meta });
      return { imported: r };
    },
    { maxBodyBytes: MAX_BYTES + FORM_BODY_LIMIT },
  ); // the file and the form around it
}

export default function Credit() {
  const { t } = useTranslation();
  const { imports, standings } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <h1>{t("tendering.credit.title")}</h1>
      <p className="muted">{t("tendering.credit.intro")}</p>
      <FormError data={actionData} />
      {actionData && "imported" in actionData && actionData.imported ? (
        <div className="alert alert--success" role="status" data-testid="credit-imported">
          {t("tendering.credit.imported", actionData.imported)}
        </div>
      ) : null}
      <section className="panel">
        <Form method="post" encType="multipart/form-data" className="inline-fields">
          <CsrfInput />
          <label>
            {t("tendering.credit.file")} <input type="file" name="file" accept=".csv,.json,text/csv,application/json" required />
          </label>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("tendering.credit.import")}
          </button>
        </Form>
      </section>
      <section className="panel">
        <h2>{t("tendering.credit.standings")}</h2>
        <table className="table" data-testid="credit-standings">
          <thead>
            <tr>
              <th>{t("tendering.credit.organisation")}</th>
              <th>USCC</th>
              <th>{t("tendering.credit.grade")}</th>
              <th>{t("tendering.credit.since")}</th>
              <th>{t("tendering.credit.source")}</th>
              <th>{t("tendering.credit.reason")}</th>
              <th>{t("tendering.credit.bans")}</th>
            </tr>
          </thead>
          <tbody>
            {standings.map((s) => (
              <tr key={s.uscc} data-testid={`standing-${s.uscc}`}>
                <td>{s.organisation ?? <span className="muted">{t("tendering.credit.notJoined")}</span>}</td>
                <td className="mono">{s.uscc}</td>
                <td>
                  {s.current ? <span className={`grade grade--${s.current.grade}`}>{t(`tendering.grades.${s.current.grade}`)}</span> : "—"}
                </td>
                <td className="nowrap">{s.current ? <ShanghaiTime at={s.current.effectiveFrom} /> : null}</td>
                <td>{s.current?.source}</td>
                <td>{s.current?.reason}</td>
                <td>
                  {s.bans.length === 0
                    ? t("tendering.credit.none")
                    : s.bans.map((b, i) => (
                        <div key={i}>
                          {t(`tendering.types.${b.scope === "both" ? "engineering" : b.scope}`)}
                          {b.scope === "both" ? ` + ${t("tendering.types.government")}` : ""} · {b.basis} ·{" "}
                          {t("tendering.credit.until", {
                            until: new Date(b.until).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" }),
                          })}
                        </div>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2>{t("tendering.credit.imports")}</h2>
        <table className="table table--compact">
          <thead>
            <tr>
              <th>{t("tendering.credit.filename")}</th>
              <th>{t("tendering.credit.rows")}</th>
              <th>SHA-256</th>
              <th>{t("tendering.credit.at")}</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((i) => (
              <tr key={i.id}>
                <td>{i.filename}</td>
                <td>{i.rows}</td>
                <td className="hash">{i.sha256}</td>
                <td className="nowrap">
                  <ShanghaiTime at={i.imported_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
