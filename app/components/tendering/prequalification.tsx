import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { ErrorList } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";

type When = string | Date;
const PRE = { whiteSpace: "pre-wrap" } as const;

/** What `readPrequalification` returns, as the page receives it. */
export interface PrequalificationView {
  title: string;
  body: string;
  saleFrom: When;
  saleUntil: When;
  submissionDeadlineAt: When;
  publishedAt: When;
  result: { body: string; passedCount: number; publishedAt: When; retender: boolean } | null;
  clarifications: { text: string; at: When; oldDeadlineAt: When | null; newDeadlineAt: When | null }[];
  objections: { text: string; at: When; organisationId: string }[] | null;
}

/** The prequalification announcement, its clarifications and its result (public; objections only when the service gives them). */
export function PrequalificationPanel({ pq }: { pq: PrequalificationView }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid="prequalification">
      <h2>{t("prequalification.title")}</h2>
      <p>
        <strong>{pq.title}</strong>
      </p>
      <dl className="facts">
        <dt>{t("prequalification.saleFrom")}</dt>
        <dd>
          <ShanghaiTime at={pq.saleFrom} />
        </dd>
        <dt>{t("prequalification.saleUntil")}</dt>
        <dd>
          <ShanghaiTime at={pq.saleUntil} />
        </dd>
        <dt>{t("prequalification.deadline")}</dt>
        <dd data-testid="prequalification-deadline">
          <ShanghaiTime at={pq.submissionDeadlineAt} />
        </dd>
        <dt>{t("prequalification.publishedAt")}</dt>
        <dd>
          <ShanghaiTime at={pq.publishedAt} />
        </dd>
      </dl>
      <p style={PRE}>{pq.body}</p>
      <p className="muted">{t("prequalification.offline")}</p>
      {pq.clarifications.length ? (
        <>
          <h3>{t("prequalification.clarifications")}</h3>
          <ol className="stack" data-testid="prequalification-clarifications">
            {pq.clarifications.map((c, i) => (
              <li key={i}>
                <ShanghaiTime at={c.at} /> <span style={PRE}>{c.text}</span>
                {c.oldDeadlineAt && c.newDeadlineAt ? (
                  <div className="muted">
                    <MovedDeadline from={c.oldDeadlineAt} to={c.newDeadlineAt} />
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {pq.objections?.length ? (
        <>
          <h3>{t("prequalification.objections")}</h3>
          <ol className="stack" data-testid="prequalification-objections">
            {pq.objections.map((o, i) => (
              <li key={i}>
                <ShanghaiTime at={o.at} /> <span style={PRE}>{o.text}</span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {pq.result ? (
        <div data-testid="prequalification-result">
          <h3>{t("prequalification.result")}</h3>
          <p>
            <strong>{t("prequalification.passed", { count: pq.result.passedCount })}</strong> · {t("prequalification.publishedAt")}{" "}
            <ShanghaiTime at={pq.result.publishedAt} />
          </p>
          {pq.result.body ? <p style={PRE}>{pq.result.body}</p> : null}
          {pq.result.retender ? (
            <div className="alert alert--warning" role="note">
              {t("prequalification.retender")}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function MovedDeadline({ from, to }: { from: When; to: When }) {
  const { t } = useTranslation();
  const [before, after] = t("prequalification.moved", { from: "\u0000", to: "\u0001" }).split("\u0000");
  const [middle, end] = (after ?? "").split("\u0001");
  return (
    <>
      {before}
      <ShanghaiTime at={from} />
      {middle}
      <ShanghaiTime at={to} />
      {end}
    </>
  );
}

export type PrequalificationForm = "pqPublish" | "pqClarify" | "pqResult";

/** A refusal of a period, placed under the input it concerns. */
export interface PrequalificationFieldError {
  field: "saleUntil" | "deadline";
  message: string;
}

/**
 * The agency's (or tenderer's) prequalification forms on the project page: the announcement until
 * it is published, then clarifications until the application deadline, then the result once.
 */
export function PrequalificationManage({
  pq,
  projectName,
  now,
  busy,
  fieldError,
  errorIn,
  onSend,
}: {
  pq: PrequalificationView | null;
  projectName: string;
  now: When;
  busy: boolean;
  fieldError: PrequalificationFieldError | null;
  errorIn: (form: PrequalificationForm) => React.ReactNode;
  onSend: (form: PrequalificationForm) => void;
}) {
  const { t } = useTranslation();
  const invalid = (field: PrequalificationFieldError["field"]) =>
    fieldError?.field === field ? { "aria-invalid": true, "aria-describedby": `pq-${field}-error` } : {};
  const errorsOf = (field: PrequalificationFieldError["field"]) => (fieldError?.field === field ? [fieldError.message] : undefined);
  if (!pq)
    return (
      <section className="panel">
        <h2>{t("prequalification.manage.publish")}</h2>
        <p className="muted">{t("prequalification.manage.publishHint")}</p>
        <Form method="post" className="stack" data-testid="pq-publish-form" onSubmit={() => onSend("pqPublish")}>
          <CsrfInput />
          {errorIn("pqPublish")}
          <div className="field">
            <label htmlFor="pq-title">{t("prequalification.manage.announcementTitle")}</label>
            <input id="pq-title" name="title" defaultValue={`${projectName}资格预审公告`} required maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="pq-body">{t("prequalification.manage.body")}</label>
            <textarea id="pq-body" name="body" rows={4} required />
          </div>
          <div className="field">
            <label htmlFor="pq-saleFrom">{t("prequalification.saleFrom")}</label>
            <input id="pq-saleFrom" type="datetime-local" name="saleFrom" required />
          </div>
          <div className={`field${fieldError?.field === "saleUntil" ? " field--invalid" : ""}`}>
            <label htmlFor="pq-saleUntil">{t("prequalification.saleUntil")}</label>
            <input id="pq-saleUntil" type="datetime-local" name="saleUntil" required {...invalid("saleUntil")} />
            <ErrorList id="pq-saleUntil-error" errors={errorsOf("saleUntil")} />
          </div>
          <div className={`field${fieldError?.field === "deadline" ? " field--invalid" : ""}`}>
            <label htmlFor="pq-deadline">{t("prequalification.deadline")}</label>
            <input id="pq-deadline" type="datetime-local" name="deadline" required {...invalid("deadline")} />
            <ErrorList id="pq-deadline-error" errors={errorsOf("deadline")} />
          </div>
          <button type="submit" name="intent" value="pqPublish" className="button button--primary" disabled={busy}>
            {t("prequalification.manage.publishButton")}
          </button>
        </Form>
      </section>
    );
  if (new Date(now) < new Date(pq.submissionDeadlineAt))
    return (
      <section className="panel">
        <h2>{t("prequalification.manage.clarify")}</h2>
        <p className="muted">{t("prequalification.manage.clarifyHint")}</p>
        <Form method="post" className="stack" data-testid="pq-clarify-form" onSubmit={() => onSend("pqClarify")}>
          <CsrfInput />
          {errorIn("pqClarify")}
          <div className="field">
            <label htmlFor="pq-text">{t("prequalification.manage.text")}</label>
            <textarea id="pq-text" name="text" rows={3} required />
          </div>
          <label className="checkbox">
            <input type="checkbox" name="affects" defaultChecked />
            {t("prequalification.manage.affects")}
          </label>
          <div className="field">
            <label htmlFor="pq-newDeadline">{t("prequalification.manage.newDeadline")}</label>
            <input id="pq-newDeadline" type="datetime-local" name="newDeadline" />
          </div>
          <button type="submit" name="intent" value="pqClarify" className="button button--primary" disabled={busy}>
            {t("prequalification.manage.clarifyButton")}
          </button>
        </Form>
      </section>
    );
  if (pq.result) return null;
  return (
    <section className="panel">
      <h2>{t("prequalification.manage.result")}</h2>
      <p className="muted">{t("prequalification.manage.resultHint")}</p>
      <Form method="post" className="stack" data-testid="pq-result-form" onSubmit={() => onSend("pqResult")}>
        <CsrfInput />
        {errorIn("pqResult")}
        <div className="field">
          <label htmlFor="pq-passed">{t("prequalification.manage.passedCount")}</label>
          <input id="pq-passed" type="number" name="passedCount" min={0} step={1} required inputMode="numeric" />
        </div>
        <div className="field">
          <label htmlFor="pq-resultBody">{t("prequalification.manage.resultBody")}</label>
          <textarea id="pq-resultBody" name="body" rows={3} />
        </div>
        <button type="submit" name="intent" value="pqResult" className="button button--primary" disabled={busy}>
          {t("prequalification.manage.resultButton")}
        </button>
      </Form>
    </section>
  );
}
