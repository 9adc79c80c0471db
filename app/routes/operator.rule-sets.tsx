import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { boundText, PROCUREMENT_TYPES, ruleSource, STATUTORY_BOUNDS } from "#app/domain/tendering/rule-set.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listRuleSets, RuleSetChange, updateRuleSet } from "#app/services/tendering/manage-rule-sets.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "规则设置 · bidhall" }];

const NUMBERS = [
  ["documentsToDeadlineDays", "documentsToDeadlineDays"],
  ["documentsOnSaleCount", "documentsOnSale"],
  ["clarificationLeadDays", "clarificationLeadDays"],
  ["documentObjectionLeadDays", "documentObjectionLeadDays"],
  ["bidSecurityMaxBasisPoints", "bidSecurityMaxBasisPoints"],
  ["performanceSecurityMaxBasisPoints", "performanceSecurityMaxBasisPoints"],
  ["minimumBids", "minimumBids"],
] as const;

const Input = z.object({
  procurementType: z.enum(PROCUREMENT_TYPES),
  note: z.string().trim().min(1).max(500),
  documentsOnSaleUnit: z.string(),
});

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ ruleSets: await listRuleSets(app, await requireActor(app, args.request)) }));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const values = Object.fromEntries(form);
    const base = Input.safeParse(values);
    const change = RuleSetChange.safeParse({
      ...Object.fromEntries(NUMBERS.map(([k]) => [k, Number(values[k])])),
      documentsOnSaleUnit: values.documentsOnSaleUnit,
    });
    if (!base.success || !change.success) throw new AppError("VALIDATION_FAILED");
    const { version } = await updateRuleSet(app, {
      actor,
      procurementType: base.data.procurementType,
      change: change.data,
      note: base.data.note,
      meta,
    });
    return { saved: version };
  });
}

export default function RuleSets() {
  const { t, i18n } = useTranslation();
  const text = (c: { zh: string; en: string }) => (i18n.language === "en" ? c.en : c.zh);
  const { ruleSets } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <h1>{t("tendering.ruleSets.title")}</h1>
      <p className="muted">{t("tendering.ruleSets.intro")}</p>
      <FormError data={actionData} />
      {actionData && "saved" in actionData ? (
        <div className="alert alert--success" role="status">
          {t("tendering.ruleSets.saved", { version: actionData.saved })}
        </div>
      ) : null}
      <div className="two-col">
        {ruleSets.map(({ type, current, history }) => {
          const r = current.rules;
          const value = (k: (typeof NUMBERS)[number][0]) => (k === "documentsOnSaleCount" ? r.documentsOnSale.count : r[k]);
          return (
            <section key={`${type}-${current.version}`} className="panel" data-testid={`rule-set-${type}`}>
              <h2>
                {t(`tendering.types.${type}`)}{" "}
                <span className="muted">{t("tendering.ruleSets.current", { version: current.version })}</span>
              </h2>
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="procurementType" value={type} />
                <table className="table table--compact field-editor">
                  <tbody>
                    {NUMBERS.map(([k, sourceKey]) => (
                      <tr key={k}>
                        <td>
                          <label htmlFor={`${type}-${k}`}>{t(`tendering.ruleSets.${k}`)}</label>
                          <div className="muted" data-testid={`bound-${type}-${sourceKey}`}>
                            {t("tendering.ruleSets.bound", {
                              bound: text(boundText(STATUTORY_BOUNDS[type][sourceKey])),
                              source: text(ruleSource(type, sourceKey)),
                            })}
                          </div>
                        </td>
                        <td className="field-editor__number">
                          <input id={`${type}-${k}`} name={k} type="number" min={0} defaultValue={value(k)} required />
                        </td>
                      </tr>
                    ))}
                    <tr>
                      <td>
                        <label htmlFor={`${type}-unit`}>{t("tendering.ruleSets.documentsOnSaleUnit")}</label>
                      </td>
                      <td>
                        <select id={`${type}-unit`} name="documentsOnSaleUnit" defaultValue={r.documentsOnSale.unit}>
                          <option value="calendarDays">{t("tendering.ruleSets.calendarDays")}</option>
                          <option value="workingDays">{t("tendering.ruleSets.workingDays")}</option>
                        </select>
                      </td>
                    </tr>
                  </tbody>
                </table>
                <div className="field">
                  <label htmlFor={`${type}-note`}>{t("tendering.ruleSets.note")}</label>
                  <input id={`${type}-note`} name="note" required maxLength={500} />
                </div>
                <button type="submit" className="button button--primary" disabled={busy}>
                  {t("tendering.ruleSets.save")}
                </button>
              </Form>
              <h3>{t("tendering.ruleSets.history")}</h3>
              <table className="table table--compact">
                <thead>
                  <tr>
                    <th>{t("tendering.ruleSets.version")}</th>
                    <th>{t("tendering.ruleSets.note")}</th>
                    <th>{t("tendering.ruleSets.by")}</th>
                    <th>{t("tendering.ruleSets.at")}</th>
                  </tr>
                </thead>
                <tbody>
                  {history.map((h) => (
                    <tr key={h.version}>
                      <td>v{h.version}</td>
                      <td>{h.note}</td>
                      <td>{h.createdBy ?? "—"}</td>
                      <td className="nowrap">
                        <ShanghaiTime at={h.created_at} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          );
        })}
      </div>
    </div>
  );
}
