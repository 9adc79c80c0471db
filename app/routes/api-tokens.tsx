import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime, useServerNow } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor, requirePermission } from "#app/server/session.server.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "#app/services/api-tokens/api-tokens.server.ts";

export const meta: MetaFunction = () => [{ title: "API 令牌 · bidhall" }];

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: z.string().trim().min(1).max(60) }),
  z.object({ intent: z.literal("revoke"), tokenId: z.string().uuid() }),
]);

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    requirePermission(actor, "submit:bid:own");
    return { tokens: await listApiTokens(app, actor), me: actor.personId };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Intent.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "name" });
    if (parsed.data.intent === "create") {
      const { token } = await createApiToken(app, { actor, name: parsed.data.name, meta });
      return { token };
    }
    await revokeApiToken(app, { actor, tokenId: parsed.data.tokenId, meta });
    return { revoked: true };
  });
}

export default function ApiTokens() {
  const { t } = useTranslation();
  const { tokens } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const now = useServerNow();
  return (
    <div className="stack">
      <h1>{t("apiTokens.title")}</h1>
      <p className="muted">{t("apiTokens.intro")}</p>
      <FormError data={actionData} />
      {actionData && "token" in actionData && actionData.token ? (
        <div className="alert alert--success" role="status">
          {t("apiTokens.created")} <code data-testid="new-token">{actionData.token}</code>
        </div>
      ) : null}
      <section className="panel">
        <Form method="post" className="inline-fields">
          <CsrfInput />
          <label>
            {t("apiTokens.name")} <input name="name" required maxLength={60} />
          </label>
          <button type="submit" name="intent" value="create" className="button button--primary" disabled={busy}>
            {t("apiTokens.create")}
          </button>
        </Form>
      </section>
      <section className="panel">
        {tokens.length === 0 ? (
          <p className="muted">{t("apiTokens.none")}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>{t("apiTokens.tableName")}</th>
                <th>{t("apiTokens.owner")}</th>
                <th>{t("apiTokens.scope")}</th>
                <th>{t("apiTokens.createdAt")}</th>
                <th>{t("apiTokens.expiresAt")}</th>
                <th>{t("apiTokens.lastUsed")}</th>
                <th>{t("apiTokens.status")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((tk) => {
                const status = tk.revoked_at ? "revoked" : new Date(tk.expires_at) <= now ? "expired" : "active";
                return (
                  <tr key={tk.id} data-testid={`token-${tk.name}`}>
                    <td>{tk.name}</td>
                    <td>{tk.personName}</td>
                    <td>{t("apiTokens.scopeSubmit")}</td>
                    <td>
                      <ShanghaiTime at={tk.created_at} />
                    </td>
                    <td>
                      <ShanghaiTime at={tk.expires_at} />
                    </td>
                    <td>{tk.last_used_at ? <ShanghaiTime at={tk.last_used_at} /> : "—"}</td>
                    <td>
                      <span className={`badge badge--${status === "active" ? "approved" : "rejected"}`}>{t(`apiTokens.${status}`)}</span>
                    </td>
                    <td>
                      {status === "active" ? (
                        <Form method="post" className="inline-form">
                          <CsrfInput />
                          <input type="hidden" name="tokenId" value={tk.id} />
                          <button
                            type="submit"
                            name="intent"
                            value="revoke"
                            className="button button--small button--danger"
                            disabled={busy}
                          >
                            {t("apiTokens.revoke")}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
