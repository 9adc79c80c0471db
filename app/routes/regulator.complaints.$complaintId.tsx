import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { DeadlineCell } from "#app/components/complaints/deadline-cell.tsx";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { SignDocument } from "#app/components/signing/sign-document.tsx";
import { DECISION_OUTCOMES } from "#app/domain/complaint/handling.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { draftComplaintDecision } from "#app/services/complaints/complaint-decision.server.ts";
import { requestComplaintDocuments } from "#app/services/complaints/complaint-document-requests.server.ts";
import { decideAdmission } from "#app/services/complaints/decide-admission.server.ts";
import { readRegulatorComplaint } from "#app/services/complaints/read-regulator-complaints.server.ts";
import { resumeForComplaint, suspendForComplaint } from "#app/services/complaints/suspend-for-complaint.server.ts";
import complaintsCss from "#app/styles/complaints.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: complaintsCss },
];
export const meta: MetaFunction = () => [{ title: "投诉处理 · bidhall" }];

const text = (max: number) => z.string().max(max);
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.enum(["accept", "reject"]), reason: text(5000) }),
  z.object({ intent: z.enum(["suspend", "resume"]) }),
  z.object({
    intent: z.literal("request"),
    party: z.enum(["complainant", "respondent"]),
    what: text(2000),
    // A date in Beijing time: the end of that day.
    dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  }),
  z.object({ intent: z.literal("draft"), outcome: z.enum(DECISION_OUTCOMES), text: text(20_000) }),
]);

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) =>
    readRegulatorComplaint(app, await requireActor(app, args.request), args.params.complaintId ?? ""),
  );
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const complaintId = args.params.complaintId ?? "";
    const parsed = Intent.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: String(parsed.error.issues[0]?.path[0] ?? "form") });
    const v = parsed.data;
    switch (v.intent) {
      case "accept":
      case "reject":
        await decideAdmission(app, { actor, complaintId, admit: v.intent === "accept", reason: v.reason, meta });
        break;
      case "suspend":
        await suspendForComplaint(app, { actor, complaintId, meta });
        break;
      case "resume":
        await resumeForComplaint(app, { actor, complaintId, meta });
        break;
      case "request":
        await requestComplaintDocuments(app, {
          actor,
          complaintId,
          party: v.party,
          what: v.what,
          dueAt: new Date(`${v.dueDate}T23:59:59.999+08:00`),
          meta,
        });
        break;
      case "draft":
        await draftComplaintDecision(app, { actor, complaintId, outcome: v.outcome, text: v.text, meta });
        break;
    }
    return { done: v.intent };
  });
}

export default function RegulatorComplaint() {
  const { t, i18n } = useTranslation();
  const c = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  const en = i18n.language === "en";
  return (
    <div className="stack">
      <p>
        <Link to="/regulator/complaints">← {t("complaintHandling.title")}</Link>
      </p>
      <h1>
        {t("complaintHandling.title")} <span className="mono muted">{c.receiptNo}</span>
      </h1>
      <FormError data={actionData} />
      {actionData && "done" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="complaint-action-done">
          {t("complaintHandling.done")}
        </div>
      ) : null}
      <section className="panel" data-testid="complaint-summary">
        <dl className="fields">
          <dt>{t("complaintHandling.state")}</dt>
          <dd data-testid="complaint-state">{t(`complaintHandling.states.${c.state}`)}</dd>
          <dt>{t("complaintHandling.section")}</dt>
          <dd>
            <span className="mono">{c.sectionCode}</span> {c.sectionName} · {c.projectName}
          </dd>
          <dt>{t("complaintHandling.subject")}</dt>
          <dd>{en ? c.subject.en : c.subject.zh}</dd>
          <dt>{t("complaintHandling.complainant")}</dt>
          <dd>{c.complainant}</dd>
          <dt>{t("complaintHandling.filedAt")}</dt>
          <dd>
            <ShanghaiTime at={c.filedAt} />
          </dd>
          <dt>{t("complaintHandling.regulators")}</dt>
          <dd>{c.regulators.map((r) => `${r.name}${r.lead ? `（${t("complaintHandling.lead")}）` : ""}`).join("；")}</dd>
          <dt>{t("complaintHandling.acceptanceLimit")}</dt>
          <dd>
            <DeadlineCell d={c.acceptanceDeadline} />
          </dd>
          <dt>{t("complaintHandling.decisionLimit")}</dt>
          <dd>
            <DeadlineCell d={c.decisionDeadline} />
          </dd>
          <dt>{t("complaintHandling.ledger")}</dt>
          <dd>
            <Link to={`/ledger?complaint=${c.ledgerId}`} className="mono small" data-testid="ledger-link">
              {t("complaintHandling.ledgerLink")}
            </Link>
          </dd>
        </dl>
        <h2>{t("complaintHandling.facts")}</h2>
        <p className="complaint-text">{c.facts}</p>
        <h2>{t("complaintHandling.request")}</h2>
        <p className="complaint-text">{c.request}</p>
        <h2>{t("complaintHandling.legalBasis")}</h2>
        <p className="complaint-text">{c.legalBasis}</p>
        <h2>{t("complaintHandling.evidence")}</h2>
        {c.files.length === 0 ? (
          <p className="muted">{t("complaintHandling.noEvidence")}</p>
        ) : (
          <ul>
            {c.files.map((f) => (
              <li key={f.id}>
                {f.name} <span className="mono muted small">SHA-256 {f.sha256}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" data-testid="admission">
        <h2>{t("complaintHandling.admission")}</h2>
        {c.admissionReason ? <p>{t("complaintHandling.admissionReason", { reason: c.admissionReason })}</p> : null}
        {c.rejectedAt ? <p>{t("complaintHandling.rejected", { at: c.rejectedAt })}</p> : null}
        {c.withdrawnAt ? <p>{t("complaintHandling.withdrawn", { at: c.withdrawnAt, reason: c.withdrawalReason })}</p> : null}
        {c.may.accept ? (
          <Form method="post" className="stack">
            <CsrfInput />
            <label>
              {t("complaintHandling.reason")}
              <textarea name="reason" required maxLength={5000} rows={3} />
            </label>
            <div className="inline-fields">
              <button type="submit" name="intent" value="accept" className="button" disabled={busy}>
                {t("complaintHandling.accept")}
              </button>
              <button type="submit" name="intent" value="reject" className="button button--danger" disabled={busy}>
                {t("complaintHandling.reject")}
              </button>
            </div>
          </Form>
        ) : null}
      </section>

      {c.acceptedAt ? (
        <section className="panel" data-testid="suspension">
          <h2>{t("complaintHandling.suspension")}</h2>
          {c.state === "suspended" && c.suspendedAt ? (
            <p className="alert alert--warning">
              {t("complaintHandling.suspendedSince", {
                at: new Date(c.suspendedAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }),
              })}
            </p>
          ) : null}
          <p className="muted">{t("complaintHandling.suspendHint")}</p>
          {c.may.suspend || c.may.resume ? (
            <Form method="post">
              <CsrfInput />
              <button type="submit" name="intent" value={c.may.suspend ? "suspend" : "resume"} className="button" disabled={busy}>
                {t(c.may.suspend ? "complaintHandling.suspend" : "complaintHandling.resume")}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      <section className="panel" data-testid="document-requests">
        <h2>{t("complaintHandling.documents")}</h2>
        <ul>
          {c.requests.map((r) => (
            <li key={r.id} data-testid="document-request">
              {t("complaintHandling.requested", {
                at: new Date(r.requestedAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }),
                who: r.addressee,
                what: r.what,
                due: new Date(r.dueAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }),
              })}
              <div>
                {r.answeredAt ? (
                  <>
                    {t("complaintHandling.answered", {
                      at: new Date(r.answeredAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }),
                      answer: r.answer,
                    })}
                    {r.late ? <strong className="text-danger"> {t("complaintHandling.lateAnswer")}</strong> : null}
                    {r.uploads.map((u) => (
                      <div key={u.id} className="small">
                        {u.name} <span className="mono muted">SHA-256 {u.sha256}</span>
                      </div>
                    ))}
                  </>
                ) : (
                  <span className={r.late ? "text-danger" : "muted"}>{t("complaintHandling.unanswered")}</span>
                )}
              </div>
            </li>
          ))}
        </ul>
        {c.may.requestDocuments ? (
          <Form method="post" className="stack">
            <CsrfInput />
            <input type="hidden" name="intent" value="request" />
            <label>
              {t("complaintHandling.party")}
              <select name="party">
                <option value="complainant">{t("complaintHandling.parties.complainant")}</option>
                <option value="respondent">{t("complaintHandling.parties.respondent")}</option>
              </select>
            </label>
            <label>
              {t("complaintHandling.what")}
              <textarea name="what" required maxLength={2000} rows={2} />
            </label>
            <label>
              {t("complaintHandling.dueAt")}
              <input type="date" name="dueDate" required />
            </label>
            <button type="submit" className="button" disabled={busy}>
              {t("complaintHandling.send")}
            </button>
          </Form>
        ) : null}
      </section>

      <section className="panel" data-testid="decision">
        <h2>{t("complaintHandling.decision")}</h2>
        {c.decidedAt && c.decision.outcome ? (
          <>
            <p data-testid="decided">
              {t("complaintHandling.decided", {
                at: new Date(c.decidedAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }),
                outcome: t(`complaintHandling.outcomes.${c.decision.outcome}`),
              })}
            </p>
            {c.decision.signedBy ? <p className="muted small">{t("complaintHandling.signedBy", { who: c.decision.signedBy })}</p> : null}
            <p>
              <a href={`/complaints/${c.id}/decision.pdf`}>{t("complaintHandling.download")}</a> ·{" "}
              <a href={`/api/anchors/${c.decision.sha256}`} className="mono small">
                {t("complaintHandling.verify")} SHA-256 {c.decision.sha256}
              </a>
            </p>
          </>
        ) : null}
        {c.may.draft ? (
          <Form method="post" className="stack">
            <CsrfInput />
            <input type="hidden" name="intent" value="draft" />
            <label>
              {t("complaintHandling.outcome")}
              <select name="outcome" defaultValue={c.decision.outcome ?? "dismissed"}>
                {DECISION_OUTCOMES.map((o) => (
                  <option key={o} value={o}>
                    {t(`complaintHandling.outcomes.${o}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("complaintHandling.decisionText")}
              <textarea name="text" required maxLength={20_000} rows={6} defaultValue={c.decision.text ?? ""} />
            </label>
            <button type="submit" className="button" disabled={busy}>
              {t("complaintHandling.draft")}
            </button>
          </Form>
        ) : null}
        {c.decision.draftedAt && !c.decidedAt ? (
          <p className="muted">
            {t("complaintHandling.drafted", { at: new Date(c.decision.draftedAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }) })}
          </p>
        ) : null}
        {c.may.sign ? (
          <div data-testid="sign-decision">
            <p className="muted">{t("complaintHandling.signHint")}</p>
            <SignDocument kind="complaint-decision" subjectId={c.id} onSigned={() => revalidator.revalidate()} />
          </div>
        ) : null}
      </section>
    </div>
  );
}
