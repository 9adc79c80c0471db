import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { answerObjection } from "#app/services/complaints/answer-objection.server.ts";
import { readObjection } from "#app/services/complaints/read-objections.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "异议质疑 · bidhall" }];

const Input = z.object({ answer: z.string().trim().min(5).max(8000) });

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => readObjection(app, await requireActor(app, args.request), args.params.objectionId ?? ""));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const input = Input.safeParse(Object.fromEntries(form));
    if (!input.success) throw new AppError("VALIDATION_FAILED", { issues: ["answer"] });
    return { answered: await answerObjection(app, { actor, objectionId: args.params.objectionId ?? "", answer: input.data.answer, meta }) };
  });
}

export default function ObjectionPage() {
  const { t } = useTranslation();
  const { objection: o, section, project, canAnswer } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const word = t(`complaints.word.${project.procurementType}`);
  return (
    <div className="stack">
      <Link to="/objections">{t("complaints.nav.objections")}</Link>
      <h1>
        {word} · {section.code} · {t(`complaints.subjects.${o.subject}`)}
      </h1>
      <dl className="panel facts">
        <dt>{t("complaints.objection.objector")}</dt>
        <dd>
          {o.objector}（{o.raisedBy}）
        </dd>
        <dt>{t("complaints.objection.raisedAt")}</dt>
        <dd>
          <ShanghaiTime at={o.raisedAt} />
        </dd>
        <dt>{t("complaints.objection.dueAt")}</dt>
        <dd data-testid="answer-due">
          <ShanghaiTime at={o.answerDueAt} /> {o.overdue ? <strong className="badge">{t("complaints.objection.overdue")}</strong> : null}
        </dd>
      </dl>
      <pre className="panel lc-body">{o.content}</pre>
      <FormError data={result} />
      {o.answeredAt ? (
        <section className="stack" data-testid="objection-answer">
          <h2>{t("complaints.objection.answer")}</h2>
          <p className="muted">
            {o.answeredBy} · <ShanghaiTime at={o.answeredAt} />
          </p>
          <pre className="panel lc-body">{o.answer}</pre>
          <a href={`/objections/${o.id}/answer.pdf`}>{t("complaints.objection.answerPdf")}</a>
          <span className="mono muted">SHA-256 {o.documentSha256}</span>
          <Link to={`/complaints/new?section=${section.id}`}>{t("complaints.objection.complain")}</Link>
        </section>
      ) : canAnswer ? (
        <Form method="post" className="panel stack">
          <CsrfInput />
          <div className="field field--wide">
            <label htmlFor="answer">{t("complaints.objection.answer")}</label>
            <textarea id="answer" name="answer" rows={6} minLength={5} maxLength={8000} required />
          </div>
          <button type="submit" className="button button--primary">
            {t("complaints.objection.answerSubmit")}
          </button>
        </Form>
      ) : (
        <p className="muted">{t("complaints.objection.unanswered")}</p>
      )}
    </div>
  );
}
