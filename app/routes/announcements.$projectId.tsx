import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { Countdown, ShanghaiTime } from "#app/components/server-time.tsx";
import { PublicEvaluationPart } from "#app/components/evaluation/public-evaluation.tsx";
import { Clarifications, Documents, ProjectFacts, Registrations, SectionFacts } from "#app/components/tendering/project-parts.tsx";
import { PrequalificationPanel } from "#app/components/tendering/prequalification.tsx";
import { PeriodChanges } from "#app/components/tendering/section-periods.tsx";
import { AppError, isAppError } from "#app/domain/shared/app-error.ts";
import { findProject } from "#app/server/repo/tendering.server.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { getActor, requireActor } from "#app/server/session.server.ts";
import { readPublicEvaluation } from "#app/services/evaluation/read-public-evaluation.server.ts";
import { readPrequalification } from "#app/services/tendering/prequalification.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import evaluationCss from "#app/styles/evaluation.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: evaluationCss },
];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: `${(data && "announcement" in data ? data.announcement?.title : data?.prequalification?.title) ?? data?.project.name ?? "招标公告"} · bidhall`,
  },
];

const Params = z.object({ projectId: z.string().uuid() });
const Register = z.object({ sectionId: z.string().uuid(), sectionCode: z.string() });

function projectIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new AppError("NOT_FOUND", { what: "project" });
  return parsed.data.projectId;
}

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await getActor(app, args.request);
    const projectId = projectIdOf(args.params);
    const view = await readProject(app, actor, projectId).catch(async (e: unknown) => {
      // Before the tender is published, a published prequalification is the project's only public face (decision 40).
      if (isAppError(e) && e.code === "NOT_FOUND") return null;
      throw e;
    });
    const prequalification = await readPrequalification(app, actor, projectId);
    if (view) {
      // The evaluation terms, the candidate publicity and the award result (issue 16).
      const evaluation = await readPublicEvaluation(
        app,
        projectId,
        view.sections.map((s) => s.id),
      );
      return { ...view, prequalification, evaluation, loggedIn: actor !== null };
    }
    const project = prequalification ? await findProject(app.db, projectId) : undefined;
    if (!prequalification || !project) throw new AppError("NOT_FOUND", { what: "project" });
    return { project: { id: project.id, name: project.name, code: project.code }, prequalification, prequalificationOnly: true as const };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Register.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    await registerForSection(app, { actor, sectionId: parsed.data.sectionId, meta });
    return { registered: parsed.data.sectionCode };
  });
}

export default function AnnouncementPage() {
  const v = useLoaderData<typeof loader>();
  if ("prequalificationOnly" in v)
    return (
      <div className="stack">
        <div className="panel__head">
          <h1 data-testid="project-title">
            {v.project.name} <span className="mono muted">{v.project.code}</span>
          </h1>
        </div>
        {v.prequalification ? <PrequalificationPanel pq={v.prequalification} /> : null}
      </div>
    );
  return <ProjectPage v={v} />;
}

function ProjectPage({ v }: { v: Exclude<ReturnType<typeof useLoaderData<typeof loader>>, { prequalificationOnly: true }> }) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <div className="panel__head">
        <h1 data-testid="project-title">{v.announcement?.title ?? v.project.name}</h1>
        {v.canManage ? (
          <Link className="button" to={`/projects/${v.project.id}`}>
            {t("tendering.project.manage")}
          </Link>
        ) : null}
      </div>
      <FormError data={actionData} />
      {actionData && "registered" in actionData ? (
        <div className="alert alert--success" role="status">
          {t("tendering.project.registerDone", { section: actionData.registered })}
        </div>
      ) : null}
      <PeriodChanges changes={v.periodChanges} />
      <ProjectFacts view={v} />
      {v.prequalification ? <PrequalificationPanel pq={v.prequalification} /> : null}
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
              {s.terminatedAt ? (
                <span data-testid="termination">
                  {t("lifecycle.public.terminated")} <ShanghaiTime at={s.terminatedAt} /> · {s.terminationReason}
                </span>
              ) : null}
              <span>
                {t("tendering.project.deadline")} <ShanghaiTime at={s.deadlineAt} />
                {s.phase === "published" ? (
                  <>
                    {" · "}
                    {t("tendering.project.countdown")} <Countdown to={String(s.deadlineAt)} />
                  </>
                ) : null}
              </span>
              {s.registered ? (
                <>
                  <span className="badge badge--approved">{t("tendering.project.registered")}</span>
                  <Link className="button button--primary button--small" to={`/sections/${s.id}/bid`}>
                    {s.phase === "published" ? t("bidding.list.open") : t("bidding.list.view")}
                  </Link>
                </>
              ) : v.canRegister && s.phase === "published" ? (
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="sectionId" value={s.id} />
                  <input type="hidden" name="sectionCode" value={s.code} />
                  <button type="submit" className="button button--primary button--small" disabled={busy}>
                    {t("tendering.project.register")}
                  </button>
                </Form>
              ) : !v.loggedIn && s.phase === "published" ? (
                <Link to={`/login?redirectTo=${encodeURIComponent(`/announcements/${v.project.id}`)}`}>
                  {t("tendering.project.loginToRegister")}
                </Link>
              ) : null}
            </div>
            {s.phase !== "draft" && s.phase !== "cancelled" ? (
              <p>
                <Link to={`/sections/${s.id}/opening`} data-testid="enter-hall">
                  {t("opening.enter")}
                </Link>{" "}
                · <Link to={`/sections/${s.id}/objection`}>{t("complaints.objection.title")}</Link> ·{" "}
                <Link to={`/complaints/new?section=${s.id}`}>{t("complaints.complaint.title")}</Link>
              </p>
            ) : null}
            <SectionFacts section={s} procurementType={v.project.procurementType} />
            <PublicEvaluationPart sectionId={s.id} e={v.evaluation[s.id]} />
          </article>
        ))}
      </section>
      <Documents view={v} />
      <Clarifications view={v} />
      {v.registrations ? <Registrations view={v} /> : null}
    </div>
  );
}
