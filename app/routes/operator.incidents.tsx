import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Field, FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { PLATFORM_SOURCES } from "#app/domain/tendering/legal-sources.ts";
import { parseForm, runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor, requirePermission } from "#app/server/session.server.ts";
import { listPlatformIncidents } from "#app/services/opening/list-platform-incidents.server.ts";
import { recordPlatformIncident } from "#app/services/opening/record-platform-incident.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "平台故障记录 · bidhall" }];

/** A `datetime-local` value, meaning Beijing time (DOMAIN.md §3). */
const beijingTime = z
  .string({ message: "validation.required" })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, { message: "validation.required" })
  .transform((s) => new Date(`${s.length === 16 ? `${s}:00` : s}+08:00`));

/** The service refuses the same spans; checked here too so the form names the field in the user's language. */
const incidentSchema = (now: Date) =>
  z
    .object({
      startedAt: beijingTime,
      endedAt: beijingTime,
      description: z.string({ message: "validation.required" }).trim().min(1, { message: "validation.required" }).max(2000),
    })
    .superRefine((v, ctx) => {
      if (v.startedAt > now) ctx.addIssue({ code: "custom", path: ["startedAt"], message: "openingAdmin.incidents.startNotFuture" });
      if (!(v.startedAt < v.endedAt)) ctx.addIssue({ code: "custom", path: ["endedAt"], message: "openingAdmin.incidents.endAfterStart" });
    });

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ incidents: await listPlatformIncidents(app, await requireActor(app, args.request)) }));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta, t, now }, form) => {
    const actor = await requireActor(app, args.request);
    requirePermission(actor, "record:incident:any");
    const submission = parseForm(form, incidentSchema(now), t);
    if (submission.status !== "success") return { result: submission.reply() };
    await recordPlatformIncident(app, { actor, ...submission.value, meta });
    return { result: submission.reply({ resetForm: true }), recorded: true };
  });
}

export default function OperatorIncidents() {
  const { t, i18n } = useTranslation();
  const { incidents } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm<z.input<ReturnType<typeof incidentSchema>>>({
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
  });
  return (
    <div className="stack">
      <h1>{t("openingAdmin.incidents.title")}</h1>
      <p className="muted">
        {t("openingAdmin.incidents.intro", {
          source: i18n.language === "en" ? PLATFORM_SOURCES.platformIncident.en : PLATFORM_SOURCES.platformIncident.zh,
        })}
      </p>
      <FormError data={actionData} />
      {actionData && "recorded" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="incident-recorded">
          {t("openingAdmin.incidents.recorded")}
        </div>
      ) : null}
      <section className="panel form-panel">
        <Form method="post" {...getFormProps(form)} data-testid="incident-form">
          <CsrfInput />
          <div className="grid">
            <Field
              id={fields.startedAt.id}
              label={t("openingAdmin.incidents.startedAt")}
              hint={t("openingAdmin.incidents.timeHint")}
              errors={fields.startedAt.errors}
            >
              <input {...getInputProps(fields.startedAt, { type: "datetime-local" })} />
            </Field>
            <Field
              id={fields.endedAt.id}
              label={t("openingAdmin.incidents.endedAt")}
              hint={t("openingAdmin.incidents.timeHint")}
              errors={fields.endedAt.errors}
            >
              <input {...getInputProps(fields.endedAt, { type: "datetime-local" })} />
            </Field>
          </div>
          <Field id={fields.description.id} label={t("openingAdmin.incidents.description")} errors={fields.description.errors}>
            <textarea {...getTextareaProps(fields.description)} rows={3} maxLength={2000} />
          </Field>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("openingAdmin.incidents.record")}
          </button>
        </Form>
      </section>
      <section className="panel">
        <h2>{t("openingAdmin.incidents.list")}</h2>
        {incidents.length === 0 ? (
          <p className="muted">{t("openingAdmin.incidents.none")}</p>
        ) : (
          <table className="table" data-testid="incidents">
            <thead>
              <tr>
                <th>{t("openingAdmin.incidents.span")}</th>
                <th>{t("openingAdmin.incidents.description")}</th>
                <th>{t("openingAdmin.incidents.recordedBy")}</th>
                <th>{t("openingAdmin.incidents.recordedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((i) => (
                <tr key={i.id} data-testid={`incident-${i.id}`}>
                  <td className="nowrap">
                    <ShanghaiTime at={i.startedAt} /> – <ShanghaiTime at={i.endedAt} />
                  </td>
                  <td>{i.description}</td>
                  <td className="nowrap">{i.recordedByName}</td>
                  <td className="nowrap">
                    <ShanghaiTime at={i.recordedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
