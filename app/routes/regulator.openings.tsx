import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { PHASE_PILL } from "#app/components/opening/hall-phases.ts";
import { OPENING_PHASE_LABELS, type OpeningPhase } from "#app/domain/opening/index.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { citationForBoth } from "#app/domain/tendering/legal-sources.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { listOpeningsForRegulator, suspendOpeningOfSection } from "#app/services/opening/list-openings-for-regulator.server.ts";
import { resumeOpening } from "#app/services/opening/resume-opening.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "开标监管 · bidhall" }];

// A blank reason passes here on purpose: the domain's requireReason refuses it, naming the action.
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("suspend"), sectionId: z.string().uuid(), sectionCode: z.string().max(40), reason: z.string().max(1000) }),
  z.object({ intent: z.literal("resume"), openingId: z.string().uuid(), sectionCode: z.string().max(40), reason: z.string().max(1000) }),
]);

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => listOpeningsForRegulator(app, await requireActor(app, args.request)));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Intent.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "reason" });
    const v = parsed.data;
    if (v.intent === "suspend") {
      await suspendOpeningOfSection(app, { actor, sectionId: v.sectionId, reason: v.reason, meta });
      return { done: { intent: v.intent, section: v.sectionCode, phase: "suspended" as OpeningPhase } };
    }
    const { phase } = await resumeOpening(app, { actor, openingId: v.openingId, reason: v.reason, meta });
    return { done: { intent: v.intent, section: v.sectionCode, phase } };
  });
}

export default function RegulatorOpenings() {
  const { t, i18n } = useTranslation();
  const v = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const en = i18n.language === "en";
  const phaseWords = (p: OpeningPhase) => OPENING_PHASE_LABELS[p][en ? "en" : "zh"];
  const done = actionData && "done" in actionData ? actionData.done : null;
  return (
    <div className="stack">
      <h1>{t("openingAdmin.regulator.title")}</h1>
      <p className="muted">
        {t("openingAdmin.regulator.intro", {
          region: en ? v.jurisdiction.en : v.jurisdiction.zh,
          source: en ? citationForBoth("suspension").en : citationForBoth("suspension").zh,
        })}
      </p>
      <FormError data={actionData} />
      {done ? (
        <div className="alert alert--success" role="status" data-testid="opening-action-done">
          {t(`openingAdmin.regulator.${done.intent === "suspend" ? "suspended" : "resumed"}`, {
            section: done.section,
            phase: phaseWords(done.phase),
          })}
        </div>
      ) : null}
      <section className="panel">
        {v.openings.length === 0 ? (
          <p className="muted">{t("openingAdmin.regulator.none")}</p>
        ) : (
          <table className="table" data-testid="regulator-openings">
            <thead>
              <tr>
                <th>{t("openingAdmin.regulator.project")}</th>
                <th>{t("openingAdmin.regulator.section")}</th>
                <th>{t("openingAdmin.regulator.deadline")}</th>
                <th>{t("openingAdmin.regulator.phase")}</th>
                <th>{t("openingAdmin.regulator.bids")}</th>
                <th>{t("openingAdmin.regulator.hall")}</th>
                {v.canSuspend ? <th>{t("openingAdmin.regulator.action")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {v.openings.map((o) => (
                <tr key={o.sectionId} data-testid={`opening-${o.sectionCode}`}>
                  <td>
                    <Link to={`/projects/${o.projectId}`}>{o.projectName}</Link>
                    <div className="mono muted">{o.projectCode}</div>
                  </td>
                  <td>
                    <div className="mono nowrap">{o.sectionCode}</div>
                    <div className="muted">{o.sectionName}</div>
                  </td>
                  <td className="nowrap">
                    <ShanghaiTime at={o.deadlineAt} />
                  </td>
                  <td>
                    <span className={`phase phase--${PHASE_PILL[o.phase]}`} data-testid="phase">
                      {phaseWords(o.phase)}
                    </span>
                    {o.suspension ? (
                      <div className="muted" data-testid="suspension">
                        <div>
                          {t("openingAdmin.regulator.suspendedAt")}{" "}
                          <span className="nowrap">
                            <ShanghaiTime at={o.suspension.suspendedAt} />
                          </span>
                        </div>
                        <div>{t("openingAdmin.regulator.suspensionReason", { reason: o.suspension.reason })}</div>
                        <div>{t("openingAdmin.regulator.resumesTo", { phase: phaseWords(o.phaseUnderSuspension) })}</div>
                      </div>
                    ) : null}
                  </td>
                  <td className="nowrap">
                    {o.validBids === null ? (
                      <span className="muted">{t("openingAdmin.regulator.bidsNotCounted")}</span>
                    ) : (
                      t("openingAdmin.regulator.bidsCount", { count: o.validBids })
                    )}
                  </td>
                  <td className="nowrap">
                    <Link to={`/sections/${o.sectionId}/opening`}>{t("openingAdmin.regulator.enterHall")}</Link>
                  </td>
                  {v.canSuspend ? (
                    <td>
                      {o.maySuspend || (o.mayResume && o.openingId) ? (
                        // Keyed by the action, so the reason typed for one is not left standing in the next.
                        <Form key={o.mayResume ? "resume" : "suspend"} method="post" className="decision-form">
                          <CsrfInput />
                          <input type="hidden" name="sectionCode" value={o.sectionCode} />
                          {o.mayResume ? (
                            <input type="hidden" name="openingId" value={o.openingId ?? ""} />
                          ) : (
                            <input type="hidden" name="sectionId" value={o.sectionId} />
                          )}
                          <input
                            type="text"
                            name="reason"
                            required
                            maxLength={1000}
                            placeholder={t("openingAdmin.regulator.reason")}
                            aria-label={`${t("openingAdmin.regulator.reason")} ${o.sectionCode}`}
                          />
                          <button
                            type="submit"
                            name="intent"
                            value={o.mayResume ? "resume" : "suspend"}
                            className={`button button--small nowrap ${o.mayResume ? "button--primary" : "button--danger"}`}
                            disabled={busy}
                          >
                            {t(`openingAdmin.regulator.${o.mayResume ? "resume" : "suspend"}`)}
                          </button>
                        </Form>
                      ) : (
                        <span className="muted">{t("openingAdmin.regulator.noAction")}</span>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
