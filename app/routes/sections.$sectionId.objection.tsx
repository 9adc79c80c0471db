import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { OBJECTION_SUBJECTS } from "#app/domain/complaint/windows.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { fileObjection } from "#app/services/complaints/file-objection.server.ts";
import { objectionFormContext } from "#app/services/complaints/read-objections.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "异议质疑 · bidhall" }];

const Input = z.object({ subject: z.enum(OBJECTION_SUBJECTS), content: z.string().trim().min(10).max(4000) });

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => objectionFormContext(app, await requireActor(app, args.request), args.params.sectionId ?? ""));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const input = Input.safeParse(Object.fromEntries(form));
    if (!input.success) throw new AppError("VALIDATION_FAILED", { issues: input.error.issues.map((i) => i.path.join(".")) });
    return { filed: await fileObjection(app, { actor, sectionId: args.params.sectionId ?? "", ...input.data, meta }) };
  });
}

export default function SectionObjection() {
  const { t, i18n } = useTranslation();
  const c = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const type = c.project.procurementType;
  const open = c.windows.filter((w) => w.state === "open" && w.standing);
  return (
    <div className="stack">
      <h1>
        {t("complaints.objection.title")} · {c.section.code}
      </h1>
      <p className="muted">
        {c.project.name} · {c.section.name} · {t(`complaints.types.${type}`)}
      </p>
      <p className="muted">{t("complaints.objection.intro")}</p>
      <ul className="stack" data-testid="objection-windows">
        {c.windows.map((w) => (
          <li key={w.subject} className="panel" data-subject={w.subject} data-state={w.state}>
            <strong>{t(`complaints.subjects.${w.subject}`)}</strong>：
            {w.state === "unavailable" ? (
              <span>{i18n.language === "en" ? w.messageEn : w.messageZh}</span>
            ) : (
              <>
                {w.state === "open" ? t("complaints.objection.open", { at: "" }) : t("complaints.objection.closed", { at: "" })}
                <ShanghaiTime at={w.endsAt} /> <span className="muted">（{w.sourceZh}）</span>
              </>
            )}
            {!w.standing ? <span className="badge">{t("complaints.objection.noStanding")}</span> : null}
          </li>
        ))}
      </ul>
      <FormError data={result} />
      {result && "filed" in result ? (
        <div className="alert alert--success" role="status" data-testid="objection-filed">
          {t("complaints.objection.filed", { at: "" })}
          <ShanghaiTime at={result.filed.answerDueAt} /> ·{" "}
          <Link to={`/objections/${result.filed.objectionId}`}>{t("complaints.objection.mine")}</Link>
        </div>
      ) : null}
      {open.length > 0 ? (
        <Form method="post" className="panel stack">
          <CsrfInput />
          <div className="field">
            <label htmlFor="subject">{t("complaints.objection.subject")}</label>
            <select id="subject" name="subject">
              {open.map((w) => (
                <option key={w.subject} value={w.subject}>
                  {t(`complaints.subjects.${w.subject}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field field--wide">
            <label htmlFor="content">{t("complaints.objection.content")}</label>
            <textarea id="content" name="content" rows={6} minLength={10} maxLength={4000} required />
          </div>
          <button type="submit" className="button button--primary">
            {t("complaints.objection.submit")}
          </button>
        </Form>
      ) : null}
      {c.mine.length > 0 ? (
        <section className="stack">
          <h2>{t("complaints.objection.mine")}</h2>
          <ul>
            {c.mine.map((o) => (
              <li key={o.id}>
                <Link to={`/objections/${o.id}`}>{t(`complaints.subjects.${o.subject}`)}</Link> · <ShanghaiTime at={o.raisedAt} /> ·{" "}
                {o.answeredAt ? t("complaints.objection.answered") : t("complaints.objection.unanswered")}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
