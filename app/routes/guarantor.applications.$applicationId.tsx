import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { applicationTone, GuarantorTabs, guaranteeTone, StatusBadge, Yuan } from "#app/components/guarantee/guarantor-tabs.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { SignDocument } from "#app/components/signing/sign-document.tsx";
import { ledgerRefusalKey } from "#app/domain/guarantee/ledger-refusal.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { startGuaranteeIssue } from "#app/services/guarantee/issue-guarantee.server.ts";
import { readGuarantorApplication } from "#app/services/guarantee/read-guarantor-portal.server.ts";
import { retryIssueByGuarantor } from "#app/services/guarantee/retry-guarantee-issue.server.ts";
import { decideApplication, Decision } from "#app/services/guarantee/underwrite-application.server.ts";
import guaranteesCss from "#app/styles/guarantees.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: guaranteesCss }];
export const meta: MetaFunction = () => [{ title: "保函申请 · bidhall" }];

const Intent = z.union([Decision, z.object({ intent: z.enum(["startIssue", "retry"]) })]);

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) =>
    readGuarantorApplication(app, await requireActor(app, args.request), args.params.applicationId ?? ""),
  );
}

/** Underwriting and issuing (decisions 0057, 0070): approve, decline, ask for documents, start issuing, retry a reverted issue. */
export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const applicationId = args.params.applicationId ?? "";
    const parsed = Intent.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => String(i.path[0] ?? "text")) });
    const v = parsed.data;
    if (v.intent === "startIssue") await startGuaranteeIssue(app, { actor, applicationId, meta });
    else if (v.intent === "retry") await retryIssueByGuarantor(app, { actor, applicationId, meta });
    else await decideApplication(app, { actor, applicationId, decision: v as Decision, meta });
    return { done: v.intent };
  });
}

export default function GuarantorApplication() {
  const { t } = useTranslation();
  const a = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  const g = a.guarantee;
  // The ledger answers through the outbox: look again every few seconds while it is on its way.
  const waitingForLedger = g?.status === "issuing" && !g.awaitingSignature;
  useEffect(() => {
    if (!waitingForLedger) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [waitingForLedger, revalidator]);

  return (
    <div className="stack">
      <GuarantorTabs />
      <p>
        <Link to="/guarantor/applications">{t("guarantorPortal.application.back")}</Link>
      </p>
      <div className="gcard__head">
        <h1>
          {t("guarantorPortal.application.title")} · {a.applicantName}
        </h1>
        <span data-testid="application-status" data-status={a.status}>
          <StatusBadge label={t(`guarantorPortal.applications.statuses.${a.status}`)} tone={applicationTone(a.status)} />
        </span>
      </div>
      <FormError data={actionData} />
      {actionData && "done" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="application-done">
          {t("guarantorPortal.application.done")}
        </div>
      ) : null}

      <section className="panel" data-testid="application-terms">
        <h2>{t("guarantorPortal.application.terms")}</h2>
        <dl className="gfacts">
          <dt>{t("guarantorPortal.application.project")}</dt>
          <dd>
            {a.section.projectName}（<span className="mono">{a.section.projectCode}</span>）
          </dd>
          <dt>{t("guarantorPortal.applications.section")}</dt>
          <dd>
            <span className="mono">{a.section.code}</span> {a.section.name}
          </dd>
          <dt>{t("guarantorPortal.applications.applicant")}</dt>
          <dd>
            {a.applicantName}（<span className="mono">{a.applicantUscc}</span>）
          </dd>
          <dt>{t("guarantorPortal.application.beneficiary")}</dt>
          <dd>{a.beneficiaryName}</dd>
          <dt>{t("guarantorPortal.application.required")}</dt>
          <dd>
            <Yuan fen={a.section.requiredFen} />
          </dd>
          <dt>{t("guarantorPortal.applications.amount")}</dt>
          <dd data-testid="application-amount">
            <Yuan fen={a.amountFen} />
          </dd>
          <dt>{t("guarantorPortal.application.deadline")}</dt>
          <dd>
            <ShanghaiTime at={a.section.deadlineAt} />
          </dd>
          <dt>{t("guarantorPortal.application.bidValidity")}</dt>
          <dd>
            {t("guarantorPortal.application.bidValidityText", {
              days: a.section.bidValidityDays,
              until: new Date(a.section.validityUntil).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" }),
            })}
          </dd>
          <dt>{t("guarantorPortal.applications.validity")}</dt>
          <dd>
            <ShanghaiTime at={a.validFrom} /> – <ShanghaiTime at={a.validUntil} />
          </dd>
          <dt>{t("guarantorPortal.application.product")}</dt>
          <dd>{a.productName}</dd>
          {a.note ? (
            <>
              <dt>{t("guarantorPortal.application.note")}</dt>
              <dd>{a.note}</dd>
            </>
          ) : null}
          {a.documentsRequested ? (
            <>
              <dt>{t("guarantorPortal.application.documentsRequested")}</dt>
              <dd>{a.documentsRequested}</dd>
            </>
          ) : null}
          {a.declineReason ? (
            <>
              <dt>{t("guarantorPortal.application.declineReason")}</dt>
              <dd>{a.declineReason}</dd>
            </>
          ) : null}
        </dl>
      </section>

      {a.can.underwrite && (a.status === "submitted" || a.status === "more_documents_requested") ? (
        <section className="panel" data-testid="underwriting">
          <h2>{t("guarantorPortal.application.underwriting")}</h2>
          <div className="gforms">
            {a.status === "submitted" ? (
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="approve" />
                <label>
                  {t("guarantorPortal.application.approveNote")}
                  <textarea name="text" rows={2} maxLength={2000} />
                </label>
                <button type="submit" className="button" disabled={busy} data-testid="approve">
                  {t("guarantorPortal.application.approve")}
                </button>
              </Form>
            ) : null}
            {a.status === "submitted" ? (
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="requestDocuments" />
                <label>
                  {t("guarantorPortal.application.requestText")}
                  <textarea name="text" rows={2} required maxLength={2000} />
                </label>
                <button type="submit" className="button" disabled={busy} data-testid="request-documents">
                  {t("guarantorPortal.application.requestDocuments")}
                </button>
              </Form>
            ) : null}
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="decline" />
              <label>
                {t("guarantorPortal.application.declineText")}
                <textarea name="text" rows={2} required maxLength={2000} />
              </label>
              <button type="submit" className="button button--danger" disabled={busy} data-testid="decline">
                {t("guarantorPortal.application.decline")}
              </button>
            </Form>
          </div>
        </section>
      ) : null}

      <section className="panel" data-testid="fee">
        <h2>{t("guarantorPortal.application.fee")}</h2>
        <p>
          {a.payment
            ? t("guarantorPortal.application.feePaid", {
                amount: formatYuan(BigInt(a.payment.amountFen)),
                payer: a.payment.payerName,
                person: a.payment.paidByName,
                at: new Date(a.payment.paidAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }),
                reference: a.payment.reference,
              })
            : t("guarantorPortal.application.feeUnpaid", { amount: formatYuan(BigInt(a.feeFen)) })}
        </p>
      </section>

      {a.status === "fee_paid" || g ? (
        <section className="panel" data-testid="issue">
          <h2>{t("guarantorPortal.application.issue")}</h2>
          {a.status === "fee_paid" && !g && a.can.underwrite ? (
            <Form method="post" className="gform">
              <CsrfInput />
              <input type="hidden" name="intent" value="startIssue" />
              <p className="muted">{t("guarantorPortal.application.startIssueHint")}</p>
              <button type="submit" className="button" disabled={busy} data-testid="start-issue">
                {t("guarantorPortal.application.startIssue")}
              </button>
            </Form>
          ) : null}
          {g ? (
            <dl className="gfacts">
              <dt>{t("guarantorPortal.application.onLedger")}</dt>
              <dd data-testid="guarantee-status" data-status={g.status}>
                <StatusBadge label={t(`guarantorPortal.application.ledgerStatus.${g.status}`)} tone={guaranteeTone(g.status)} />
              </dd>
              <dt>{t("guarantorPortal.application.ledgerId")}</dt>
              <dd className="ghash" data-testid="ledger-id">
                {g.ledgerId}
              </dd>
              {g.documentSha256 ? (
                <>
                  <dt>{t("guarantorPortal.application.documentSha256")}</dt>
                  <dd className="ghash">{g.documentSha256}</dd>
                </>
              ) : null}
            </dl>
          ) : null}
          {g?.awaitingSignature ? (
            a.can.sign ? (
              <div data-testid="sign-letter">
                <p className="muted">{t("guarantorPortal.application.signHint")}</p>
                <SignDocument
                  kind="guarantee-letter"
                  subjectId={g.id}
                  label={t("guarantorPortal.application.signLabel")}
                  onSigned={() => revalidator.revalidate()}
                />
              </div>
            ) : (
              <p className="muted">{t("guarantorPortal.application.needSign")}</p>
            )
          ) : null}
          {g?.status === "issue_failed" ? (
            <div className="stack-sm" data-testid="issue-failed">
              <p className="alert alert--error">
                {t("guarantorPortal.application.revert", { reason: t(ledgerRefusalKey(g.issueError ?? "")) })}
              </p>
              {a.can.underwrite && g.documentSha256 ? (
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="retry" />
                  <p className="muted">{t("guarantorPortal.application.retryHint")}</p>
                  <button type="submit" className="button" disabled={busy} data-testid="retry-issue">
                    {t("guarantorPortal.application.retry")}
                  </button>
                </Form>
              ) : null}
            </div>
          ) : null}
        </section>
      ) : null}

      <section className="panel">
        <h2>{t("guarantorPortal.application.history")}</h2>
        <ol className="gsteps" data-testid="application-history">
          {a.events.map((e) => (
            <li key={e.id}>
              <ShanghaiTime at={e.at} /> · {t(`guarantorPortal.application.steps.${e.step}`, { defaultValue: e.step })}
              {e.personName ? ` · ${e.personName}` : ""}
              {e.text ? <span className="muted">：{e.text}</span> : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
