import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import biddingCss from "#app/components/bidding/bidding.css?url";
import { FormError } from "#app/components/form.tsx";
import { ApplicationDetail } from "#app/components/guarantee-bidder/application-detail.tsx";
import { ApplyForm } from "#app/components/guarantee-bidder/apply-form.tsx";
import guaranteeCss from "#app/components/guarantee-bidder/guarantee-bidder.css?url";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError, isAppError } from "#app/domain/shared/app-error.ts";
import { parseForm, runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { readOwnBid } from "#app/services/bidding/read-own-bid.server.ts";
import { ApplyInput, applyForGuarantee, guaranteeOptionsFor } from "#app/services/guarantee/apply-for-guarantee.server.ts";
import { ownSectionGuarantees, readOwnApplication } from "#app/services/guarantee/bidder-guarantees.server.ts";
import { payGuaranteeFee, supplementApplication } from "#app/services/guarantee/underwrite-application.server.ts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: biddingCss },
  { rel: "stylesheet", href: guaranteeCss },
];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `电子保函 · ${data?.bid.section.name ?? ""} · bidhall` }];

const Params = z.object({ sectionId: z.string().uuid() });
const Step = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("pay"), applicationId: z.string().uuid() }),
  z.object({ intent: z.literal("supplement"), applicationId: z.string().uuid(), text: z.string().trim().min(1).max(2000) }),
]);

function sectionIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new AppError("NOT_FOUND", { what: "section" });
  return parsed.data.sectionId;
}

/**
 * The bidder's electronic guarantee for one section (issue 14, decision 0072): apply (every
 * guarantor serving the section, the terms prefilled), pay the fee, supply documents, follow the
 * status to the ledger, download the signed letter, then declare it on the sealing page. Only the
 * bidder's own organisation's applications exist here.
 */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app, lang }) => {
    const actor = await requireActor(app, args.request);
    const sectionId = sectionIdOf(args.params);
    const bid = await readOwnBid(app, actor, sectionId);
    const applications = await ownSectionGuarantees(app, actor, sectionId);
    const live = applications.find((a) => a.status !== "declined");
    const detail = live ? await readOwnApplication(app, actor, live.applicationId) : null;
    const earlier = await Promise.all(applications.filter((a) => a !== live).map((a) => readOwnApplication(app, actor, a.applicationId)));
    let options = null;
    let problem: string | null = null;
    if (!live) {
      try {
        options = await guaranteeOptionsFor(app, actor, sectionId);
      } catch (e) {
        if (!isAppError(e)) throw e;
        problem = e.messageIn(lang);
      }
    }
    return { bid: { section: bid.section, project: bid.project }, detail, earlier, options, problem };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta, t }, form) => {
    const actor = await requireActor(app, args.request);
    const sectionId = sectionIdOf(args.params);
    if (form.get("intent") === "apply") {
      const submission = parseForm(form, ApplyInput, t);
      if (submission.status !== "success") return { result: submission.reply() };
      await applyForGuarantee(app, { actor, sectionId, input: submission.value, meta });
      return { applied: true };
    }
    const parsed = Step.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => i.path.join(".")) });
    const step = parsed.data;
    // The service loads the application by the applicant's owner filter: another organisation's is not found.
    if (step.intent === "pay") {
      const paid = await payGuaranteeFee(app, { actor, applicationId: step.applicationId, meta });
      return { paid: paid.reference };
    }
    await supplementApplication(app, { actor, applicationId: step.applicationId, text: step.text, meta });
    return { supplemented: true };
  });
}

export default function SectionGuaranteePage() {
  const { t } = useTranslation();
  const { bid, detail, earlier, options, problem } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const fieldErrors = result && "result" in result ? (result.result?.error as Record<string, string[] | null> | undefined) : undefined;
  return (
    <div className="stack bid-page guarantee-page">
      <p>
        <Link to={`/sections/${bid.section.id}/bid`}>← {t("guaranteeBidder.apply.back")}</Link>
      </p>
      <h1>
        {t("guaranteeBidder.apply.title", { section: bid.section.name })} <span className="mono muted">{bid.section.code}</span>
      </h1>
      <p className="muted">{t("guaranteeBidder.panel.intro")}</p>
      <section className="panel">
        <dl className="facts">
          <dt>{t("bidding.page.project")}</dt>
          <dd>{bid.project.name}</dd>
          <dt>{t("bidding.page.deadline")}</dt>
          <dd>
            <ShanghaiTime at={bid.section.deadlineAt} />
          </dd>
        </dl>
      </section>
      <FormError data={result} />
      {result && "applied" in result ? (
        <div className="alert alert--success" role="status" data-testid="applied">
          {t("guaranteeBidder.apply.submitted")}
        </div>
      ) : null}
      {result && "paid" in result ? (
        <div className="alert alert--success" role="status" data-testid="paid">
          {t("guaranteeBidder.detail.paidNow", { reference: result.paid })}
        </div>
      ) : null}
      {result && "supplemented" in result ? (
        <div className="alert alert--success" role="status" data-testid="supplemented">
          {t("guaranteeBidder.detail.supplemented")}
        </div>
      ) : null}
      {detail ? <ApplicationDetail a={detail} busy={busy} /> : null}
      {options ? <ApplyForm options={options} busy={busy} errors={fieldErrors} /> : null}
      {problem ? (
        <div className="alert alert--warning" data-testid="apply-unavailable">
          {t("guaranteeBidder.apply.unavailable", { message: problem })}
        </div>
      ) : null}
      {earlier.map((a) => (
        <ApplicationDetail key={a.applicationId} a={a} busy={busy} />
      ))}
    </div>
  );
}
