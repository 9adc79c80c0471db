import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { FORFEITURE_GROUNDS } from "#app/domain/guarantee/security-return.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listBidSecurities, settleBidSecurity } from "#app/services/guarantee/bid-securities.server.ts";
import { readClarificationReceipts } from "#app/services/tendering/clarification-receipts.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { terminateTender } from "#app/services/tendering/terminate-tender.server.ts";
import lifecycleCss from "#app/styles/lifecycle.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: lifecycleCss },
];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.project.name ?? "项目"} · 终止与保证金 · bidhall` }];

const Params = z.object({ projectId: z.string().uuid() });
const GROUNDS = Object.keys(FORFEITURE_GROUNDS) as [keyof typeof FORFEITURE_GROUNDS, ...(keyof typeof FORFEITURE_GROUNDS)[]];
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("terminate"), reason: z.string().max(2000), sectionIds: z.array(z.string().uuid()).min(1) }),
  z.object({
    intent: z.literal("settle"),
    bidId: z.string().uuid(),
    outcome: z.enum(["returned", "forfeited"]),
    ground: z
      .string()
      .transform((s) => s || undefined)
      .pipe(z.enum(GROUNDS).optional()),
    note: z.string().max(2000),
  }),
]);

function projectIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new AppError("NOT_FOUND", { what: "project" });
  return parsed.data.projectId;
}

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const projectId = projectIdOf(args.params);
    const view = await readProject(app, actor, projectId);
    if (!view.relation) throw new AppError("FORBIDDEN", { permission: "publish:section:own" });
    const [receipts, securities] = await Promise.all([
      readClarificationReceipts(app, actor, projectId),
      listBidSecurities(app, actor, projectId),
    ]);
    const canAct = view.relation !== "regulator" && actor.permissions.has("publish:section:own");
    return { project: view.project, sections: view.sections, canAct, receipts, securities };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const projectId = projectIdOf(args.params);
    const parsed = Intent.safeParse({ ...Object.fromEntries(form), sectionIds: form.getAll("sectionIds") });
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => i.path.join(".")) });
    const v = parsed.data;
    if (v.intent === "terminate") {
      const r = await terminateTender(app, { actor, projectId, sectionIds: v.sectionIds, reason: v.reason, meta });
      return { terminated: r.notified };
    }
    await settleBidSecurity(app, { actor, bidId: v.bidId, outcome: v.outcome, ground: v.ground, note: v.note, meta });
    return { settled: true };
  });
}

export default function ProjectLifecycle() {
  const { t, i18n } = useTranslation();
  const v = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const en = i18n.language === "en";
  const open = v.sections.filter((s) => s.phase === "published");
  const source = v.project.procurementType === "engineering" ? "《招标投标法实施条例》第三十一条" : "87号令第二十九条";
  return (
    <div className="stack">
      <Link to={`/projects/${v.project.id}`}>
        {v.project.name} <span className="mono muted">{v.project.code}</span>
      </Link>
      <h1>{t("lifecycle.manage.title")}</h1>
      <FormError data={result} />
      {result && "terminated" in result ? (
        <div className="alert alert--success" role="status">
          {t("lifecycle.manage.terminated", { count: result.terminated })}
        </div>
      ) : null}
      {result && "settled" in result ? (
        <div className="alert alert--success" role="status">
          {t("lifecycle.manage.settled")}
        </div>
      ) : null}

      {v.canAct ? (
        <section className="panel stack" data-testid="terminate">
          <h2>{t("lifecycle.manage.terminate")}</h2>
          <p className="muted">{t("lifecycle.manage.terminateIntro", { source })}</p>
          {open.length === 0 ? (
            <p className="muted">{t("lifecycle.manage.noOpen")}</p>
          ) : (
            <Form method="post" className="stack">
              <CsrfInput />
              <input type="hidden" name="intent" value="terminate" />
              {open.map((s) => (
                <label key={s.id} className="lc-check">
                  <input type="checkbox" name="sectionIds" value={s.id} defaultChecked /> <span className="mono">{s.code}</span> {s.name}
                </label>
              ))}
              <label>
                {t("lifecycle.manage.reason")}
                <textarea name="reason" required minLength={4} rows={3} />
              </label>
              <button className="button button--danger" disabled={busy}>
                {t("lifecycle.manage.confirm")}
              </button>
            </Form>
          )}
        </section>
      ) : null}

      <section className="panel stack" data-testid="receipts">
        <h2>{t("lifecycle.manage.receipts")}</h2>
        {v.receipts.length === 0 ? <p className="muted">{t("lifecycle.manage.noClarifications")}</p> : null}
        {v.receipts.map((c) => (
          <div key={c.id} className="stack">
            <h3>
              {t("lifecycle.manage.clarification", { sequence: c.sequence, title: c.title })}{" "}
              <span className="muted">
                <ShanghaiTime at={c.issuedAt} /> · {c.sections.map((s) => s.code).join("、")}
              </span>
            </h3>
            <div className="lc-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th>{t("lifecycle.manage.recipient")}</th>
                    <th>{t("lifecycle.manage.notifiedAt")}</th>
                    <th>{t("lifecycle.manage.readers")}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.recipients.map((r) => (
                    <tr key={r.organisation}>
                      <td>{r.organisation}</td>
                      <td>
                        <ShanghaiTime at={r.notifiedAt} />
                      </td>
                      <td>
                        {r.reads.length === 0 ? (
                          <strong>{t("lifecycle.manage.notRead")}</strong>
                        ) : (
                          r.reads.map((x) => (
                            <div key={x.person}>
                              {x.person} <ShanghaiTime at={x.readAt} />
                            </div>
                          ))
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ))}
      </section>

      <section className="panel stack" data-testid="securities">
        <h2>{t("lifecycle.manage.securities")}</h2>
        <p className="muted">{t("lifecycle.manage.securitiesIntro")}</p>
        {v.securities.length === 0 ? (
          <p className="muted">{t("lifecycle.manage.noSecurities")}</p>
        ) : (
          <div className="lc-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>{t("lifecycle.manage.section")}</th>
                  <th>{t("lifecycle.manage.bidder")}</th>
                  <th>{t("lifecycle.manage.form")}</th>
                  <th>{t("lifecycle.manage.amount")}</th>
                  <th>{t("lifecycle.manage.dueBy")}</th>
                  <th>{t("lifecycle.manage.status")}</th>
                  {v.canAct ? <th>{t("lifecycle.manage.record")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {v.securities.map((s) => (
                  <tr key={s.bidId} data-status={s.status}>
                    <td className="mono">{s.section.code}</td>
                    <td>{s.organisation}</td>
                    <td>{t(`lifecycle.forms.${s.form}`)}</td>
                    <td className="num">{formatYuan(BigInt(s.amountFen))}</td>
                    <td>
                      {s.lastDay ?? "—"}
                      <div className="muted">{s.source ? (en ? s.source.en : s.source.zh) : ""}</div>
                    </td>
                    <td>
                      <span className={s.status === "overdue" ? "lc-danger" : undefined}>{t(`lifecycle.status.${s.status}`)}</span>
                      {s.settlement?.groundSource ? (
                        <div className="muted">{en ? s.settlement.groundSource.en : s.settlement.groundSource.zh}</div>
                      ) : null}
                    </td>
                    {v.canAct ? (
                      <td>
                        {s.settlement ? null : (
                          <Form method="post" className="stack lc-settle">
                            <CsrfInput />
                            <input type="hidden" name="intent" value="settle" />
                            <input type="hidden" name="bidId" value={s.bidId} />
                            <label>
                              {t("lifecycle.manage.note")}
                              <input name="note" maxLength={2000} />
                            </label>
                            <select name="ground" aria-label={t("lifecycle.manage.ground")} defaultValue="">
                              <option value="">—</option>
                              {GROUNDS.map((g) => (
                                <option key={g} value={g}>
                                  {t(`lifecycle.grounds.${g}`)}
                                </option>
                              ))}
                            </select>
                            <div>
                              <button className="button" name="outcome" value="returned" disabled={busy}>
                                {t("lifecycle.manage.returned")}
                              </button>{" "}
                              <button className="button button--danger" name="outcome" value="forfeited" disabled={busy}>
                                {t("lifecycle.manage.forfeit")}
                              </button>
                            </div>
                          </Form>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
