import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { decideOrganisation } from "#app/services/organisations/decide-organisation.server.ts";
import { listOrganisationsForApproval } from "#app/services/organisations/read-organisations.server.ts";

export const meta: MetaFunction = () => [{ title: "入驻审核 · bidhall" }];

const Decision = z.object({
  organisationId: z.string().uuid(),
  name: z.string(),
  decision: z.enum(["approve", "reject"]),
  reason: z.string().trim().max(500).optional(),
});

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => listOrganisationsForApproval(app, await requireActor(app, args.request)));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Decision.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    await decideOrganisation(app, {
      actor,
      organisationId: parsed.data.organisationId,
      decision: parsed.data.decision,
      reason: parsed.data.reason,
      meta,
    });
    return { decided: { name: parsed.data.name, decision: parsed.data.decision } };
  });
}

export default function Approvals() {
  const { t } = useTranslation();
  const { pending, decided } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <h1>{t("approvals.title")}</h1>
      <FormError data={actionData} />
      {actionData && "decided" in actionData ? (
        <div className="alert alert--success" role="status">
          {t(actionData.decided.decision === "approve" ? "approvals.approved" : "approvals.rejected", { name: actionData.decided.name })}
        </div>
      ) : null}
      <section className="panel">
        {pending.length === 0 ? (
          <p className="muted">{t("approvals.empty")}</p>
        ) : (
          <table className="table" data-testid="approval-queue">
            <thead>
              <tr>
                <th>{t("signup.orgName")}</th>
                <th>{t("signup.uscc")}</th>
                <th>{t("dashboard.kindsLabel")}</th>
                <th>{t("dashboard.regionLabel")}</th>
                <th>{t("approvals.admin")}</th>
                <th>{t("approvals.submittedAt")}</th>
                <th>{t("access.approvals.similar")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {pending.map((o) => (
                <tr key={o.id} data-testid={`pending-${o.uscc}`}>
                  <td>{o.name}</td>
                  <td className="mono">{o.uscc}</td>
                  <td>{o.kinds.map((k) => t(`kinds.${k}`)).join("、")}</td>
                  <td>{o.region_name}</td>
                  <td>
                    {o.adminName} <code>{o.adminEmail}</code>
                  </td>
                  <td>
                    <ShanghaiTime at={o.created_at} />
                  </td>
                  <td data-testid={`similar-${o.uscc}`}>
                    {o.similar.length === 0 ? (
                      t("access.approvals.none")
                    ) : (
                      <ul title={t("access.approvals.similarHint")}>
                        {o.similar.map((s) => (
                          <li key={s.id} data-match={s.match}>
                            <span className={`badge badge--${s.match === "same" ? "rejected" : "pending"}`}>
                              {t(s.match === "same" ? "access.approvals.same" : "access.approvals.lookAlike")}
                            </span>{" "}
                            {s.name} <code>{s.uscc}</code> · {t(`status.${s.status}`)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    <Form method="post" className="decision-form">
                      <CsrfInput />
                      <input type="hidden" name="organisationId" value={o.id} />
                      <input type="hidden" name="name" value={o.name} />
                      <button
                        type="submit"
                        name="decision"
                        value="approve"
                        className="button button--small button--primary"
                        disabled={busy}
                      >
                        {t("approvals.approve")}
                      </button>
                      <input
                        type="text"
                        name="reason"
                        placeholder={t("approvals.reason")}
                        aria-label={t("approvals.reason")}
                        maxLength={500}
                      />
                      <button type="submit" name="decision" value="reject" className="button button--small button--danger" disabled={busy}>
                        {t("approvals.reject")}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {decided.length > 0 ? (
        <section className="panel">
          <h2>{t("approvals.decidedTitle")}</h2>
          <table className="table table--compact">
            <tbody>
              {decided.map((o) => (
                <tr key={o.id}>
                  <td>{o.name}</td>
                  <td className="mono">{o.uscc}</td>
                  <td>
                    <span className={`badge badge--${o.status}`}>{t(`status.${o.status}`)}</span>
                  </td>
                  <td>{o.decision_reason}</td>
                  <td>{o.decided_at ? <ShanghaiTime at={o.decided_at} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
