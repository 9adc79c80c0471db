import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { GuarantorTabs, StatusBadge, Yuan } from "#app/components/guarantee/guarantor-tabs.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { CLAIM_GROUNDS } from "#app/domain/guarantee/claims.ts";
import { ledgerRefusalKey } from "#app/domain/guarantee/ledger-refusal.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listGuarantorClaims } from "#app/services/guarantee/read-guarantor-portal.server.ts";
import { settleClaim } from "#app/services/guarantee/settle-claim.server.ts";
import guaranteesCss from "#app/styles/guarantees.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: guaranteesCss }];
export const meta: MetaFunction = () => [{ title: "索赔 · bidhall" }];

const Settle = z.object({
  claimId: z.string().uuid(),
  decision: z.enum(["pay", "decline"]),
  reason: z.string().max(2000).optional(),
});

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    return { claims: await listGuarantorClaims(app, actor), canDecide: actor.permissions.has("decide:claim:own") };
  });
}

/** The guarantor pays a claim or declines it with a reason (issue 14); the ledger records the answer. */
export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Settle.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => String(i.path[0])) });
    await settleClaim(app, { actor, ...parsed.data, meta });
    return { answered: parsed.data.decision };
  });
}

const tone = (status: string) => (status === "pending" ? "warn" : status === "paid" ? "ok" : status === "lodge_failed" ? "bad" : "plain");

export default function GuarantorClaims() {
  const { t, i18n } = useTranslation();
  const { claims, canDecide } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const en = i18n.language === "en";
  return (
    <div className="stack">
      <GuarantorTabs />
      <h1>{t("guarantorPortal.claims.title")}</h1>
      <p className="muted">{t("guarantorPortal.claims.intro")}</p>
      <FormError data={actionData} />
      {actionData && "answered" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="claim-answered">
          {t("guarantorPortal.claims.answered")}
        </div>
      ) : null}
      {claims.length === 0 ? <p className="muted">{t("guarantorPortal.claims.none")}</p> : null}
      <ul className="gcards" data-testid="claims">
        {claims.map((c) => (
          <li key={c.id} className="panel" data-testid="claim" data-status={c.status}>
            <div className="gcard__head">
              <h2>{c.beneficiaryName}</h2>
              <StatusBadge
                label={c.settling ? t("guarantorPortal.claims.settling") : t(`guarantorPortal.claims.statuses.${c.status}`)}
                tone={tone(c.status)}
              />
            </div>
            <dl className="gfacts">
              <dt>{t("guarantorPortal.applications.section")}</dt>
              <dd>
                {c.section} · {c.applicantName}
              </dd>
              <dt>{t("guarantorPortal.claims.ground")}</dt>
              <dd>{en ? CLAIM_GROUNDS[c.ground].en : CLAIM_GROUNDS[c.ground].zh}</dd>
              <dt>{t("guarantorPortal.claims.statement")}</dt>
              <dd>{c.statement}</dd>
              <dt>{t("guarantorPortal.claims.amount")}</dt>
              <dd>
                <Yuan fen={c.amountFen} />
              </dd>
              <dt>{t("guarantorPortal.claims.lodgedAt")}</dt>
              <dd>
                <ShanghaiTime at={c.lodgedAt} />
              </dd>
              <dt>{t("guarantorPortal.guarantees.claimDeadline")}</dt>
              <dd>
                <ShanghaiTime at={c.claimDeadline} />
              </dd>
              <dt>{t("guarantorPortal.guarantees.ledgerId")}</dt>
              <dd className="ghash">{c.ledgerId}</dd>
              {c.declineReason ? (
                <>
                  <dt>{t("guarantorPortal.claims.declineReason")}</dt>
                  <dd>{c.declineReason}</dd>
                </>
              ) : null}
              {c.error ? (
                <>
                  <dt>{t("guarantorPortal.claims.status")}</dt>
                  <dd>{t(ledgerRefusalKey(c.error))}</dd>
                </>
              ) : null}
            </dl>
            {canDecide && c.awaitingAnswer ? (
              <div className="gforms">
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="claimId" value={c.id} />
                  <input type="hidden" name="decision" value="pay" />
                  <button type="submit" className="button" disabled={busy} data-testid="pay-claim">
                    {t("guarantorPortal.claims.pay")}
                  </button>
                </Form>
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="claimId" value={c.id} />
                  <input type="hidden" name="decision" value="decline" />
                  <label>
                    {t("guarantorPortal.claims.declineReason")}
                    <textarea name="reason" rows={2} required minLength={4} maxLength={2000} />
                  </label>
                  <button type="submit" className="button button--danger" disabled={busy} data-testid="decline-claim">
                    {t("guarantorPortal.claims.decline")}
                  </button>
                </Form>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
