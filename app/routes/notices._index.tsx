import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listNotices } from "#app/services/notices/read-notices.server.ts";
import lifecycleCss from "#app/styles/lifecycle.css?url";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: lifecycleCss },
];
export const meta: MetaFunction = () => [{ title: "通知 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ notices: await listNotices(app, await requireActor(app, args.request)) }));
}

export default function Notices() {
  const { t } = useTranslation();
  const { notices } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{t("lifecycle.notices.title")}</h1>
      <p className="muted">{t("lifecycle.notices.intro")}</p>
      {notices.length === 0 ? (
        <p className="muted">{t("lifecycle.notices.none")}</p>
      ) : (
        <ul className="stack lc-list" data-testid="notices">
          {notices.map((n) => (
            <li key={n.id} className="panel">
              <span className="badge">{t(`lifecycle.notices.kinds.${n.kind}`)}</span>{" "}
              <Link to={`/notices/${n.id}`} className={n.readAt ? undefined : "lc-unread"}>
                {n.title}
              </Link>
              <div className="muted">
                {t("lifecycle.notices.sentAt")} <ShanghaiTime at={n.createdAt} /> ·{" "}
                {n.readAt ? (
                  <>
                    {t("lifecycle.notices.readAt")} <ShanghaiTime at={n.readAt} />
                  </>
                ) : (
                  <strong>{t("lifecycle.notices.unread")}</strong>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
