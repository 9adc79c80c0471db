import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { EVIDENCE_LIMITS } from "#app/domain/complaint/evidence.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { FORM_BODY_LIMIT, runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { answerDocumentRequest, listOwnDocumentRequests } from "#app/services/complaints/complaint-document-requests.server.ts";
import complaintsCss from "#app/styles/complaints.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: complaintsCss },
];
export const meta: MetaFunction = () => [{ title: "补充材料 · bidhall" }];

const Answer = z.object({ requestId: z.string().uuid(), answer: z.string().max(5000) });

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ requests: await listOwnDocumentRequests(app, await requireActor(app, args.request)) }));
}

/** The party's side (decision 0063): answer a regulator's request for documents with a note and files. */
export async function action(args: ActionFunctionArgs) {
  return runAction(
    args,
    async ({ app, meta }, form) => {
      const actor = await requireActor(app, args.request);
      const parsed = Answer.safeParse({ requestId: form.get("requestId"), answer: form.get("answer") });
      if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "answer" });
      const files = form
        .getAll("files")
        .filter((f): f is File => f instanceof Blob && f.size > 0)
        .map((f) => ({ name: f.name, body: f.stream() }));
      await answerDocumentRequest(app, { actor, requestId: parsed.data.requestId, answer: parsed.data.answer, files, meta });
      return { answered: true };
    },
    { maxBodyBytes: EVIDENCE_LIMITS.totalBytes + FORM_BODY_LIMIT },
  );
}

export default function ComplaintRequests() {
  const { t } = useTranslation();
  const { requests } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <h1>{t("complaintHandling.myRequests")}</h1>
      <p className="muted">{t("complaintHandling.myRequestsIntro")}</p>
      <FormError data={actionData} />
      {actionData && "answered" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="request-answered">
          {t("complaintHandling.submitted")}
        </div>
      ) : null}
      {requests.length === 0 ? <p className="muted">{t("complaintHandling.noRequests")}</p> : null}
      {requests.map((r) => (
        <section key={r.id} className="panel" data-testid="my-request">
          <h2>
            {t("complaintHandling.receipt")} <span className="mono">{r.receipt_no}</span> · <span className="mono">{r.section_code}</span>{" "}
            {r.section_name}
          </h2>
          <p className="complaint-text">{r.what}</p>
          <p>
            {t("complaintHandling.dueAt")}：<ShanghaiTime at={new Date(r.due_at).toISOString()} />
          </p>
          {r.answered_at ? (
            <p className="muted">
              {t("complaintHandling.answered", {
                at: new Date(r.answered_at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }),
                answer: r.answer,
              })}
            </p>
          ) : (
            <Form method="post" encType="multipart/form-data" className="stack">
              <CsrfInput />
              <input type="hidden" name="requestId" value={r.id} />
              <label>
                {t("complaintHandling.answer")}
                <textarea name="answer" required maxLength={5000} rows={3} />
              </label>
              <label>
                {t("complaintHandling.files")}
                <input type="file" name="files" multiple accept="application/pdf,image/png,image/jpeg" />
              </label>
              <button type="submit" className="button" disabled={busy}>
                {t("complaintHandling.submit")}
              </button>
            </Form>
          )}
        </section>
      ))}
    </div>
  );
}
