import { SecurityVerification } from "./security-verification.tsx";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Countdown, ShanghaiTime } from "#app/components/server-time.tsx";
import { DECRYPTION_RESULT_LABELS, DECRYPTION_RULES, decryptionBasis, type DecryptionRule } from "#app/domain/opening/decryption.ts";
import { OPENING_PHASE_LABELS } from "#app/domain/opening/phase.ts";
import type { OpeningView } from "#app/domain/opening/view.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { offered } from "./hall-phases.ts";

/**
 * The parts of the opening hall every viewer shares: the header with phase, banners and
 * countdowns by the server's clock, the bidder list with decryption results and rules, the
 * reading-out, objections, chat and confirmations. Host-only controls appear where the viewer is
 * the host; the data itself is already filtered for the viewer by `readOpening`.
 */
export type View = OpeningView;

export function useLabels(type: ProcurementType = "engineering") {
  const { i18n } = useTranslation();
  const en = i18n.language === "en";
  const basisOf = (r: string | null) => (r && r in DECRYPTION_RULES ? decryptionBasis(r as DecryptionRule, type) : undefined);
  return {
    phase: (p: View["phase"]) => (en ? OPENING_PHASE_LABELS[p].en : OPENING_PHASE_LABELS[p].zh),
    result: (r: NonNullable<View["ownBid"]>["result"]) => (r ? (en ? DECRYPTION_RESULT_LABELS[r].en : DECRYPTION_RESULT_LABELS[r].zh) : ""),
    /** The rule in words with its legal basis for the section's procurement type (decision 33). */
    rule: (r: string | null) => {
      const rule = r ? DECRYPTION_RULES[r as DecryptionRule] : undefined;
      const basis = basisOf(r);
      if (!rule || !basis) return r ?? "";
      return en ? `${rule.en} (${basis.en})` : `${rule.zh}（${basis.zh}）`;
    },
    /** The legal basis alone, for narrow table cells (the whole rule is in the cell's title). */
    basis: (r: string | null) => {
      const basis = basisOf(r);
      return basis ? (en ? basis.en : basis.zh) : "";
    },
    /** A bilingual text from the domain in the page's language. */
    text: (c: { zh: string; en: string }) => (en ? c.en : c.zh),
  };
}

function formatMs(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, "0")).join(":");
}

export function HallHeader({ view, connected }: { view: View; connected: boolean }) {
  const { t } = useTranslation();
  const labels = useLabels(view.section.procurementType);
  const w = view.window;
  return (
    <section className="panel hall-header" data-testid="hall-header">
      <div className="panel__head">
        <h1>
          {t("opening.title")} · {view.section.name} <span className="mono muted">{view.section.code}</span>
        </h1>
        <span className={`phase phase--${view.phase}`} data-testid="opening-phase" data-phase={view.phase}>
          {labels.phase(view.phase)}
        </span>
      </div>
      <p className="muted">
        {view.project.name} <span className="mono">{view.project.code}</span> ·{" "}
        <span className={connected ? "live live--on" : "live"} data-testid="live" data-connected={connected}>
          {connected ? t("opening.live") : t("opening.reconnecting")}
        </span>
      </p>
      {view.suspension ? (
        <div className="alert alert--error" role="alert" data-testid="suspension-banner">
          {t("opening.suspended", {
            reason: view.suspension.reason,
            at: new Date(view.suspension.suspendedAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }),
          })}
        </div>
      ) : null}
      {view.objectionStop && !view.failure ? (
        <div className="alert alert--warning" role="alert" data-testid="objection-stop-banner">
          {t("opening.objectionStop", {
            count: view.objectionStop.count,
            word: labels.text(view.objectionStop.word),
            due: new Date(view.objectionStop.answerDueAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }),
            source: labels.text(view.objectionStop.source),
          })}
        </div>
      ) : null}
      {view.failure ? (
        <div className="alert alert--error" role="alert" data-testid="failure-banner">
          {t("opening.failed", {
            reason:
              view.failure.kind === "declared"
                ? view.failure.ground
                  ? t("opening.failedDeclared", {
                      ground: labels.text(view.failure.ground),
                      source: labels.text(view.failure.source),
                      reason: view.failure.reason,
                    })
                  : view.failure.reason
                : t("opening.failedTooFew", {
                    count: view.validBidsAtDeadline ?? 0,
                    minimum: view.section.minimumBids,
                    source: labels.text(view.failure.source),
                  }),
          })}
        </div>
      ) : null}
      {view.failure ? <FailureNextSteps view={view} failure={view.failure} /> : null}
      <dl className="facts facts--inline">
        <dt>{t("opening.deadline")}</dt>
        <dd>
          <ShanghaiTime at={view.deadlineAt} />
        </dd>
        {view.phase === "scheduled" || view.phase === "signing-in" ? (
          <>
            <dt>{t("opening.countdownToDeadline")}</dt>
            <dd>
              <Countdown to={view.deadlineAt} />
            </dd>
          </>
        ) : null}
        {view.validBidsAtDeadline !== null ? (
          <>
            <dt>{t("opening.validBids", { count: view.validBidsAtDeadline })}</dt>
            <dd />
          </>
        ) : null}
        {w && !w.ended ? (
          <>
            <dt>{t("opening.windowRemaining")}</dt>
            <dd data-testid="window-remaining">
              {w.stoppedBy || !w.endsAt ? (
                <>
                  <span className="countdown">{formatMs(w.remainingMs)}</span>{" "}
                  <span className="badge badge--pending">
                    {t("opening.windowStopped", {
                      by: t(w.stoppedBy === "suspension" ? "opening.stoppedBySuspension" : "opening.stoppedByPause"),
                    })}
                  </span>
                </>
              ) : (
                <Countdown to={w.endsAt} />
              )}
            </dd>
          </>
        ) : null}
        {w?.endsAt ? (
          <>
            <dt>{t("opening.windowEndsAt")}</dt>
            <dd data-testid="window-ends-at">
              <ShanghaiTime at={w.endsAt} />
            </dd>
          </>
        ) : null}
        {view.confirmation?.endsAt && view.phase === "confirming" && (view.confirmation.remainingMs ?? 0) > 0 ? (
          <>
            <dt>{t("opening.confirmationRemaining")}</dt>
            <dd>
              <Countdown to={view.confirmation.endsAt} />
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

/**
 * 流标: what the tenderer does next, under the article of the section's procurement type
 * (decision 33). The host is offered a new project for the re-tender; another method (GP) needs the
 * finance department's approval outside the platform.
 */
function FailureNextSteps({ view, failure }: { view: View; failure: NonNullable<View["failure"]> }) {
  const { t } = useTranslation();
  const labels = useLabels(view.section.procurementType);
  return (
    <div className="alert alert--warning" data-testid="failure-next-steps">
      <strong>{t("opening.nextSteps.title", { source: labels.text(failure.nextStepSource) })}</strong>
      <ul>
        {failure.nextSteps.map((step) => (
          <li key={step.id} data-step={step.id}>
            {labels.text(step)}{" "}
            {(view.viewer === "host" || view.viewer === "tenderer") && step.id !== "otherMethod" ? (
              <a className="button button--small" href="/projects/new" data-testid={`next-step-${step.id}`}>
                {t("opening.nextSteps.newProject")}
              </a>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SignIns({ view }: { view: View }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid="sign-ins">
      <h2>
        {t("opening.signIns.title")} <span className="badge">{view.signIns.length}</span>
      </h2>
      {view.signIns.length === 0 ? (
        <p className="muted">{t("opening.signIns.none")}</p>
      ) : (
        <table className="table table--compact">
          <thead>
            <tr>
              <th>{t("opening.signIns.who")}</th>
              <th>{t("opening.signIns.person")}</th>
              <th>{t("opening.signIns.at")}</th>
            </tr>
          </thead>
          <tbody>
            {view.signIns.map((s) => (
              <tr key={`${s.organisationName}-${s.personName}`}>
                <td>{s.organisationName}</td>
                <td>{s.personName}</td>
                <td className="nowrap">
                  <ShanghaiTime at={s.signedInAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Bidders({ view, busy }: { view: View; busy: boolean }) {
  const { t } = useTranslation();
  const labels = useLabels(view.section.procurementType);
  const host = view.viewer === "host";
  const official = host || view.viewer === "tenderer" || view.viewer === "regulator";
  const mayReclassify = host && offered(view, "reclassifyDecryption");
  return (
    <section className="panel" data-testid="bidders">
      <h2>{t("opening.bidders.title")}</h2>
      {!view.bidders ? (
        <p className="muted">{t("opening.bidders.notPublished")}</p>
      ) : view.bidders.length === 0 ? (
        <p className="muted" data-testid="no-bidders">
          {t("openingHall.noBidders")}
        </p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t("opening.bidders.name")}</th>
              <th>{t("opening.bidders.uscc")}</th>
              <th>{t("opening.bidders.result")}</th>
              <th>{t("opening.bidders.rule")}</th>
              <th>{t("opening.bidders.decidedAt")}</th>
              {official ? <th>{t("opening.bidders.credit")}</th> : null}
              {mayReclassify ? <th>{t("opening.bidders.reclassify")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {view.bidders.map((b) => (
              <tr key={b.organisationId} data-testid={`bidder-${b.uscc}`} data-result={b.result ?? "pending"}>
                <td>{b.name}</td>
                <td className="mono">{b.uscc}</td>
                <td>
                  <span
                    className={`badge ${b.result === "decrypted" ? "badge--approved" : b.result ? "badge--rejected" : "badge--pending"}`}
                  >
                    {b.result ? labels.result(b.result) : t("opening.bidders.pending")}
                  </span>
                </td>
                <td className="rule" title={b.rule ? labels.rule(b.rule) : undefined}>
                  {b.rule ? labels.rule(b.rule) : ""}
                </td>
                <td className="nowrap">{b.decidedAt ? <ShanghaiTime at={b.decidedAt} /> : ""}</td>
                {official ? (
                  <td data-testid={`credit-${b.uscc}`}>
                    {(b.credit ?? []).map((f) => (
                      <div
                        key={f.zh}
                        className={`badge ${f.bars ? "badge--rejected" : "badge--pending"}`}
                        data-flag={f.grade ?? "ban"}
                        title={labels.text(f)}
                      >
                        {labels.text(f)}
                      </div>
                    ))}
                    {(b.defects ?? []).map((d) => (
                      <p key={d.code} className="alert alert--warning" data-defect={d.code}>
                        {labels.text(d)}
                      </p>
                    ))}
                    {b.security ? <SecurityVerification v={b.security} text={labels.text} /> : null}
                  </td>
                ) : null}
                {mayReclassify ? (
                  <td>
                    {b.result && b.result !== "decrypted" ? (
                      <details>
                        <summary>{t("opening.bidders.reclassify")}</summary>
                        <Form method="post" className="stack-sm">
                          <CsrfInput />
                          <input type="hidden" name="organisationId" value={b.organisationId} />
                          <input type="hidden" name="to" value={b.result === "deemedRevoked" ? "deemedWithdrawn" : "deemedRevoked"} />
                          <input
                            type="text"
                            name="reason"
                            required
                            maxLength={500}
                            aria-label={t("opening.bidders.reason")}
                            placeholder={t("opening.bidders.reason")}
                          />
                          <button type="submit" name="intent" value="reclassify" className="button button--small" disabled={busy}>
                            {t("opening.bidders.reclassifyTo")}{" "}
                            {labels.result(b.result === "deemedRevoked" ? "deemedWithdrawn" : "deemedRevoked")}
                          </button>
                        </Form>
                      </details>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view.reclassifications.length > 0 ? (
        <>
          <h3>{t("opening.reclassifications")}</h3>
          <ul>
            {view.reclassifications.map((r) => (
              <li key={`${r.organisationName}-${r.at}`}>
                <ShanghaiTime at={r.at} /> {r.organisationName}：{labels.result(r.from as "deemedRevoked")} →{" "}
                {labels.result(r.to as "deemedRevoked")}（{r.reason}）
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function ReadingOut({ view }: { view: View }) {
  const { t } = useTranslation();
  const labels = useLabels(view.section.procurementType);
  const ro = view.readingOut;
  return (
    <section className="panel" data-testid="reading-out">
      <h2>{t("opening.readingOut.title")}</h2>
      {!ro ? (
        <p className="muted">{t("opening.readingOut.notYet")}</p>
      ) : (
        <>
          <table className="table">
            <thead>
              <tr>
                <th>{t("opening.readingOut.order")}</th>
                <th>{t("opening.readingOut.bidder")}</th>
                <th className="num">{t("opening.readingOut.price")}</th>
                <th>{t("opening.readingOut.capitals")}</th>
                <th>{t("opening.readingOut.fields")}</th>
                <th>{t("opening.readingOut.result")}</th>
              </tr>
            </thead>
            <tbody>
              {ro.rows.map((r) => (
                <tr key={r.bidderUscc} data-testid={`reading-out-${r.bidderUscc}`}>
                  <td>{r.order}</td>
                  <td>
                    {r.bidderName}
                    <div className="mono muted">{r.bidderUscc}</div>
                  </td>
                  <td className="num mono">{r.price ? r.price.figures : "—"}</td>
                  <td>{r.price ? r.price.capitals : "—"}</td>
                  <td>
                    {r.fields.map((f) => (
                      <div key={f.key}>
                        {f.label}：{f.display ?? "—"}
                      </div>
                    ))}
                  </td>
                  <td>{labels.result(r.result)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            {t("opening.readingOut.sha256")} <code data-testid="record-sha256">{ro.recordSha256}</code>
          </p>
          <p>
            <a className="button" href={`/sections/${view.section.id}/opening/record.pdf?kind=reading-out`} data-testid="reading-out-pdf">
              {t("opening.readingOut.record")}
            </a>{" "}
            {view.openingRecord ? (
              <a
                className="button button--primary"
                href={`/sections/${view.section.id}/opening/record.pdf?kind=opening`}
                data-testid="opening-record-pdf"
              >
                {t("opening.readingOut.openingRecord")}
              </a>
            ) : null}
          </p>
        </>
      )}
    </section>
  );
}

/** Decision 39: government procurement says 询问 / 回避申请 at the opening (87号令 42), never 质疑 or 异议. */
export function useObjectionWords(view: Pick<View, "section">) {
  const { t } = useTranslation();
  const gp = view.section.procurementType === "government";
  return {
    objection: (key: "title" | "none" | "raise" | "text" | "answer" | "unanswered") =>
      gp ? t(`opening.objectionsGp.${key}`) : t(`opening.objections.${key}`),
    decision: (key: "object" | "objected") => (gp ? t(`opening.confirmGp.${key}`) : t(`opening.confirm.${key}`)),
  };
}

export function Objections({ view, busy }: { view: View; busy: boolean }) {
  const { objection } = useObjectionWords(view);
  if (view.viewer === "public") return null;
  return (
    <section className="panel" data-testid="objections">
      <h2>{objection("title")}</h2>
      {view.objections.length === 0 ? <p className="muted">{objection("none")}</p> : null}
      <ul className="thread">
        {view.objections.map((o) => (
          <li key={o.id} data-testid="objection">
            <div>
              <strong>{o.organisationName}</strong> <ShanghaiTime at={o.raisedAt} />
            </div>
            <p>{o.text}</p>
            {o.answer ? (
              <p className="answer" data-testid="objection-answer">
                {objection("answer")}（{o.answeredAt ? <ShanghaiTime at={o.answeredAt} /> : null}）：{o.answer}
              </p>
            ) : view.viewer === "host" && offered(view, "answerObjection") ? (
              <Form method="post" className="stack-sm">
                <CsrfInput />
                <input type="hidden" name="objectionId" value={o.id} />
                <textarea name="answer" required maxLength={4000} rows={2} aria-label={objection("answer")} />
                <button type="submit" name="intent" value="answer" className="button button--small button--primary" disabled={busy}>
                  {objection("answer")}
                </button>
              </Form>
            ) : (
              <span className="badge badge--pending">{objection("unanswered")}</span>
            )}
          </li>
        ))}
      </ul>
      {view.viewer === "bidder" && view.ownBid && offered(view, "object") ? (
        <Form method="post" className="stack-sm">
          <CsrfInput />
          <label>
            {objection("text")}
            <textarea name="text" required maxLength={4000} rows={3} />
          </label>
          <button type="submit" name="intent" value="object" className="button" disabled={busy}>
            {objection("raise")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export function Chat({ view, busy }: { view: View; busy: boolean }) {
  const { t } = useTranslation();
  if (view.viewer === "public") return null;
  // A bidder writes from the deadline on (decision 23): before it, a message would tell that it has bid.
  // The hall is open to chat from sign-in until the objections end (send-opening-message's phases).
  const chatOpen = offered(view, "signIn") || offered(view, "object");
  const canSend =
    chatOpen && (view.viewer === "host" || (view.viewer === "bidder" && view.signIns.length > 0 && view.phase !== "signing-in"));
  return (
    <section className="panel" data-testid="chat">
      <h2>{t("opening.chat.title")}</h2>
      {view.messages.length === 0 ? <p className="muted">{t("opening.chat.none")}</p> : null}
      <ul className="thread">
        {view.messages.map((m) => (
          <li key={m.id} data-testid="message">
            <div>
              <strong>{m.organisationName ?? t("opening.chat.aBidder")}</strong> <ShanghaiTime at={m.sentAt} />
            </div>
            {m.hidden ? <p className="muted">{t("opening.chat.hidden", { reason: m.hiddenReason ?? "" })}</p> : null}
            {m.text !== null ? <p className={m.hidden ? "muted strike" : undefined}>{m.text}</p> : null}
            {view.viewer === "host" && !m.hidden ? (
              <Form method="post" className="decision-form">
                <CsrfInput />
                <input type="hidden" name="messageId" value={m.id} />
                <input
                  type="text"
                  name="reason"
                  required
                  maxLength={500}
                  aria-label={t("opening.chat.hideReason")}
                  placeholder={t("opening.chat.hideReason")}
                />
                <button type="submit" name="intent" value="hide" className="button button--small" disabled={busy}>
                  {t("opening.chat.hide")}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      {canSend ? (
        <Form method="post" className="inline-fields">
          <CsrfInput />
          <input type="text" name="text" required maxLength={1000} aria-label={t("opening.chat.text")} className="grow" />
          <button type="submit" name="intent" value="message" className="button" disabled={busy}>
            {t("opening.chat.send")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export function Confirmations({ view }: { view: View }) {
  const { t } = useTranslation();
  const words = useObjectionWords(view);
  if (!view.readingOut || view.viewer === "public") return null;
  return (
    <section className="panel" data-testid="confirmations">
      <h2>{t("opening.confirm.list")}</h2>
      {view.confirmations.length === 0 ? (
        <p className="muted">{t("opening.confirm.none")}</p>
      ) : (
        <ul>
          {view.confirmations.map((c) => (
            <li key={c.organisationName}>
              {c.organisationName}：{c.decision === "confirm" ? t("opening.confirm.confirmed") : words.decision("objected")}{" "}
              <ShanghaiTime at={c.signedAt} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
