import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import type { OpeningView } from "#app/domain/opening/view.ts";
import { useLabels } from "./hall-panels.tsx";
import { hallOver, offered } from "./hall-phases.ts";

/**
 * The host's console (the project's agency, or the tenderer without one): each button records one
 * fact through its service; the service refuses it in the wrong phase, naming the phase, so the
 * console offers only what the phase allows and the server stays the judge.
 */
export function HostConsole({ view, busy }: { view: OpeningView; busy: boolean }) {
  const { t } = useTranslation();
  const labels = useLabels(view.section.procurementType);
  const p = view.phase;
  const w = view.window;
  const allDecided = !!view.bidders && view.bidders.length > 0 && view.bidders.every((b) => b.decided);
  const action = (intent: string, label: string, primary = false) => (
    <Form method="post">
      <CsrfInput />
      <button type="submit" name="intent" value={intent} className={primary ? "button button--primary" : "button"} disabled={busy}>
        {label}
      </button>
    </Form>
  );
  const withReason = (intent: string, label: string, extra?: React.ReactNode) => (
    <Form method="post" className="inline-fields">
      <CsrfInput />
      {extra}
      <input
        type="text"
        name="reason"
        required
        maxLength={500}
        placeholder={t("opening.host.reason")}
        aria-label={`${label} · ${t("opening.host.reason")}`}
      />
      <button type="submit" name="intent" value={intent} className="button" disabled={busy}>
        {label}
      </button>
    </Form>
  );
  return (
    <section className="panel bid-form" data-testid="host-console">
      <h2>{t("opening.host.title")}</h2>
      <div className="stack-sm">
        {p === "awaiting-window" && !view.bidderListPublishedAt ? action("publishBidders", t("opening.host.publishBidders"), true) : null}
        {p === "awaiting-window" && view.bidderListPublishedAt ? action("openWindow", t("opening.host.openWindow"), true) : null}
        {p === "decrypting" && w && w.stoppedBy !== "pause" ? withReason("pause", t("opening.host.pause")) : null}
        {p === "decrypting" && w?.stoppedBy === "pause" ? withReason("resume", t("opening.host.resume")) : null}
        {p === "decrypting"
          ? withReason(
              "extend",
              t("opening.host.extend"),
              <input
                type="number"
                name="minutes"
                min={1}
                max={600}
                defaultValue={10}
                required
                aria-label={t("opening.host.minutes")}
                className="narrow"
              />,
            )
          : null}
        {p === "decrypting" && allDecided ? action("closeEarly", t("opening.host.closeEarly")) : null}
        {p === "reading-out" ? action("publishReadingOut", t("opening.host.publishReadingOut"), true) : null}
        {offered(view, "declareFailed") && view.failureGrounds && view.failureGrounds.length > 0
          ? withReason(
              "declareFailed",
              t("opening.host.declareFailed"),
              // Decision 39: a failure names its legal ground, chosen from the list for the procurement type.
              <select name="ground" required aria-label={t("opening.host.failureGround")} defaultValue="">
                <option value="" disabled>
                  {t("opening.host.failureGround")}
                </option>
                {view.failureGrounds.map((g) => (
                  <option key={g.id} value={g.id}>
                    {labels.text(g)}（{labels.text(g.source)}）
                  </option>
                ))}
              </select>,
            )
          : null}
        {p === "confirming" ? action("close", t("opening.host.close"), true) : null}
        {hallOver(view) ? (
          <p className="muted" data-testid="hall-over">
            {t(p === "failed" ? "openingHall.over.hostFailed" : "openingHall.over.hostClosed")}
          </p>
        ) : null}
      </div>
    </section>
  );
}

export function RegulatorPanel({ view, busy }: { view: OpeningView; busy: boolean }) {
  const { t } = useTranslation();
  if (view.phase === "closed" || view.phase === "failed") return null;
  const suspended = view.phase === "suspended";
  return (
    <section className="panel bid-form" data-testid="regulator-panel">
      <h2>{t("opening.regulator.title")}</h2>
      <Form method="post" className="inline-fields">
        <CsrfInput />
        <input
          type="text"
          name="reason"
          required
          maxLength={500}
          placeholder={t("opening.regulator.reason")}
          aria-label={t("opening.regulator.reason")}
        />
        <button type="submit" name="intent" value={suspended ? "resumeOpening" : "suspend"} className="button" disabled={busy}>
          {suspended ? t("opening.regulator.resume") : t("opening.regulator.suspend")}
        </button>
      </Form>
    </section>
  );
}
