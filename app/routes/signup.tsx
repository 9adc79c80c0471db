import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { ErrorList, Field, FormError } from "#app/components/form.tsx";
import { REGIONS } from "#app/domain/shared/regions.ts";
import { normaliseOrganisationName, ORGANISATION_NAME_MAX } from "#app/domain/shared/organisation-name.ts";
import { usccSchema } from "#app/domain/shared/uscc.ts";
import { parseForm, runAction } from "#app/server/route.server.ts";
import { signUpOrganisation } from "#app/services/organisations/sign-up-organisation.server.ts";

export const meta: MetaFunction = () => [{ title: "单位注册 · bidhall" }];

/** The operator (trading centre) is set up by the platform itself, never by sign-up. */
const SIGNUP_KINDS = ["bidder", "tenderer", "agency", "guarantor", "regulator", "finance"] as const;

const SignUpSchema = z.object({
  // Normalised and checked again in the service (decision 22); here so the field shows why.
  name: z
    .string({ message: "validation.required" })
    .trim()
    .min(2, { message: "validation.required" })
    .max(ORGANISATION_NAME_MAX, { message: "validation.tooLong" })
    .superRefine((value, ctx) => {
      const result = normaliseOrganisationName(value);
      if (!result.ok && result.problem !== "empty")
        ctx.addIssue({ code: "custom", message: `validation.organisationName.${result.problem}`, params: { codePoint: result.codePoint } });
    }),
  uscc: usccSchema,
  kinds: z.array(z.enum(SIGNUP_KINDS), { message: "validation.kindsRequired" }).min(1, { message: "validation.kindsRequired" }),
  regionCode: z.string({ message: "validation.required" }).regex(/^\d{6}$/, { message: "validation.required" }),
  adminName: z.string({ message: "validation.required" }).trim().min(2, { message: "validation.required" }).max(100),
  email: z.string({ message: "validation.required" }).trim().email({ message: "validation.email" }).max(254),
  password: z.string({ message: "validation.passwordTooShort" }).min(10, { message: "validation.passwordTooShort" }).max(1024),
});

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta, t }, form) => {
    const submission = parseForm(form, SignUpSchema, t);
    if (submission.status !== "success") return { result: submission.reply({ hideFields: ["password"] }) };
    const v = submission.value;
    // Created or not (an email or USCC registered already), the answer is the same (decision 22).
    await signUpOrganisation(app, {
      organisation: { name: v.name, uscc: v.uscc, kinds: v.kinds, regionCode: v.regionCode },
      admin: { name: v.adminName, email: v.email, password: v.password },
      meta,
    });
    return { result: submission.reply({ resetForm: true }), done: { email: v.email.toLowerCase() } };
  });
}

export default function SignUp() {
  const { t, i18n } = useTranslation();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm<z.input<typeof SignUpSchema>>({
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    defaultValue: { kinds: ["bidder"], regionCode: "350100" },
  });
  if (actionData && "done" in actionData && actionData.done) {
    return (
      <section className="panel auth-panel">
        <h1>{t("signup.title")}</h1>
        <div className="alert alert--success" role="status" data-testid="signup-done">
          {t("access.signup.done", { email: actionData.done.email })}
        </div>
        <Link className="button button--primary" to="/login">
          {t("nav.login")}
        </Link>
      </section>
    );
  }
  return (
    <section className="panel form-panel">
      <h1>{t("signup.title")}</h1>
      <p className="muted">{t("signup.intro")}</p>
      <FormError data={actionData} />
      <Form method="post" {...getFormProps(form)}>
        <CsrfInput />
        <fieldset>
          <legend>{t("signup.organisationSection")}</legend>
          <Field id={fields.name.id} label={t("signup.orgName")} hint={t("access.signup.nameHint")} errors={fields.name.errors}>
            <input {...getInputProps(fields.name, { type: "text" })} />
          </Field>
          <Field id={fields.uscc.id} label={t("signup.uscc")} hint={t("signup.usccHint")} errors={fields.uscc.errors}>
            <input {...getInputProps(fields.uscc, { type: "text" })} maxLength={24} className="mono" />
          </Field>
          <div className="field">
            <span className="label">{t("signup.kinds")}</span>
            <div className="checkbox-row">
              {SIGNUP_KINDS.map((kind) => (
                <label key={kind} className="checkbox">
                  <input
                    type="checkbox"
                    name={fields.kinds.name}
                    value={kind}
                    defaultChecked={(fields.kinds.initialValue as string[] | undefined)?.includes(kind)}
                  />
                  {t(`kinds.${kind}`)}
                </label>
              ))}
            </div>
            <ErrorList errors={fields.kinds.errors} />
          </div>
          <Field id={fields.regionCode.id} label={t("signup.region")} errors={fields.regionCode.errors}>
            <select {...getSelectProps(fields.regionCode)}>
              {REGIONS.map((r) => (
                <option key={r.code} value={r.code}>
                  {i18n.language === "en" ? r.en : r.zh} ({r.code})
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t("signup.adminSection")}</legend>
          <Field id={fields.adminName.id} label={t("signup.adminName")} errors={fields.adminName.errors}>
            <input {...getInputProps(fields.adminName, { type: "text" })} autoComplete="name" />
          </Field>
          <Field id={fields.email.id} label={t("signup.email")} errors={fields.email.errors}>
            <input {...getInputProps(fields.email, { type: "email" })} autoComplete="email" />
          </Field>
          <Field id={fields.password.id} label={t("signup.password")} errors={fields.password.errors}>
            <input {...getInputProps(fields.password, { type: "password" })} autoComplete="new-password" />
          </Field>
        </fieldset>
        <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
          {t("signup.submit")}
        </button>
      </Form>
    </section>
  );
}
