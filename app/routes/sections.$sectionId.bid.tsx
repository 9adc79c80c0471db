import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import biddingCss from "#app/components/bidding/bidding.css?url";
import { BidVersions, BidStateBadge } from "#app/components/bidding/bid-versions.tsx";
import { SealAndSubmit } from "#app/components/bidding/seal-and-submit.tsx";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import guaranteeCss from "#app/components/guarantee-bidder/guarantee-bidder.css?url";
import { GuaranteeStatusPanel } from "#app/components/guarantee-bidder/guarantee-status-panel.tsx";
import { Countdown, ShanghaiTime } from "#app/components/server-time.tsx";
import { AppError, isAppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { getSealingKit } from "#app/services/bidding/get-sealing-kit.server.ts";
import { readOwnBid } from "#app/services/bidding/read-own-bid.server.ts";
import { withdrawBid } from "#app/services/bidding/submit-bid.server.ts";
import { ownSectionGuarantees } from "#app/services/guarantee/bidder-guarantees.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tenderingCss },
  { rel: "stylesheet", href: biddingCss },
  { rel: "stylesheet", href: guaranteeCss },
];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `投标 · ${data?.bid.section.name ?? ""} · bidhall` }];

const Params = z.object({ sectionId: z.string().uuid() });
const Withdraw = z.object({ intent: z.literal("withdraw") });

function sectionIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new AppError("NOT_FOUND", { what: "section" });
  return parsed.data.sectionId;
}

/** The bidder's page for one section: its own bid so far and, while bidding is open, the sealing kit. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app, lang }) => {
    const actor = await requireActor(app, args.request);
    const bid = await readOwnBid(app, actor, sectionIdOf(args.params));
    let kit = null;
    let kitProblem: string | null = null;
    if (bid.registered && bid.section.phase === "published") {
      try {
        kit = await getSealingKit(app, actor, bid.section.id);
      } catch (e) {
        if (!isAppError(e)) throw e;
        kitProblem = e.messageIn(lang);
      }
    }
    // The organisation's own guarantee applications for this section (issue 14): only its own exist.
    const guarantees =
      bid.registered && actor.permissions.has("apply:guarantee:own")
        ? (await ownSectionGuarantees(app, actor, bid.section.id)).map((a) => ({
            applicationId: a.applicationId,
            status: a.status,
            guarantorName: a.guarantorName,
            guarantee: a.guarantee ? { ledgerId: a.guarantee.ledgerId, status: a.guarantee.status } : null,
          }))
        : null;
    return {
      bid,
      kit,
      guarantees,
      kitProblem,
      deadlineText: formatShanghai(bid.section.deadlineAt),
      deadlinePassed: app.clock.now() >= bid.section.deadlineAt,
    };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    if (!Withdraw.safeParse(Object.fromEntries(form)).success) throw new AppError("VALIDATION_FAILED");
    await withdrawBid(app, { actor, sectionId: sectionIdOf(args.params), meta });
    return { withdrawn: true };
  });
}

export default function SectionBidPage() {
  const { t } = useTranslation();
  const { bid, kit, kitProblem, deadlineText, deadlinePassed, guarantees } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const open = bid.section.phase === "published";
  return (
    <div className="stack bid-page">
      <div className="panel__head bid-page__head">
        <h1>
          {t("bidding.page.title")} · {bid.section.name} <span className="mono muted">{bid.section.code}</span>
        </h1>
        <BidStateBadge state={bid.state} />
      </div>
      <section className="panel">
        <dl className="facts">
          <dt>{t("bidding.page.project")}</dt>
          <dd>
            <Link to={`/announcements/${bid.project.id}`}>{bid.project.name}</Link> <span className="mono muted">{bid.project.code}</span>
          </dd>
          <dt>{t("bidding.page.deadline")}</dt>
          <dd>
            <ShanghaiTime at={bid.section.deadlineAt} />
          </dd>
          {open ? (
            <>
              <dt>{t("bidding.page.countdown")}</dt>
              <dd>
                <Countdown to={String(bid.section.deadlineAt)} />
              </dd>
            </>
          ) : null}
        </dl>
        <p className="muted">{t("bidding.page.confidential")}</p>
      </section>
      <FormError data={actionData} />
      {actionData && "withdrawn" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="withdrawn">
          {t("bidding.withdraw.done")}
        </div>
      ) : null}
      {!bid.registered ? (
        <div className="alert alert--warning">{t("bidding.page.notRegistered")}</div>
      ) : !open ? (
        <div className="alert alert--warning" data-testid="bidding-closed">
          {deadlinePassed
            ? t("bidding.page.closed", { deadline: deadlineText })
            : t("bidding.page.notOpen", { phase: t(`tendering.phases.${bid.section.phase}`) })}
          {deadlinePassed && bid.section.phase !== "opening" ? ` ${t(`tendering.phases.${bid.section.phase}`)}` : null}
        </div>
      ) : kitProblem ? (
        <div className="alert alert--warning" data-testid="kit-problem">
          {kitProblem} <Link to="/certificates">{t("bidding.signer.certificatesLink")}</Link>
        </div>
      ) : null}
      {open && bid.state.status === "submitted" ? <p className="muted">{t("bidding.page.replaceHint")}</p> : null}
      {guarantees && (open || guarantees.length > 0) && (!kit || kit.security.kinds.includes("guarantee")) ? (
        <GuaranteeStatusPanel sectionId={bid.section.id} applications={guarantees} />
      ) : null}
      {open && kit ? <SealAndSubmit kit={kit} /> : null}
      <section className="panel">
        <div className="panel__head">
          <h2>{t("bidding.versions.title")}</h2>
          {open && bid.state.status === "submitted" ? (
            <Form
              method="post"
              onSubmit={(e) => {
                if (!confirm(t("bidding.withdraw.confirm"))) e.preventDefault();
              }}
            >
              <CsrfInput />
              <button type="submit" name="intent" value="withdraw" className="button" disabled={busy}>
                {t("bidding.withdraw.button")}
              </button>
            </Form>
          ) : null}
        </div>
        <BidVersions bid={bid} />
      </section>
    </div>
  );
}
