import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { acceptInvitation, findOpenInvitation } from "#app/services/members/accept-invitation.server.ts";

const Accept = z.object({ name: z.string().trim().max(100).optional(), password: z.string().min(10).max(1024) });

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const invitation = await findOpenInvitation(app, args.params.token ?? "");
    return invitation
      ? {
          invitation: {
            email: invitation.email,
            roles: invitation.roles,
            organisationName: invitation.organisationName,
            personExists: invitation.personExists,
          },
        }
      : { invitation: null };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const parsed = Accept.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "password" });
    await acceptInvitation(app, { token: args.params.token ?? "", name: parsed.data.name, password: parsed.data.password, meta });
    throw redirect("/login");
  });
}

export default function InvitationPage() {
  const { t } = useTranslation();
  const { invitation } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (!invitation) {
    return (
      <section className="panel auth-panel">
        <div className="alert alert--error">{t("invitation.invalid")}</div>
      </section>
    );
  }
  return (
    <section className="panel auth-panel">
      <h1>{t("invitation.title", { organisation: invitation.organisationName })}</h1>
      <p>{t("invitation.intro", { roles: invitation.roles.map((r) => t(`roles.${r}`)).join("、") })}</p>
      <FormError data={actionData} />
      <Form method="post">
        <CsrfInput />
        {invitation.personExists ? null : (
          <div className="field">
            <label htmlFor="name">{t("invitation.name")}</label>
            <input id="name" name="name" required maxLength={100} autoComplete="name" />
          </div>
        )}
        <div className="field">
          <label htmlFor="password">
            {invitation.personExists ? t("invitation.existingPassword", { email: invitation.email }) : t("invitation.password")}
          </label>
          <input
            id="password"
            name="password"
            type="password"
            required
            minLength={10}
            autoComplete={invitation.personExists ? "current-password" : "new-password"}
          />
        </div>
        <button type="submit" className="button button--primary">
          {t("invitation.accept")}
        </button>
      </Form>
    </section>
  );
}
