import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { acceptInvitation, findOpenInvitation } from "#app/services/members/accept-invitation.server.ts";
import { CODE_MINUTES, maskEmail } from "#app/services/members/invitation-code.server.ts";
import { sendInvitationCode } from "#app/services/members/send-invitation-code.server.ts";

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("send-code") }),
  z.object({ intent: z.literal("accept-as-me") }),
  z.object({
    intent: z.literal("accept"),
    code: z.string().trim().max(20),
    name: z.string().trim().min(1).max(100),
    password: z.string().min(10).max(1024),
  }),
]);

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const token = args.params.token ?? "";
    const invitation = await findOpenInvitation(app, token);
    if (!invitation) return { invitation: null };
    const actor = await getActor(app, args.request);
    return {
      invitation: {
        token,
        sentTo: maskEmail(invitation.email),
        roles: invitation.roles,
        organisationName: invitation.organisationName,
        personExists: invitation.personExists,
        codeSent: invitation.code_sent_at !== null,
        codeMinutes: CODE_MINUTES,
      },
      // Whether the person logged in is the one invited, and nothing else about them.
      loggedIn: actor === null ? ("no" as const) : actor.email === invitation.email ? ("invited" as const) : ("other" as const),
    };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const token = args.params.token ?? "";
    const parsed = Intent.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: String(parsed.error.issues[0]?.path[0] ?? "intent") });
    const input = parsed.data;
    if (input.intent === "send-code") return { codeSent: await sendInvitationCode(app, { token, meta }) };
    const actor = await getActor(app, args.request);
    if (input.intent === "accept-as-me") {
      await acceptInvitation(app, { token, actor, meta });
      throw redirect("/dashboard");
    }
    await acceptInvitation(app, { token, actor, code: input.code, name: input.name, password: input.password, meta });
    throw redirect("/login");
  });
}

export default function InvitationPage() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!data.invitation) {
    return (
      <section className="panel auth-panel">
        <div className="alert alert--error">{t("invitation.invalid")}</div>
      </section>
    );
  }
  const { invitation } = data;
  const codeSent = invitation.codeSent || (actionData !== undefined && "codeSent" in actionData);
  return (
    <section className="panel auth-panel" data-testid="invitation">
      <h1>{t("invitation.title", { organisation: invitation.organisationName })}</h1>
      <p>{t("invitation.intro", { roles: invitation.roles.map((r) => t(`roles.${r}`)).join("、") })}</p>
      <p className="muted">{t("access.invitation.sentTo", { email: invitation.sentTo })}</p>
      <FormError data={actionData} />
      {invitation.personExists ? (
        data.loggedIn === "invited" ? (
          <Form method="post">
            <CsrfInput />
            <button type="submit" name="intent" value="accept-as-me" className="button button--primary" disabled={busy}>
              {t("access.invitation.acceptAsMe")}
            </button>
          </Form>
        ) : data.loggedIn === "other" ? (
          <div className="alert alert--error">{t("access.invitation.wrongPerson")}</div>
        ) : (
          <>
            <p>{t("access.invitation.existingIntro")}</p>
            <Link className="button button--primary" to={`/login?redirectTo=${encodeURIComponent(`/invitations/${invitation.token}`)}`}>
              {t("access.invitation.logInToAccept")}
            </Link>
          </>
        )
      ) : (
        <>
          <p>{t("access.invitation.codeIntro", { email: invitation.sentTo, minutes: invitation.codeMinutes })}</p>
          {actionData && "codeSent" in actionData ? (
            <div className="alert alert--success" role="status">
              {t("access.invitation.codeSent", { email: actionData.codeSent.sentTo })}
            </div>
          ) : null}
          <Form method="post">
            <CsrfInput />
            <button type="submit" name="intent" value="send-code" className="button" disabled={busy}>
              {codeSent ? t("access.invitation.resendCode") : t("access.invitation.sendCode")}
            </button>
          </Form>
          {codeSent ? (
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="accept" />
              <div className="field">
                <label htmlFor="code">{t("access.invitation.code")}</label>
                <input id="code" name="code" required inputMode="numeric" pattern="\d{6}" maxLength={6} autoComplete="one-time-code" />
              </div>
              <div className="field">
                <label htmlFor="name">{t("invitation.name")}</label>
                <input id="name" name="name" required maxLength={100} autoComplete="name" />
              </div>
              <div className="field">
                <label htmlFor="password">{t("invitation.password")}</label>
                <input id="password" name="password" type="password" required minLength={10} autoComplete="new-password" />
              </div>
              <button type="submit" className="button button--primary" disabled={busy}>
                {t("invitation.accept")}
              </button>
            </Form>
          ) : null}
        </>
      )}
    </section>
  );
}
