import { INDUSTRIES } from "#app/domain/complaint/jurisdiction.ts";
import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { OpeningFieldsEditor } from "#app/components/tendering/opening-fields-editor.tsx";
import { plusDays, shanghaiDay } from "#app/domain/calendar/local-day.ts";
import { formatYuan, toChineseCapitals, validateYuan, yuanSchema } from "#app/domain/shared/money.ts";
import { REGIONS } from "#app/domain/shared/regions.ts";
import { DEFAULT_OPENING_FORM, OpeningForm } from "#app/domain/tendering/opening-form.ts";
import { PROCUREMENT_TYPES, type ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { EVALUATION_METHODS, SECURITY_FORMS } from "#app/domain/tendering/section-terms.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { projectFormContext } from "#app/services/tendering/project-form-context.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "新建招标项目 · bidhall" }];

/** A `datetime-local` value, meaning Beijing time. */
const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { message: "validation.required" })
  .transform((s) => new Date(`${s}:00+08:00`));
const count = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, { message: "validation.required" })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const SectionDraft = z.object({
  name: z.string().trim().min(1).max(100),
  estimate: yuanSchema,
  security: yuanSchema,
  deadline: localDateTime,
  saleFrom: localDateTime,
  saleUntil: localDateTime,
  signIn: count(0, 24 * 60),
  decryption: count(5, 24 * 60),
  confirmation: count(0, 7 * 24 * 60),
  minimumBids: count(1, 50),
  validity: count(1, 365),
  method: z.string(),
  forms: z.array(z.enum(SECURITY_FORMS)),
  remedy: z.boolean(),
  fields: OpeningForm,
});
type SectionDraft = z.input<typeof SectionDraft>;

const ProjectForm = z.object({
  code: z.string().trim().min(1).max(40),
  name: z.string().trim().min(2).max(200),
  regionCode: z.string().regex(/^\d{6}$/),
  procurementType: z.enum(PROCUREMENT_TYPES),
  mandatoryTendering: z.literal("on").optional(),
  industry: z.enum(INDUSTRIES).default("other"),
  description: z.string().trim().max(5000).default(""),
  tenderer: z.string(),
  sections: z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "validation.required" });
      return z.NEVER;
    }
  }),
});

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const context = await projectFormContext(app, actor);
    const today = shanghaiDay(context.now);
    return { ...context, defaults: defaultSection(today, "engineering") };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta, t }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = ProjectForm.safeParse(Object.fromEntries(form));
    const sections = parsed.success ? z.array(SectionDraft).min(1).max(20).safeParse(parsed.data.sections) : null;
    if (!parsed.success || !sections?.success) {
      const issues = parsed.success ? sections!.error!.issues : parsed.error.issues;
      const message = issues
        .slice(0, 6)
        .map((i) => `${describePath(i.path, t)}${t(messageKey(i.message), (i as { params?: Record<string, unknown> }).params ?? {})}`)
        .join(" ");
      return data({ error: { code: "VALIDATION_FAILED", message } }, { status: 400 });
    }
    const p = parsed.data;
    const { projectId } = await createProject(app, {
      actor,
      project: {
        code: p.code,
        name: p.name,
        regionCode: p.regionCode,
        procurementType: p.procurementType,
        mandatoryTendering: p.mandatoryTendering === "on",
        industry: p.industry,
        description: p.description,
        tendererOrganisationId: p.tenderer === "self" ? undefined : p.tenderer,
      },
      sections: sections.data.map((s) => ({
        name: s.name,
        estimateFen: s.estimate,
        bidSecurityFen: s.security,
        deadlineAt: s.deadline,
        saleFrom: s.saleFrom,
        saleUntil: s.saleUntil,
        signInLeadMinutes: s.signIn,
        decryptionWindowMinutes: s.decryption,
        confirmationPeriodMinutes: s.confirmation,
        minimumBids: s.minimumBids,
        bidValidityDays: s.validity,
        evaluationMethod: s.method,
        securityForms: s.forms,
        remedyAllowed: s.remedy,
        openingForm: s.fields,
      })),
      meta,
    });
    throw redirect(`/projects/${projectId}`);
  });
}

function messageKey(message: string): string {
  if (/^(money|openingForm)\./.test(message)) return `tendering.${message}`;
  return message.includes(".") && !message.includes(" ") ? message : "validation.required";
}

function describePath(path: PropertyKey[], t: (k: string, o?: Record<string, unknown>) => string): string {
  const [first, second] = path;
  if (typeof first === "number") {
    const label = typeof second === "string" && second !== "fields" ? ` · ${t(`tendering.form.${FIELD_LABEL[second] ?? second}`)}` : "";
    return `${t("tendering.form.section", { n: first + 1 })}${label}：`;
  }
  return typeof first === "string" ? `${t(`tendering.form.${first}`)}：` : "";
}

const FIELD_LABEL: Record<string, string> = {
  name: "sectionName",
  estimate: "estimate",
  security: "security",
  deadline: "deadline",
  saleFrom: "saleFrom",
  saleUntil: "saleUntil",
  signIn: "signIn",
  decryption: "decryption",
  confirmation: "confirmation",
  minimumBids: "minimumBids",
  validity: "validity",
  method: "method",
  forms: "forms",
};

function defaultSection(today: string, type: ProcurementType, n = 1): SectionDraft {
  return {
    name: `第${"一二三四五六七八九十"[n - 1] ?? n}标段`,
    estimate: "",
    security: "",
    deadline: `${plusDays(today, 25)}T09:30`,
    saleFrom: `${today}T09:00`,
    saleUntil: `${plusDays(today, 7)}T17:00`,
    signIn: "30",
    decryption: "60",
    confirmation: "30",
    minimumBids: "3",
    validity: "90",
    method: EVALUATION_METHODS[type][1],
    forms: ["guarantee", "transfer"],
    remedy: true,
    fields: DEFAULT_OPENING_FORM,
  };
}

export default function NewProject() {
  const { t, i18n } = useTranslation();
  const ctx = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [type, setType] = useState<ProcurementType>("engineering");
  const [sections, setSections] = useState<SectionDraft[]>([ctx.defaults, { ...ctx.defaults, name: "第二标段" }]);
  const update = (i: number, patch: Partial<SectionDraft>) => setSections((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const changeType = (next: ProcurementType) => {
    setType(next);
    setSections((all) => all.map((s) => ({ ...s, method: EVALUATION_METHODS[next][1] })));
  };
  const capBp = ctx.rules[type].bidSecurityMaxBasisPoints;

  return (
    <div className="stack">
      <h1>{t("tendering.form.title")}</h1>
      <FormError data={actionData} />
      <Form method="post" className="stack" data-testid="project-form">
        <CsrfInput />
        <input type="hidden" name="sections" value={JSON.stringify(sections)} />
        <section className="panel">
          <h2>{t("tendering.form.project")}</h2>
          <div className="form-grid">
            <div className="field">
              <label htmlFor="code">{t("tendering.form.code")}</label>
              <input id="code" name="code" className="mono" defaultValue={ctx.suggestedCode} required maxLength={40} />
              <small className="hint">{t("tendering.form.codeHint")}</small>
            </div>
            <div className="field field--wide">
              <label htmlFor="name">{t("tendering.form.name")}</label>
              <input id="name" name="name" required maxLength={200} />
            </div>
            <div className="field">
              <label htmlFor="regionCode">{t("tendering.form.region")}</label>
              <select id="regionCode" name="regionCode" defaultValue={ctx.regionCode}>
                {REGIONS.map((r) => (
                  <option key={r.code} value={r.code}>
                    {i18n.language === "en" ? r.en : r.zh} ({r.code})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="procurementType">{t("tendering.form.type")}</label>
              <select
                id="procurementType"
                name="procurementType"
                value={type}
                onChange={(e) => changeType(e.target.value as ProcurementType)}
              >
                {PROCUREMENT_TYPES.map((p) => (
                  <option key={p} value={p}>
                    {t(`tendering.types.${p}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="tenderer">{t("tendering.form.tenderer")}</label>
              <select id="tenderer" name="tenderer" defaultValue={ctx.tenderers[0]?.id ?? "self"}>
                {ctx.tenderers.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
                {ctx.selfTendering ? <option value="self">{t("tendering.form.self")}</option> : null}
              </select>
            </div>
            <div className="field">
              <label htmlFor="industry">{t("complaints.jurisdiction.industry")}</label>
              <select id="industry" name="industry" defaultValue="other">
                {INDUSTRIES.map((i) => (
                  <option key={i} value={i}>
                    {t(`complaints.industries.${i}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <span className="label">&nbsp;</span>
              <label className="checkbox">
                <input type="checkbox" name="mandatoryTendering" defaultChecked />
                {t("tendering.form.mandatory")}
              </label>
            </div>
            <div className="field field--wide">
              <label htmlFor="description">{t("tendering.form.description")}</label>
              <textarea id="description" name="description" rows={3} maxLength={5000} />
            </div>
          </div>
        </section>

        {sections.map((s, i) => (
          <section key={i} className="panel" data-testid={`section-form-${i + 1}`}>
            <div className="panel__head">
              <h2>{t("tendering.form.section", { n: i + 1 })}</h2>
              {sections.length > 1 ? (
                <button type="button" className="button button--small" onClick={() => setSections((all) => all.filter((_, j) => j !== i))}>
                  {t("tendering.form.removeSection")}
                </button>
              ) : null}
            </div>
            <div className="form-grid">
              <Input label={t("tendering.form.sectionName")} value={s.name} onChange={(name) => update(i, { name })} id={`s${i}-name`} />
              <Money
                label={t("tendering.form.estimate")}
                value={s.estimate}
                onChange={(estimate) => update(i, { estimate })}
                id={`s${i}-estimate`}
              />
              <Money
                label={t("tendering.form.security")}
                value={s.security}
                onChange={(security) => update(i, { security })}
                id={`s${i}-security`}
                hint={capHint(s.estimate, capBp, t)}
              />
              <Input
                label={t("tendering.form.deadline")}
                type="datetime-local"
                value={s.deadline}
                onChange={(deadline) => update(i, { deadline })}
                id={`s${i}-deadline`}
              />
              <Input
                label={t("tendering.form.saleFrom")}
                type="datetime-local"
                value={s.saleFrom}
                onChange={(saleFrom) => update(i, { saleFrom })}
                id={`s${i}-saleFrom`}
              />
              <Input
                label={t("tendering.form.saleUntil")}
                type="datetime-local"
                value={s.saleUntil}
                onChange={(saleUntil) => update(i, { saleUntil })}
                id={`s${i}-saleUntil`}
              />
              <div className="field">
                <label htmlFor={`s${i}-method`}>{t("tendering.form.method")}</label>
                <select id={`s${i}-method`} value={s.method} onChange={(e) => update(i, { method: e.target.value })}>
                  {EVALUATION_METHODS[type].map((m) => (
                    <option key={m} value={m}>
                      {t(`tendering.methods.${m}`)}
                    </option>
                  ))}
                </select>
              </div>
              <Input
                label={t("tendering.form.validity")}
                type="number"
                value={s.validity}
                onChange={(validity) => update(i, { validity })}
                id={`s${i}-validity`}
              />
              <Input
                label={t("tendering.form.minimumBids")}
                type="number"
                value={s.minimumBids}
                onChange={(minimumBids) => update(i, { minimumBids })}
                id={`s${i}-minimumBids`}
              />
              <Input
                label={t("tendering.form.signIn")}
                type="number"
                value={s.signIn}
                onChange={(signIn) => update(i, { signIn })}
                id={`s${i}-signIn`}
              />
              <Input
                label={t("tendering.form.decryption")}
                type="number"
                value={s.decryption}
                onChange={(decryption) => update(i, { decryption })}
                id={`s${i}-decryption`}
              />
              <Input
                label={t("tendering.form.confirmation")}
                type="number"
                value={s.confirmation}
                onChange={(confirmation) => update(i, { confirmation })}
                id={`s${i}-confirmation`}
              />
              <div className="field field--wide">
                <span className="label">{t("tendering.form.forms")}</span>
                <div className="checkbox-row">
                  {SECURITY_FORMS.map((f) => (
                    <label key={f} className="checkbox">
                      <input
                        type="checkbox"
                        checked={s.forms.includes(f)}
                        disabled={f === "guarantee"}
                        onChange={(e) => update(i, { forms: e.target.checked ? [...s.forms, f] : s.forms.filter((x) => x !== f) })}
                      />
                      {t(`tendering.securityForms.${f}`)}
                    </label>
                  ))}
                  <label className="checkbox">
                    <input type="checkbox" checked={s.remedy} onChange={(e) => update(i, { remedy: e.target.checked })} />
                    {t("tendering.form.remedy")}
                  </label>
                </div>
              </div>
            </div>
            <h3>{t("tendering.form.openingForm")}</h3>
            <OpeningFieldsEditor fields={s.fields} onChange={(fields) => update(i, { fields })} />
          </section>
        ))}
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() =>
              setSections((all) => [
                ...all,
                {
                  ...ctx.defaults,
                  method: EVALUATION_METHODS[type][1],
                  name: defaultSection(shanghaiDay(new Date(ctx.now)), type, all.length + 1).name,
                },
              ])
            }
          >
            {t("tendering.form.addSection")}
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("tendering.form.submit")}
          </button>
          <span className="muted">{t("tendering.form.timesShanghai")}</span>
        </div>
      </Form>
    </div>
  );
}

function capHint(estimate: string, bp: number, t: (k: string, o?: Record<string, unknown>) => string): string | undefined {
  const parsed = validateYuan(estimate);
  if (!parsed.ok) return undefined;
  return t("tendering.form.securityCap", { percent: `${bp / 100}%`, cap: formatYuan((parsed.value * BigInt(bp)) / 10_000n) });
}

function Input(props: { id: string; label: string; value: string; onChange: (v: string) => void; type?: string; hint?: string }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input id={props.id} type={props.type ?? "text"} value={props.value} onChange={(e) => props.onChange(e.target.value)} required />
      {props.hint ? <small className="hint">{props.hint}</small> : null}
    </div>
  );
}

/** An amount typed in yuan, shown back in Chinese capitals (人民币大写) as it is typed. */
function Money(props: { id: string; label: string; value: string; onChange: (v: string) => void; hint?: string }) {
  const { t } = useTranslation();
  const parsed = validateYuan(props.value);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        inputMode="decimal"
        className="mono"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        required
      />
      <small className="capitals" data-testid={`${props.id}-capitals`}>
        {props.value.trim() === ""
          ? "\u00a0"
          : parsed.ok
            ? t("tendering.form.capitals", { capitals: toChineseCapitals(parsed.value) })
            : t(`tendering.money.${parsed.problem.kind}`, parsed.problem)}
      </small>
      {props.hint ? <small className="hint">{props.hint}</small> : null}
    </div>
  );
}
