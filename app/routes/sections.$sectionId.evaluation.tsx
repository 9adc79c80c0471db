import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormError } from "#app/components/form.tsx";
import { PriceScores } from "#app/components/evaluation/price-scores.tsx";
import { ResultForm } from "#app/components/evaluation/result-form.tsx";
import { ResultTable } from "#app/components/evaluation/result-table.tsx";
import { resultRows, type ResultInputProblem } from "#app/domain/evaluation/points-input.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader, FORM_BODY_LIMIT } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { readEvaluation } from "#app/services/evaluation/read-evaluation.server.ts";
import { recordEvaluationResult, REPORT_LIMIT_BYTES } from "#app/services/evaluation/record-evaluation-result.server.ts";
import evaluationCss from "#app/styles/evaluation.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: evaluationCss },
];
export const meta: MetaFunction = () => [{ title: "评标结果 · bidhall" }];

/** The agency's evaluation page (issue 16): machine price scores, then the committee's result and the publicity. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => readEvaluation(app, await requireActor(app, args.request), args.params.sectionId ?? ""));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(
    args,
    async ({ app, meta }, form) => {
      const actor = await requireActor(app, args.request);
      const sectionId = args.params.sectionId ?? "";
      const v = await readEvaluation(app, actor, sectionId);
      const text = (name: string) => String(form.get(name) ?? "");
      const rows = resultRows(
        v.bids.map((b) => ({
          organisationId: b.organisationId,
          valid: text(`valid:${b.organisationId}`) === "1",
          reason: text(`reason:${b.organisationId}`),
          technical: text(`technical:${b.organisationId}`),
          commercial: text(`commercial:${b.organisationId}`),
          rank: text(`rank:${b.organisationId}`),
        })),
        v.comprehensive,
      );
      if ("problem" in rows) throw inputError(rows.problem, (id) => v.bids.find((b) => b.organisationId === id)?.name ?? "");
      const committee = text("committee").split(/[\n,，、;；]+/);
      if (!committee.some((n) => n.trim())) throw inputError({ kind: "committee" }, () => "");
      const report = form.get("report");
      await recordEvaluationResult(app, {
        actor,
        sectionId,
        report: report instanceof Blob ? new Uint8Array(await report.arrayBuffer()) : new Uint8Array(),
        committee,
        bids: rows.bids,
        candidates: rows.candidates,
        meta,
      });
      return { recorded: true };
    },
    { maxBodyBytes: REPORT_LIMIT_BYTES + FORM_BODY_LIMIT },
  );
}

/** What the form could not read, in the words of the service's own refusals. */
function inputError(p: ResultInputProblem | { kind: "committee" }, nameOf: (id: string) => string): AppError {
  const [zh, en] =
    p.kind === "points"
      ? [
          `${nameOf(p.organisationId)} 的${p.part === "technical" ? "技术" : "商务"}分应为数字，最多两位小数。`,
          `${nameOf(p.organisationId)}'s ${p.part} points must be a number with at most two decimals.`,
        ]
      : p.kind === "rankTwice"
        ? [`第 ${p.rank} 名被选了两次。`, `rank ${p.rank} is chosen twice.`]
        : ["请填写评标委员会成员姓名。", "give the committee members' names."];
  return new AppError("EVALUATION_RESULT_INVALID", { detailZh: zh, detailEn: en });
}

export default function EvaluationPage() {
  const { t, i18n } = useTranslation();
  const v = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const en = i18n.language === "en";
  return (
    <div className="stack">
      <p>
        <Link to="/evaluations">← {t("evaluation.list.title")}</Link>
      </p>
      <h1>
        {t("evaluation.page.title")} <span className="mono muted">{v.section.code}</span>
      </h1>
      <p>
        {v.project.name} · {v.section.name} ·{" "}
        <span className="badge" data-testid="evaluation-phase">
          {t(`evaluation.phases.${v.phase}`)}
        </span>
      </p>
      <FormError data={actionData} />
      {actionData && "recorded" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="result-recorded">
          {t("evaluation.result.done")}
        </div>
      ) : null}
      <section className="panel">
        <h2>{t("evaluation.terms.shownTitle")}</h2>
        <p data-testid="terms-text">{en ? v.termsText.en : v.termsText.zh}</p>
      </section>
      {v.scoring ? <PriceScores scoring={v.scoring} comprehensive={v.comprehensive} /> : null}
      {v.evaluation ? (
        <>
          <ResultTable v={v} />
          <p>
            <Link className="button button--primary" to={`/sections/${v.section.id}/award`} data-testid="to-award">
              {t("evaluation.award.open")}
            </Link>{" "}
            <Link to={`/announcements/${v.project.id}`}>{t("evaluation.publicity.public")}</Link>
          </p>
        </>
      ) : v.viewer.mayRecord ? (
        <ResultForm v={v} busy={busy} />
      ) : (
        <p className="muted">{t("evaluation.result.waiting")}</p>
      )}
    </div>
  );
}
