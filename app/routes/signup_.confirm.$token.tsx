import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { confirmEmail, isEmailConfirmationOpen } from "#app/services/organisations/confirm-email.server.ts";

export const meta: MetaFunction = () => [{ title: "确认邮箱 · bidhall" }];

/**
 * The link mailed at sign-up (decision 22). Opening it changes nothing (mail scanners open links);
 * the button confirms.
 */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ open: await isEmailConfirmationOpen(app, args.params.token ?? "") }));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }) => {
    await confirmEmail(app, { token: args.params.token ?? "", meta });
    return { confirmed: true };
  });
}

export default function ConfirmEmail() {
  const { t } = useTranslation();
  const { open } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <section className="panel auth-panel">
      <h1>{t("access.confirm.title")}</h1>
      <FormError data={actionData} />
      {actionData && "confirmed" in actionData ? (
        <>
          <div className="alert alert--success" role="status" data-testid="email-confirmed">
            {t("access.confirm.done")}
          </div>
          <Link className="button button--primary" to="/login">
            {t("nav.login")}
          </Link>
        </>
      ) : open ? (
        <Form method="post">
          <CsrfInput />
          <p>{t("access.confirm.intro")}</p>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("access.confirm.button")}
          </button>
        </Form>
      ) : (
        <div className="alert alert--error">{t("access.confirm.invalid")}</div>
      )}
    </section>
  );
}
