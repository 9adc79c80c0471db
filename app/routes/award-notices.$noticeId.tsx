import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { AcknowledgeNotice } from "#app/components/evaluation/acknowledge-notice.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { acknowledgeNotice } from "#app/services/evaluation/acknowledge-notice.server.ts";
import { readAwardNotice } from "#app/services/evaluation/read-award-notice.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.number ?? "通知书"} · bidhall` }];

const Acknowledge = z.object({ intent: z.literal("acknowledge"), acknowledgementJws: z.string().min(1).max(32_000) });

/** An award or result notice (decision 67): the recipient downloads it and acknowledges receipt with a signature. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => readAwardNotice(app, await requireActor(app, args.request), args.params.noticeId ?? ""));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Acknowledge.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "acknowledgementJws" });
    const noticeId = args.params.noticeId ?? "";
    // Only the recipient, and only once issued: the same 404 as the page for anyone else.
    if (!(await readAwardNotice(app, actor, noticeId)).recipient) throw new AppError("NOT_FOUND", { what: "notice" });
    const { acknowledgedAt } = await acknowledgeNotice(app, { actor, noticeId, acknowledgementJws: parsed.data.acknowledgementJws, meta });
    return { acknowledgedAt: acknowledgedAt.toISOString() };
  });
}

export default function AwardNoticePage() {
  const { t } = useTranslation();
  const n = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p>
        <Link to="/notices">← {t("lifecycle.notices.back")}</Link>
      </p>
      <h1>
        {t(`evaluation.notices.kinds.${n.kind}`)} <span className="mono muted">{n.number}</span>
      </h1>
      <section className="panel" data-testid="award-notice">
        <dl className="facts">
          <dt>{t("evaluation.notices.recipient")}</dt>
          <dd>{n.organisationName}</dd>
          <dt>{t("evaluation.notices.section")}</dt>
          <dd>
            <Link to={`/announcements/${n.project.id}`}>{n.project.name}</Link> · <span className="mono">{n.section.code}</span>{" "}
            {n.section.name}
          </dd>
          <dt>{t("evaluation.notices.tenderer")}</dt>
          <dd>{n.tendererSignedAt ? <ShanghaiTime at={n.tendererSignedAt} /> : "—"}</dd>
          <dt>{t("evaluation.notices.agency")}</dt>
          <dd>{n.agencySignedAt ? <ShanghaiTime at={n.agencySignedAt} /> : "—"}</dd>
          <dt>{t("evaluation.notices.issuedAt")}</dt>
          <dd>{n.issuedAt ? <ShanghaiTime at={n.issuedAt} /> : t("evaluation.notices.notIssued")}</dd>
          <dt>SHA-256</dt>
          <dd>
            <code className="mono small" data-testid="notice-sha256">
              {n.sha256}
            </code>{" "}
            {n.issuedAt ? (
              <a href={`/api/anchors/${n.sha256}`} className="small">
                {t("evaluation.anchor")}
              </a>
            ) : null}
          </dd>
        </dl>
        <p>
          <a className="button" href={`/award-notices/${n.id}.pdf`} download data-testid="download-notice">
            {t("evaluation.notices.download")}
          </a>
        </p>
      </section>
      {n.recipient ? (
        <section className="panel" data-testid="acknowledgement">
          <h2>{t("evaluation.acknowledge.title")}</h2>
          {n.acknowledgedAt ? (
            <div className="alert alert--success" role="status" data-testid="acknowledged">
              {t("evaluation.acknowledge.done")} <ShanghaiTime at={n.acknowledgedAt} />
            </div>
          ) : (
            <AcknowledgeNotice notice={n} />
          )}
        </section>
      ) : null}
    </div>
  );
}
