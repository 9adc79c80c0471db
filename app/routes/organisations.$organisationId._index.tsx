import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { getOrganisationProfile } from "#app/services/organisations/read-organisations.server.ts";

const Params = z.object({ organisationId: z.string().uuid() });

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    const params = Params.safeParse(args.params);
    if (!params.success) throw new AppError("NOT_FOUND", { what: "organisation" });
    return { organisation: await getOrganisationProfile(app, actor, params.data.organisationId) };
  });
}

export default function OrganisationPage() {
  const { t } = useTranslation();
  const { organisation } = useLoaderData<typeof loader>();
  return (
    <section className="panel">
      <h1>{organisation.name}</h1>
      <dl className="facts">
        <dt>{t("dashboard.usccLabel")}</dt>
        <dd className="mono">{organisation.uscc}</dd>
        <dt>{t("dashboard.kindsLabel")}</dt>
        <dd>{organisation.kinds.map((k) => t(`kinds.${k}`)).join("、")}</dd>
        <dt>{t("dashboard.regionLabel")}</dt>
        <dd>
          {organisation.region_name} ({organisation.region_code})
        </dd>
        <dt>{t("dashboard.statusLabel")}</dt>
        <dd>
          <span className={`badge badge--${organisation.status}`}>{t(`status.${organisation.status}`)}</span>
          {organisation.decided_at ? (
            <>
              {" "}
              <ShanghaiTime at={organisation.decided_at} />
            </>
          ) : null}
        </dd>
        <dt>{t("approvals.submittedAt")}</dt>
        <dd>
          <ShanghaiTime at={organisation.created_at} />
        </dd>
      </dl>
    </section>
  );
}
