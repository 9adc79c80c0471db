import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { readNotice } from "#app/services/notices/read-notices.server.ts";
import lifecycleCss from "#app/styles/lifecycle.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: lifecycleCss },
];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "通知"} · bidhall` }];

/** Opening the notice is the read receipt (decision 41): the first read of each person is recorded. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app, meta }) => {
    const actor = await requireActor(app, args.request);
    const id = z.string().uuid().safeParse(args.params.noticeId);
    if (!id.success) throw new AppError("NOT_FOUND", { what: "notice" });
    return readNotice(app, { actor, noticeId: id.data, meta });
  });
}

export default function Notice() {
  const { t } = useTranslation();
  const n = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <Link to="/notices">{t("lifecycle.notices.back")}</Link>
      <h1>{n.title}</h1>
      <p className="muted">
        {t(`lifecycle.notices.kinds.${n.kind}`)} · {t("lifecycle.notices.sentAt")} <ShanghaiTime at={n.createdAt} />
      </p>
      <pre className="panel lc-body" data-testid="notice-body">
        {n.body}
      </pre>
      {n.kind === "award" && n.subjectId ? (
        <p>
          <Link className="button button--primary" to={`/award-notices/${n.subjectId}`} data-testid="open-award-notice">
            {t("evaluation.notices.openSigned")}
          </Link>
        </p>
      ) : null}
      <div className="alert alert--success" role="status" data-testid="notice-receipt">
        {t("lifecycle.notices.receipt", { at: new Date(n.readAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }) })}
      </div>
      <Link to={`/announcements/${n.project.id}`}>
        {n.project.name} <span className="mono muted">{n.project.code}</span>
      </Link>
    </div>
  );
}
