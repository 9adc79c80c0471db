import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { NoticesPanel } from "#app/components/evaluation/notices-panel.tsx";
import { ResultTable } from "#app/components/evaluation/result-table.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { decideAward } from "#app/services/evaluation/decide-award.server.ts";
import { issueAwardNotices } from "#app/services/evaluation/issue-award-notices.server.ts";
import { readEvaluation } from "#app/services/evaluation/read-evaluation.server.ts";
import evaluationCss from "#app/styles/evaluation.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: evaluationCss },
];
export const meta: MetaFunction = () => [{ title: "定标 · bidhall" }];

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("decide"), winner: z.string().uuid(), reason: z.string().max(2000).default("") }),
  z.object({ intent: z.literal("issue") }),
]);

/** The award page (issue 16): the tenderer decides, both sign the notices in the browser, the agency issues them. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => readEvaluation(app, await requireActor(app, args.request), args.params.sectionId ?? ""));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const sectionId = args.params.sectionId ?? "";
    const parsed = Intent.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: String(parsed.error.issues[0]?.path[0] ?? "form") });
    const v = parsed.data;
    if (v.intent === "decide") {
      await decideAward(app, { actor, sectionId, winnerOrganisationId: v.winner, reason: v.reason || null, meta });
      return { done: "decided" as const };
    }
    await issueAwardNotices(app, { actor, sectionId, meta });
    return { done: "issued" as const };
  });
}

export default function AwardPage() {
  const { t, i18n } = useTranslation();
  const v = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const en = i18n.language === "en";
  const candidates = (v.evaluation?.bids ?? []).filter((b) => b.rank !== null);
  const [winner, setWinner] = useState(candidates[0]?.organisationId ?? "");
  const first = candidates[0]?.organisationId;
  return (
    <div className="stack">
      <p>
        <Link to="/evaluations">← {t("evaluation.list.title")}</Link>
        {v.viewer.manager ? (
          <>
            {" · "}
            <Link to={`/sections/${v.section.id}/evaluation`}>{t("evaluation.page.title")}</Link>
          </>
        ) : null}
      </p>
      <h1>
        {t("evaluation.award.title")} <span className="mono muted">{v.section.code}</span>
      </h1>
      <p>
        {v.project.name} · {v.section.name} ·{" "}
        <span className="badge" data-testid="evaluation-phase">
          {t(`evaluation.phases.${v.phase}`)}
        </span>
      </p>
      <FormError data={actionData} />
      {actionData && "done" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="award-done">
          {t(`evaluation.award.done.${actionData.done}`)}
        </div>
      ) : null}
      {!v.evaluation ? <p className="muted">{t("evaluation.result.waiting")}</p> : <ResultTable v={v} />}
      {v.award ? (
        <section className="panel" data-testid="award-decided">
          <h2>{t("evaluation.award.decided")}</h2>
          <dl className="facts">
            <dt>{t("evaluation.award.winner")}</dt>
            <dd data-testid="award-winner">
              {v.award.winnerName} · {t("evaluation.result.rankN", { n: v.award.rank })}
            </dd>
            <dt>{t("evaluation.price")}</dt>
            <dd className="mono">{formatYuan(BigInt(v.award.priceFen))}</dd>
            {v.award.reason ? (
              <>
                <dt>{t("evaluation.award.reason")}</dt>
                <dd>{v.award.reason}</dd>
              </>
            ) : null}
            <dt>{t("evaluation.award.decidedAt")}</dt>
            <dd>
              <ShanghaiTime at={v.award.decidedAt} />
            </dd>
          </dl>
        </section>
      ) : null}
      {v.evaluation && !v.award ? (
        <section className="panel" data-testid="award-form">
          <h2>{t("evaluation.award.decide")}</h2>
          {v.awardBlock ? (
            <p className="alert alert--warning" data-testid="award-block">
              {en ? v.awardBlock.en : v.awardBlock.zh}
            </p>
          ) : null}
          {v.viewer.mayDecide ? (
            <Form method="post" className="stack">
              <CsrfInput />
              <input type="hidden" name="intent" value="decide" />
              <fieldset>
                <legend>{t("evaluation.award.winner")}</legend>
                {candidates.map((c) => (
                  <label key={c.organisationId} className="radio">
                    <input
                      type="radio"
                      name="winner"
                      value={c.organisationId}
                      checked={winner === c.organisationId}
                      onChange={() => setWinner(c.organisationId)}
                    />{" "}
                    {t("evaluation.result.rankN", { n: c.rank! })} {c.name} ·{" "}
                    <span className="mono">{c.priceFen ? formatYuan(BigInt(c.priceFen)) : ""}</span>
                  </label>
                ))}
              </fieldset>
              {winner !== first ? (
                <label className="field">
                  <span>{t("evaluation.award.reason")}</span>
                  <textarea name="reason" rows={3} required placeholder={t("evaluation.award.reasonHint")} />
                </label>
              ) : null}
              <button type="submit" className="button button--primary" disabled={busy} data-testid="decide-award">
                {t("evaluation.award.submit")}
              </button>
            </Form>
          ) : (
            <p className="muted">{t("evaluation.award.tendererDecides")}</p>
          )}
        </section>
      ) : null}
      {v.award ? <NoticesPanel v={v} busy={busy} /> : null}
    </div>
  );
}
