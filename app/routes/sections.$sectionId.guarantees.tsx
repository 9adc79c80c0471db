import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { guaranteeTone, StatusBadge, Yuan } from "#app/components/guarantee/guarantor-tabs.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { CLAIM_GROUND_KEYS, CLAIM_GROUNDS } from "#app/domain/guarantee/claims.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { validateYuan } from "#app/domain/shared/money.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { lodgeClaim } from "#app/services/guarantee/lodge-claim.server.ts";
import { readSectionGuarantees } from "#app/services/guarantee/read-section-guarantees.server.ts";
import { recordContractSigning } from "#app/services/guarantee/record-contract-signing.server.ts";
import guaranteesCss from "#app/styles/guarantees.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: guaranteesCss }];
export const meta: MetaFunction = () => [{ title: "标段投标保函 · bidhall" }];

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("contract"), signedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  z.object({
    intent: z.literal("claim"),
    guaranteeId: z.string().uuid(),
    ground: z.enum(CLAIM_GROUND_KEYS),
    statement: z.string().trim().min(4).max(5000),
    amountYuan: z.string().trim().max(40).default(""),
  }),
]);

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => readSectionGuarantees(app, await requireActor(app, args.request), args.params.sectionId ?? ""));
}

/** The tenderer records the contract signing date (→ release) or lodges a claim (decision 0060, 0070). */
export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Intent.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => String(i.path[0])) });
    const v = parsed.data;
    if (v.intent === "contract") {
      // The tenderer knows a day, not an instant: its last moment in Beijing, or now when that is today.
      // A day in the future stays in the future, and the service refuses it.
      const start = new Date(`${v.signedOn}T00:00:00+08:00`).getTime();
      const end = start + 86_400_000 - 1;
      const now = app.clock.now().getTime();
      const signedAt = new Date(start > now ? start : Math.min(end, now));
      const { released } = await recordContractSigning(app, { actor, sectionId: args.params.sectionId ?? "", signedAt, meta });
      return { done: "contract" as const, released: released.length };
    }
    let amountFen: bigint | undefined;
    if (v.amountYuan) {
      const amount = validateYuan(v.amountYuan);
      if (!amount.ok) throw new AppError("VALIDATION_FAILED", { issues: ["amountYuan"] });
      amountFen = amount.value;
    }
    await lodgeClaim(app, { actor, guaranteeId: v.guaranteeId, ground: v.ground, statement: v.statement, amountFen, meta });
    return { done: "claim" as const, released: 0 };
  });
}

export default function SectionGuaranteesDetail() {
  const { t, i18n } = useTranslation();
  const { section, sealed, guarantees, can } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const en = i18n.language === "en";
  const text = (c: { zh: string; en: string }) => (en ? c.en : c.zh);
  return (
    <div className="stack">
      <p>
        <Link to="/section-guarantees">{t("guarantorPortal.section.back")}</Link>
      </p>
      <h1>
        {t("guarantorPortal.section.title")} · <span className="mono">{section.code}</span> {section.name}
      </h1>
      <p className="muted">{section.projectName}</p>
      <FormError data={actionData} />
      {actionData && "done" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="section-guarantees-done">
          {actionData.done === "contract" ? t("guarantorPortal.section.contractSaved") : t("guarantorPortal.section.claimSent")}
        </div>
      ) : null}
      {sealed ? <p className="alert alert--warning">{t("guarantorPortal.section.sealed")}</p> : null}
      {!sealed && guarantees.length === 0 ? <p className="muted">{t("guarantorPortal.section.none")}</p> : null}
      {!can.act && !sealed ? <p className="muted">{t("guarantorPortal.section.agencyReadOnly")}</p> : null}

      {!sealed ? (
        <section className="panel" data-testid="contract-signing">
          <h2>{t("guarantorPortal.section.contract")}</h2>
          {section.contractSignedAt ? (
            <p>
              {t("guarantorPortal.section.contractRecorded", {
                at: new Date(section.contractSignedAt).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" }),
              })}
            </p>
          ) : section.endedWithoutAward ? (
            <p>{t("guarantorPortal.section.ended")}</p>
          ) : can.act ? (
            <Form method="post" className="gform">
              <CsrfInput />
              <input type="hidden" name="intent" value="contract" />
              <p className="muted">{t("guarantorPortal.section.contractHint")}</p>
              <label>
                {t("guarantorPortal.section.contract")}
                <input type="date" name="signedOn" required />
              </label>
              <button type="submit" className="button" disabled={busy} data-testid="record-contract">
                {t("guarantorPortal.section.recordContract")}
              </button>
            </Form>
          ) : (
            <p className="muted">—</p>
          )}
        </section>
      ) : null}

      <ul className="gcards" data-testid="section-guarantees">
        {guarantees.map((g) => (
          <li key={g.id} className="panel" data-testid="section-guarantee" data-status={g.status}>
            <div className="gcard__head">
              <h2>{g.applicantName}</h2>
              <StatusBadge label={t(`guarantorPortal.application.ledgerStatus.${g.status}`)} tone={guaranteeTone(g.status)} />
            </div>
            <dl className="gfacts">
              <dt>{t("guarantorPortal.section.guarantor")}</dt>
              <dd>{g.guarantorName}</dd>
              <dt>{t("guarantorPortal.guarantees.amount")}</dt>
              <dd>
                <Yuan fen={g.amountFen} />
              </dd>
              <dt>{t("guarantorPortal.section.verification")}</dt>
              <dd data-testid="verification" data-outcome={g.verification?.outcome ?? "none"}>
                {g.verification ? (
                  <StatusBadge label={text(g.verification.text)} tone={g.verification.outcome === "verified" ? "ok" : "bad"} />
                ) : (
                  t("guarantorPortal.section.notVerified")
                )}
              </dd>
              <dt>{t("guarantorPortal.guarantees.validUntil")}</dt>
              <dd>
                <ShanghaiTime at={g.validUntil} />
              </dd>
              <dt>{t("guarantorPortal.guarantees.claimDeadline")}</dt>
              <dd>
                <ShanghaiTime at={g.claimDeadline} />
              </dd>
              <dt>{t("guarantorPortal.guarantees.ledgerId")}</dt>
              <dd className="ghash">{g.ledgerId}</dd>
              <dt>{t("guarantorPortal.section.claims")}</dt>
              <dd>
                {g.claims.length === 0
                  ? t("guarantorPortal.section.noClaims")
                  : g.claims.map((c) => (
                      <div key={c.id} data-testid="claim-row" data-status={c.status}>
                        {text(c.ground)} · <Yuan fen={c.amountFen} /> · {t(`guarantorPortal.claims.statuses.${c.status}`)}
                        {c.declineReason ? ` · ${c.declineReason}` : ""}
                      </div>
                    ))}
              </dd>
            </dl>
            {can.act && g.status === "bound" ? (
              <details>
                <summary>{t("guarantorPortal.section.lodgeClaim")}</summary>
                <Form method="post" className="gform">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="claim" />
                  <input type="hidden" name="guaranteeId" value={g.id} />
                  <label>
                    {t("guarantorPortal.section.ground")}
                    <select name="ground" required>
                      {CLAIM_GROUND_KEYS.map((k) => (
                        <option key={k} value={k}>
                          {text(CLAIM_GROUNDS[k])}（{text(CLAIM_GROUNDS[k].source)}）
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    {t("guarantorPortal.section.statement")}
                    <textarea name="statement" rows={3} required minLength={4} maxLength={5000} />
                  </label>
                  <label>
                    {t("guarantorPortal.section.amount")}
                    <input type="text" inputMode="decimal" name="amountYuan" />
                  </label>
                  <button type="submit" className="button button--danger" disabled={busy} data-testid="lodge-claim">
                    {t("guarantorPortal.section.submitClaim")}
                  </button>
                </Form>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
