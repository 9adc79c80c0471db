import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CertificateLogin } from "#app/components/certificates/certificate-login.tsx";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Field, FormError } from "#app/components/form.tsx";
import { DEMO_PASSWORD, demoAccounts } from "#db/seed/demo.ts";
import { parseForm, runAction, runLoader } from "#app/server/route.server.ts";
import { safeRedirect, sameOriginPath } from "#app/server/safe-redirect.server.ts";
import { getActor, sessionChangeHeaders } from "#app/server/session.server.ts";
import { logIn } from "#app/services/auth/log-in.server.ts";

export const meta: MetaFunction = () => [{ title: "登录 · bidhall" }];

const LoginSchema = z.object({
  email: z.string({ message: "validation.required" }).trim().email({ message: "validation.email" }).max(254),
  password: z.string({ message: "validation.required" }).min(1, { message: "validation.required" }).max(1024),
  redirectTo: z.string().max(4096).optional(),
});

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    if (await getActor(app, args.request)) throw redirect("/dashboard");
    const demo = app.config.mode === "embedded" ? demoAccounts() : [];
    return {
      demo,
      demoPassword: demo.length > 0 ? DEMO_PASSWORD : null,
      // Only a same-origin path ever reaches the page (and the certificate login's script).
      redirectTo: sameOriginPath(new URL(args.request.url).searchParams.get("redirectTo")) ?? null,
    };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta, t }, form) => {
    const submission = parseForm(form, LoginSchema, t);
    if (submission.status !== "success") return { result: submission.reply({ hideFields: ["password"] }) };
    const { setCookie } = await logIn(app, { email: submission.value.email, password: submission.value.password, meta });
    throw redirect(safeRedirect(submission.value.redirectTo), { headers: await sessionChangeHeaders(app, setCookie) });
  });
}

export default function Login() {
  const { t } = useTranslation();
  const { demo, demoPassword, redirectTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm<z.input<typeof LoginSchema>>({
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
  });
  return (
    <div className="auth-layout">
      <div className="stack">
        <section className="panel auth-panel">
          <h1>{t("login.title")}</h1>
          <FormError data={actionData} />
          <Form method="post" {...getFormProps(form)}>
            <CsrfInput />
            <input type="hidden" name="redirectTo" value={redirectTo ?? ""} />
            <Field id={fields.email.id} label={t("login.email")} errors={fields.email.errors}>
              <input {...getInputProps(fields.email, { type: "email" })} autoComplete="username" autoFocus />
            </Field>
            <Field id={fields.password.id} label={t("login.password")} errors={fields.password.errors}>
              <input {...getInputProps(fields.password, { type: "password" })} autoComplete="current-password" />
            </Field>
            <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
              {t("login.submit")}
            </button>
          </Form>
          <p className="muted">
            {t("login.noAccount")} <Link to="/signup">{t("login.signupLink")}</Link>
          </p>
        </section>
        <CertificateLogin redirectTo={redirectTo} />
      </div>
      {demo.length > 0 ? (
        <aside className="panel demo-panel">
          <h2>{t("login.demoTitle")}</h2>
          <p className="muted">{t("login.demoHint", { password: demoPassword })}</p>
          <table className="table table--compact">
            <tbody>
              {demo.map((d) => (
                <tr key={d.email}>
                  <td>{t(`kinds.${d.kind}`)}</td>
                  <td>{d.organisation}</td>
                  <td>
                    <code>{d.email}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </aside>
      ) : null}
    </div>
  );
}
