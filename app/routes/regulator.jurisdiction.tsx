import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { JURISDICTION_INDUSTRIES } from "#app/domain/complaint/jurisdiction.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { REGIONS, regionWithin } from "#app/domain/shared/regions.ts";
import { PROCUREMENT_TYPES } from "#app/domain/tendering/rule-set.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { declareJurisdiction, JurisdictionEntry, readJurisdiction } from "#app/services/complaints/jurisdiction.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "监管管辖范围 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => readJurisdiction(app, await requireActor(app, args.request)));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const regions = form.getAll("regionCode");
    const types = form.getAll("procurementType");
    const industries = form.getAll("industry");
    const entries = z
      .array(JurisdictionEntry)
      .max(200)
      .safeParse(regions.map((r, i) => ({ regionCode: r, procurementType: types[i], industry: industries[i] })));
    if (!entries.success) throw new AppError("VALIDATION_FAILED", { issues: ["entries"] });
    await declareJurisdiction(app, { actor, entries: entries.data, meta });
    return { saved: true };
  });
}

export default function Jurisdiction() {
  const { t } = useTranslation();
  const { entries, organisationRegion } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const regions = REGIONS.filter((r) => regionWithin(r.code, organisationRegion));
  const [rows, setRows] = useState(entries.length ? entries.map((e) => ({ ...e })) : []);
  return (
    <div className="stack">
      <h1>{t("complaints.jurisdiction.title")}</h1>
      <p className="muted">{t("complaints.jurisdiction.intro")}</p>
      <FormError data={result} />
      {result && "saved" in result ? (
        <div className="alert alert--success" role="status">
          {t("complaints.jurisdiction.saved")}
        </div>
      ) : null}
      <Form method="post" className="panel stack" data-testid="jurisdiction-form">
        <CsrfInput />
        {rows.length === 0 ? <p className="muted">{t("complaints.jurisdiction.none")}</p> : null}
        {rows.map((row, i) => (
          <div key={i} className="form-grid">
            <div className="field">
              <label htmlFor={`region-${i}`}>{t("complaints.jurisdiction.region")}</label>
              <select id={`region-${i}`} name="regionCode" defaultValue={row.regionCode}>
                {regions.map((r) => (
                  <option key={r.code} value={r.code}>
                    {r.zh} {r.code}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`type-${i}`}>{t("complaints.jurisdiction.type")}</label>
              <select id={`type-${i}`} name="procurementType" defaultValue={row.procurementType}>
                {PROCUREMENT_TYPES.map((p) => (
                  <option key={p} value={p}>
                    {t(`complaints.types.${p}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`industry-${i}`}>{t("complaints.jurisdiction.industry")}</label>
              <select id={`industry-${i}`} name="industry" defaultValue={row.industry}>
                {JURISDICTION_INDUSTRIES.map((p) => (
                  <option key={p} value={p}>
                    {t(`complaints.industries.${p}`)}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" className="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              {t("complaints.jurisdiction.remove")}
            </button>
          </div>
        ))}
        <div>
          <button
            type="button"
            className="button"
            onClick={() =>
              setRows([
                ...rows,
                {
                  regionCode: regions[0]?.code ?? organisationRegion,
                  procurementType: "engineering",
                  industry: "any",
                  declaredAt: new Date(),
                  declaredBy: "",
                },
              ])
            }
          >
            {t("complaints.jurisdiction.add")}
          </button>{" "}
          <button type="submit" className="button button--primary">
            {t("complaints.jurisdiction.save")}
          </button>
        </div>
      </Form>
    </div>
  );
}
