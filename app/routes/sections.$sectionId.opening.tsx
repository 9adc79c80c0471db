import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRevalidator, useRouteError } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FormError } from "#app/components/form.tsx";
import { BidderConsole } from "#app/components/opening/bidder-console.tsx";
import { Bidders, Chat, Confirmations, HallHeader, Objections, ReadingOut, SignIns } from "#app/components/opening/hall-panels.tsx";
import { HostConsole, RegulatorPanel } from "#app/components/opening/host-console.tsx";
import { OfficialsPanel } from "#app/components/opening/officials-panel.tsx";
import { useHallEvents } from "#app/components/opening/use-hall-events.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { getActor, requireActor } from "#app/server/session.server.ts";
import { answerObjection } from "#app/services/opening/answer-objection.server.ts";
import { closeDecryptionWindowEarly } from "#app/services/opening/close-decryption-window-early.server.ts";
import { closeOpening } from "#app/services/opening/close-opening.server.ts";
import { declareOpeningFailed } from "#app/services/opening/declare-opening-failed.server.ts";
import { extendDecryptionWindow } from "#app/services/opening/extend-decryption-window.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { hideOpeningMessage } from "#app/services/opening/hide-opening-message.server.ts";
import { readOpeningHall } from "#app/services/opening/opening-hall.server.ts";
import { assignOpeningOfficial } from "#app/services/opening/opening-officials.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { pauseDecryptionWindow } from "#app/services/opening/pause-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { publishReadingOut } from "#app/services/opening/publish-reading-out.server.ts";
import { raiseObjection } from "#app/services/opening/raise-objection.server.ts";
import { reclassifyDecryption } from "#app/services/opening/reclassify-decryption.server.ts";
import { resumeDecryptionWindow } from "#app/services/opening/resume-decryption-window.server.ts";
import { resumeOpening } from "#app/services/opening/resume-opening.server.ts";
import { sendOpeningMessage } from "#app/services/opening/send-opening-message.server.ts";
import { suspendOpening } from "#app/services/opening/suspend-opening.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `开标大厅 · ${data?.view.section.name ?? ""} · bidhall` }];

const reason = z.string().trim().min(1).max(500);
const id = z.string().uuid();
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("publishBidders") }),
  z.object({ intent: z.literal("openWindow") }),
  z.object({ intent: z.literal("pause"), reason }),
  z.object({ intent: z.literal("resume"), reason }),
  z.object({ intent: z.literal("extend"), minutes: z.coerce.number().int().min(1).max(600), reason }),
  z.object({ intent: z.literal("closeEarly") }),
  z.object({ intent: z.literal("publishReadingOut") }),
  z.object({ intent: z.literal("answer"), objectionId: id, answer: z.string().trim().min(1).max(4000) }),
  z.object({ intent: z.literal("hide"), messageId: id, reason }),
  z.object({ intent: z.literal("reclassify"), organisationId: id, to: z.enum(["deemedRevoked", "deemedWithdrawn"]), reason }),
  z.object({ intent: z.literal("declareFailed"), ground: z.string().trim().min(1).max(40), reason }),
  z.object({ intent: z.literal("close") }),
  z.object({ intent: z.literal("object"), text: z.string().trim().min(1).max(4000) }),
  z.object({ intent: z.literal("message"), text: z.string().trim().min(1).max(1000) }),
  z.object({ intent: z.literal("suspend"), reason }),
  z.object({ intent: z.literal("resumeOpening"), reason }),
  z.object({ intent: z.literal("assignOfficial"), duty: z.enum(["recorder", "supervisor"]), personId: id }),
]);

/** The hall for anyone: the public sees the reading-out once published; participants see their consoles. */
export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await getActor(app, args.request);
    const hall = await readOpeningHall(app, actor, args.params.sectionId ?? "");
    return { ...hall, organisationName: actor?.membership.organisationName ?? null };
  });
}

/** Every form of the hall: one intent, one service; the service guards role, organisation and phase. */
export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Intent.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => i.path.join(".")).join(", ") });
    const { openingId } = await findOpeningOfSection(app, args.params.sectionId ?? "");
    const base = { actor, openingId, meta };
    const i = parsed.data;
    switch (i.intent) {
      case "publishBidders":
        await publishBidderList(app, base);
        break;
      case "openWindow":
        await openDecryptionWindow(app, base);
        break;
      case "pause":
        await pauseDecryptionWindow(app, { ...base, reason: i.reason });
        break;
      case "resume":
        await resumeDecryptionWindow(app, { ...base, reason: i.reason });
        break;
      case "extend":
        await extendDecryptionWindow(app, { ...base, minutes: i.minutes, reason: i.reason });
        break;
      case "closeEarly":
        await closeDecryptionWindowEarly(app, base);
        break;
      case "publishReadingOut":
        await publishReadingOut(app, base);
        break;
      case "answer":
        await answerObjection(app, { ...base, objectionId: i.objectionId, answer: i.answer });
        break;
      case "hide":
        await hideOpeningMessage(app, { ...base, messageId: i.messageId, reason: i.reason });
        break;
      case "reclassify":
        await reclassifyDecryption(app, { ...base, organisationId: i.organisationId, to: i.to, reason: i.reason });
        break;
      case "declareFailed":
        await declareOpeningFailed(app, { ...base, ground: i.ground, reason: i.reason });
        break;
      case "close":
        await closeOpening(app, base);
        break;
      case "object":
        await raiseObjection(app, { ...base, text: i.text });
        break;
      case "message":
        await sendOpeningMessage(app, { ...base, text: i.text });
        break;
      case "suspend":
        await suspendOpening(app, { ...base, reason: i.reason });
        break;
      case "resumeOpening":
        await resumeOpening(app, { ...base, reason: i.reason });
        break;
      case "assignOfficial":
        await assignOpeningOfficial(app, { ...base, duty: i.duty, personId: i.personId });
        break;
    }
    return { done: i.intent };
  });
}

export default function OpeningHall() {
  const { t } = useTranslation();
  const { view, lastEventId, organisationName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { connected } = useHallEvents(view.section.id, lastEventId);
  return (
    <div className="stack hall" data-testid="opening-hall" data-viewer={view.viewer}>
      <HallHeader view={view} connected={connected} />
      <FormError data={actionData} />
      {view.viewer === "public" ? <p className="muted">{t("opening.publicNote")}</p> : null}
      {view.viewer === "tenderer" ? (
        <p className="muted" data-testid="tenderer-note">
          {t("openingHall.tendererNote")}
        </p>
      ) : null}
      <div className="hall__grid">
        <div className="stack">
          {view.viewer === "host" ? <HostConsole view={view} busy={busy} /> : null}
          {view.viewer === "regulator" ? <RegulatorPanel view={view} busy={busy} /> : null}
          {view.viewer === "bidder" && organisationName ? <BidderConsole view={view} organisationName={organisationName} /> : null}
          <Bidders view={view} busy={busy} />
          <ReadingOut view={view} />
          <Confirmations view={view} />
        </div>
        <div className="stack">
          {view.viewer !== "public" ? <SignIns view={view} /> : null}
          <OfficialsPanel view={view} busy={busy} />
          <Objections view={view} busy={busy} />
          <Chat view={view} busy={busy} />
        </div>
      </div>
    </div>
  );
}

/**
 * A failed re-read (the server restarting, the network gone) must not drop people out of the
 * hall: the page says so and tries again every few seconds until the server answers. Refusals
 * (403, 404) are shown as they are.
 */
export function ErrorBoundary() {
  const { t } = useTranslation();
  const error = useRouteError();
  const revalidator = useRevalidator();
  const transient = !isRouteErrorResponse(error) || error.status >= 500;
  useEffect(() => {
    if (!transient) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 3000);
    return () => clearInterval(timer);
  }, [transient, revalidator]);
  const message = isRouteErrorResponse(error) ? (error.data as { error?: { message?: string } } | null)?.error?.message : undefined;
  return (
    <div className="alert alert--warning" role="alert" data-testid="hall-unavailable">
      {transient ? t("opening.reconnecting") : (message ?? t("opening.title"))}
    </div>
  );
}
