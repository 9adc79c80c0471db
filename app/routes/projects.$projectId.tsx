import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { Countdown, ShanghaiTime } from "#app/components/server-time.tsx";
import { Clarifications, Documents, ProjectFacts, Registrations, SectionFacts } from "#app/components/tendering/project-parts.tsx";
import {
  PrequalificationManage,
  PrequalificationPanel,
  type PrequalificationFieldError,
  type PrequalificationForm,
} from "#app/components/tendering/prequalification.tsx";
import { PeriodChanges } from "#app/components/tendering/section-periods.tsx";
import { AppError, isAppError } from "#app/domain/shared/app-error.ts";
import { FORM_BODY_LIMIT, runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { issueClarification } from "#app/services/tendering/issue-clarification.server.ts";
import {
  publishPrequalification,
  publishPrequalificationResult,
  readPrequalification,
  recordPrequalificationItem,
} from "#app/services/tendering/prequalification.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { MAX_DOCUMENT_BYTES, uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.project.name ?? "项目"} · bidhall` }];

const Params = z.object({ projectId: z.string().uuid() });
/** A `datetime-local` value, read as Shanghai time. */
const localTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)
  .transform((s) => new Date(`${s}:00+08:00`));
const optionalLocalTime = z
  .string()
  .regex(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})?$/)
  .transform((s) => (s ? new Date(`${s}:00+08:00`) : undefined));

const Intent = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("pqPublish"),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(20_000),
    saleFrom: localTime,
    saleUntil: localTime,
    deadline: localTime,
  }),
  z.object({
    intent: z.literal("pqClarify"),
    text: z.string().trim().min(1).max(20_000),
    affects: z.literal("on").optional(),
    newDeadline: optionalLocalTime,
  }),
  z.object({
    intent: z.literal("pqResult"),
    passedCount: z
      .string()
      .regex(/^\d{1,6}$/)
      .transform(Number),
    body: z.string().trim().max(20_000),
  }),
  z.object({ intent: z.literal("upload"), title: z.string().trim().min(1).max(200) }),
  z.object({ intent: z.literal("publish"), title: z.string().trim().min(1).max(200), body: z.string().trim().min(1).max(20_000) }),
  z.object({
    intent: z.literal("clarify"),
    sectionId: z.string().uuid(),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(20_000),
    affects: z.literal("on").optional(),
    newDeadline: z
      .string()
      .regex(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})?$/)
      .transform((s) => (s ? new Date(`${s}:00+08:00`) : undefined)),
    documentId: z
      .string()
      .transform((s) => s || undefined)
      .pipe(z.string().uuid().optional()),
  }),
]);

function projectIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new AppError("NOT_FOUND", { what: "project" });
  return parsed.data.projectId;
}

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const view = await readProject(app, actor, projectIdOf(args.params));
    if (!view.relation) throw new AppError("FORBIDDEN", { permission: "publish:section:own" });
    const prequalification = await readPrequalification(app, actor, view.project.id);
    return { ...view, prequalification, now: app.clock.now() };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(
    args,
    async ({ app, meta, lang }, form) => {
      const actor = await requireActor(app, args.request);
      const projectId = projectIdOf(args.params);
      const parsed = Intent.safeParse(Object.fromEntries([...form].filter(([, v]) => typeof v === "string")));
      if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => i.path.join(".")) });
      const input = parsed.data;
      switch (input.intent) {
        case "upload": {
          const file = form.get("file");
          if (!(file instanceof Blob) || file.size === 0) throw new AppError("VALIDATION_FAILED", { field: "file" });
          const filename = (file as File).name || "tender-documents.pdf";
          const r = await uploadTenderDocument(app, {
            actor,
            projectId,
            title: input.title,
            filename,
            bytes: new Uint8Array(await file.arrayBuffer()),
            meta,
          });
          return { uploaded: r };
        }
        case "publish":
          await publishProject(app, { actor, projectId, announcement: { title: input.title, body: input.body }, meta });
          return { published: true };
        case "pqPublish":
          try {
            await publishPrequalification(app, {
              actor,
              projectId,
              title: input.title,
              body: input.body,
              saleFrom: input.saleFrom,
              saleUntil: input.saleUntil,
              submissionDeadlineAt: input.deadline,
              meta,
            });
          } catch (e) {
            // A period too short is shown under the input that ends it (the sale's end, the deadline).
            if (!isAppError(e) || e.code !== "PREQUALIFICATION_PERIOD_TOO_SHORT") throw e;
            const field: PrequalificationFieldError["field"] = e.params.ruleZh === "文件发售期" ? "saleUntil" : "deadline";
            return data({ pqFieldError: { field, message: e.messageIn(lang) } }, { status: e.status });
          }
          return { pqPublished: true };
        case "pqClarify":
          await recordPrequalificationItem(app, {
            actor,
            projectId,
            kind: "clarification",
            text: input.text,
            affectsApplications: input.affects === "on",
            newDeadlineAt: input.newDeadline,
            meta,
          });
          return { pqClarified: true };
        case "pqResult": {
          const r = await publishPrequalificationResult(app, { actor, projectId, passedCount: input.passedCount, body: input.body, meta });
          return { pqResult: r };
        }
        case "clarify": {
          const r = await issueClarification(app, {
            actor,
            sectionId: input.sectionId,
            title: input.title,
            body: input.body,
            affectsPreparation: input.affects === "on",
            newDeadlineAt: input.newDeadline,
            documentId: input.documentId,
            meta,
          });
          return { clarified: r.sequence };
        }
      }
    },
    { maxBodyBytes: MAX_DOCUMENT_BYTES + FORM_BODY_LIMIT },
  ); // a tender document and the form around it
}

export default function ManageProject() {
  const { t } = useTranslation();
  const v = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const drafts = v.sections.filter((s) => s.phase === "draft");
  const open = v.sections.filter((s) => s.phase === "published");
  const unissued = v.documents.filter((d) => !d.issuedAt);
  // A refusal is shown inside the form that was sent, where the person is looking.
  const [sent, setSent] = useState<"upload" | "publish" | "clarify" | PrequalificationForm | null>(null);
  const errorIn = (form: typeof sent) => (sent === form ? <FormError data={actionData} /> : null);
  return (
    <div className="stack">
      <div className="panel__head">
        <h1 data-testid="project-title">
          {v.project.name} <span className="mono muted">{v.project.code}</span>
        </h1>
        {v.announcement || v.prequalification ? (
          <Link className="button" to={`/announcements/${v.project.id}`}>
            {t("tendering.project.publicPage")}
          </Link>
        ) : null}
        {v.announcement ? (
          <Link className="button" to={`/projects/${v.project.id}/securities`}>
            {t("lifecycle.manage.link")}
          </Link>
        ) : null}
      </div>
      {sent === null ? <FormError data={actionData} /> : null}
      {actionData && "uploaded" in actionData && actionData.uploaded ? (
        <div className="alert alert--success" role="status">
          {t("tendering.manage.uploaded", { version: actionData.uploaded.version, sha256: actionData.uploaded.sha256 })}
        </div>
      ) : null}
      {actionData && "published" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="published">
          {t("tendering.manage.published")}
        </div>
      ) : null}
      {actionData && "clarified" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="clarified">
          {t("tendering.manage.clarified", { sequence: actionData.clarified })}
        </div>
      ) : null}
      {actionData && "pqPublished" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="pq-published">
          {t("prequalification.manage.published")}
        </div>
      ) : null}
      {actionData && "pqClarified" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="pq-clarified">
          {t("prequalification.manage.clarified")}
        </div>
      ) : null}
      {actionData && "pqResult" in actionData && actionData.pqResult ? (
        <div
          className={`alert ${actionData.pqResult.retender ? "alert--warning" : "alert--success"}`}
          role="status"
          data-testid="pq-result"
        >
          {t(actionData.pqResult.retender ? "prequalification.manage.resultPublishedRetender" : "prequalification.manage.resultPublished")}
        </div>
      ) : null}
      <PeriodChanges changes={v.periodChanges} />
      <ProjectFacts view={v} />
      <section className="panel">
        <h2>{t("tendering.project.sections")}</h2>
        {v.sections.map((s) => (
          <article key={s.id} className="section-card" data-testid={`section-${s.code}`}>
            <div className="section-card__head">
              <h3>
                {s.name} <span className="mono muted">{s.code}</span>
              </h3>
              <span className={`phase phase--${s.phase}`} data-testid="phase">
                {t(`tendering.phases.${s.phase}`)}
              </span>
              <span>
                {t("tendering.project.deadline")} <ShanghaiTime at={s.deadlineAt} />
                {s.phase === "published" ? (
                  <>
                    {" · "}
                    <Countdown to={new Date(s.deadlineAt).toISOString()} />
                  </>
                ) : null}
              </span>
            </div>
            <SectionFacts section={s} procurementType={v.project.procurementType} />
            {s.phase !== "draft" && s.phase !== "cancelled" ? (
              <p>
                <Link className="button button--small" to={`/sections/${s.id}/opening`} data-testid="hall-link">
                  {t("openingHall.projectHall")}
                </Link>
              </p>
            ) : null}
          </article>
        ))}
      </section>

      {v.canManage ? (
        <div className="two-col">
          <section className="panel">
            <h2>{t("tendering.manage.upload")}</h2>
            <Form
              method="post"
              encType="multipart/form-data"
              className="stack"
              data-testid="upload-form"
              onSubmit={() => setSent("upload")}
            >
              <CsrfInput />
              {errorIn("upload")}
              <div className="field">
                <label htmlFor="doc-title">{t("tendering.manage.uploadTitle")}</label>
                <input
                  id="doc-title"
                  name="title"
                  defaultValue={v.documents.length ? "招标文件（修改版）" : "招标文件"}
                  required
                  maxLength={200}
                />
              </div>
              <div className="field">
                <label htmlFor="doc-file">{t("tendering.manage.file")}</label>
                <input id="doc-file" type="file" name="file" accept="application/pdf,.pdf" required />
              </div>
              <button type="submit" name="intent" value="upload" className="button" disabled={busy}>
                {t("tendering.manage.uploadButton")}
              </button>
            </Form>
          </section>
          {drafts.length ? (
            <section className="panel">
              <h2>{t("tendering.manage.publish")}</h2>
              <p className="muted">{t("tendering.manage.publishHint")}</p>
              <Form method="post" className="stack" data-testid="publish-form" onSubmit={() => setSent("publish")}>
                <CsrfInput />
                {errorIn("publish")}
                <div className="field">
                  <label htmlFor="ann-title">{t("tendering.manage.announcementTitle")}</label>
                  <input id="ann-title" name="title" defaultValue={`${v.project.name}招标公告`} required maxLength={200} />
                </div>
                <div className="field">
                  <label htmlFor="ann-body">{t("tendering.manage.announcementBody")}</label>
                  <textarea id="ann-body" name="body" rows={5} defaultValue={defaultBody(v)} required />
                </div>
                <button type="submit" name="intent" value="publish" className="button button--primary" disabled={busy}>
                  {t("tendering.manage.publishButton")}
                </button>
              </Form>
            </section>
          ) : open.length ? (
            <section className="panel">
              <h2>{t("tendering.manage.clarify")}</h2>
              <p className="muted">{t("tendering.manage.clarifyHint")}</p>
              <Form method="post" className="stack" data-testid="clarify-form" onSubmit={() => setSent("clarify")}>
                <CsrfInput />
                {errorIn("clarify")}
                <div className="field">
                  <label htmlFor="cl-section">{t("tendering.manage.section")}</label>
                  <select id="cl-section" name="sectionId">
                    {open.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.code} {s.name}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor="cl-title">{t("tendering.manage.clarifyTitle")}</label>
                  <input id="cl-title" name="title" defaultValue={`第${v.clarifications.length + 1}号澄清`} required maxLength={200} />
                </div>
                <div className="field">
                  <label htmlFor="cl-body">{t("tendering.manage.clarifyBody")}</label>
                  <textarea id="cl-body" name="body" rows={3} required />
                </div>
                <label className="checkbox">
                  <input type="checkbox" name="affects" defaultChecked />
                  {t("tendering.manage.affects")}
                </label>
                <div className="field">
                  <label htmlFor="cl-deadline">{t("tendering.manage.newDeadline")}</label>
                  <input id="cl-deadline" type="datetime-local" name="newDeadline" />
                </div>
                <div className="field">
                  <label htmlFor="cl-doc">{t("tendering.manage.document")}</label>
                  <select id="cl-doc" name="documentId" defaultValue="">
                    <option value="">{t("tendering.manage.none")}</option>
                    {unissued.map((d) => (
                      <option key={d.id} value={d.id}>
                        v{d.version} {d.title}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit" name="intent" value="clarify" className="button button--primary" disabled={busy}>
                  {t("tendering.manage.clarifyButton")}
                </button>
              </Form>
            </section>
          ) : null}
        </div>
      ) : null}
      {v.canManage ? (
        <PrequalificationManage
          pq={v.prequalification}
          projectName={v.project.name}
          now={v.now}
          busy={busy}
          fieldError={actionData && "pqFieldError" in actionData ? actionData.pqFieldError : null}
          errorIn={errorIn}
          onSend={setSent}
        />
      ) : null}
      {v.prequalification ? <PrequalificationPanel pq={v.prequalification} /> : null}
      <Documents view={v} />
      <Clarifications view={v} />
      <Registrations view={v} />
    </div>
  );
}

function defaultBody(v: { project: { name: string; tenderer: string | null; agency: string | null; description: string } }): string {
  const who = v.project.agency ? `${v.project.tenderer}委托${v.project.agency}` : v.project.tenderer;
  return `${who}就${v.project.name}进行公开招标，欢迎符合条件的投标人报名参加。${v.project.description ? `\n\n项目概况：${v.project.description}` : ""}\n\n投标人须在本平台报名并获取招标文件，投标文件须加密上传，开标在线进行（不见面开标）。`;
}
