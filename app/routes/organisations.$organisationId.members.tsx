import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { MEMBER_ROLES } from "#app/domain/access/permissions.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor, requireOwnOrganisation } from "#app/server/session.server.ts";
import { inviteMember } from "#app/services/members/invite-member.server.ts";
import { setMemberRoles } from "#app/services/members/set-member-roles.server.ts";
import { listMembers } from "#app/services/organisations/read-organisations.server.ts";

const Params = z.object({ organisationId: z.string().uuid() });
const Roles = z.array(z.enum(MEMBER_ROLES));
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("invite"), email: z.string().trim().email().max(254), roles: Roles.min(1) }),
  z.object({ intent: z.literal("setRoles"), personId: z.string().uuid(), roles: Roles.min(1) }),
  z.object({ intent: z.literal("remove"), personId: z.string().uuid() }),
]);

function organisationIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new AppError("NOT_FOUND", { what: "organisation" });
  return parsed.data.organisationId;
}

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const members = await listMembers(app, actor, organisationIdOf(args.params));
    return { members, me: actor.personId };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    requireOwnOrganisation(actor, organisationIdOf(args.params));
    const parsed = Intent.safeParse({ ...Object.fromEntries(form), roles: form.getAll("roles") });
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => i.path.join(".")) });
    const input = parsed.data;
    switch (input.intent) {
      case "invite": {
        const { token } = await inviteMember(app, { actor, email: input.email, roles: input.roles, meta });
        return { invited: { email: input.email, link: `${app.config.publicUrl}/invitations/${token}` } };
      }
      case "setRoles":
        await setMemberRoles(app, { actor, personId: input.personId, roles: input.roles, meta });
        return { saved: true };
      case "remove":
        await setMemberRoles(app, { actor, personId: input.personId, roles: [], meta });
        return { saved: true };
    }
  });
}

export default function Members() {
  const { t } = useTranslation();
  const { members, me } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  return (
    <div className="stack">
      <h1>{t("members.title")}</h1>
      <FormError data={actionData} />
      {actionData && "saved" in actionData ? (
        <div className="alert alert--success" role="status">
          {t("members.saved")}
        </div>
      ) : null}
      <section className="panel">
        <p className="muted">{t("members.rolesHelp")}</p>
        <table className="table">
          <thead>
            <tr>
              <th>{t("members.name")}</th>
              <th>{t("members.email")}</th>
              <th>{t("members.roles")}</th>
              <th>{t("members.since")}</th>
              <th>{t("members.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.personId} data-testid={`member-${m.email}`}>
                <td>
                  {m.name} {m.personId === me ? <span className="muted">{t("members.you")}</span> : null}
                </td>
                <td>
                  <code>{m.email}</code>
                </td>
                <td>
                  <Form method="post" id={`roles-${m.personId}`} className="checkbox-row">
                    <CsrfInput />
                    <input type="hidden" name="personId" value={m.personId} />
                    {MEMBER_ROLES.map((r) => (
                      <label key={r} className="checkbox">
                        <input type="checkbox" name="roles" value={r} defaultChecked={m.roles.includes(r)} />
                        {t(`roles.${r}`)}
                      </label>
                    ))}
                  </Form>
                </td>
                <td>
                  <ShanghaiTime at={m.since} />
                </td>
                <td className="actions">
                  <button
                    type="submit"
                    form={`roles-${m.personId}`}
                    name="intent"
                    value="setRoles"
                    className="button button--small"
                    disabled={busy}
                  >
                    {t("members.save")}
                  </button>
                  {m.personId !== me ? (
                    <Form method="post" className="inline-form">
                      <CsrfInput />
                      <input type="hidden" name="personId" value={m.personId} />
                      <button type="submit" name="intent" value="remove" className="button button--small button--danger" disabled={busy}>
                        {t("members.remove")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2>{t("members.inviteTitle")}</h2>
        <Form method="post" className="inline-fields">
          <CsrfInput />
          <label>
            {t("members.email")} <input type="email" name="email" required maxLength={254} />
          </label>
          <span className="checkbox-row">
            {MEMBER_ROLES.map((r) => (
              <label key={r} className="checkbox">
                <input type="checkbox" name="roles" value={r} defaultChecked={r === "view"} />
                {t(`roles.${r}`)}
              </label>
            ))}
          </span>
          <button type="submit" name="intent" value="invite" className="button button--primary" disabled={busy}>
            {t("members.invite")}
          </button>
        </Form>
        {actionData && "invited" in actionData && actionData.invited ? (
          <div className="alert alert--success" role="status">
            {t("members.inviteLink", { email: actionData.invited.email })} <code data-testid="invite-link">{actionData.invited.link}</code>
          </div>
        ) : null}
      </section>
    </div>
  );
}
