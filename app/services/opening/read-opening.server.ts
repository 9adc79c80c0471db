import {
  activeSuspension,
  confirmationEndedBy,
  confirmationEndsAt,
  OPENING_ACTION_PHASES,
  openingPhase,
  phaseUnderSuspension,
  signInOpensAt,
  tooFewBidsGuidance,
  windowClock,
  failureGroundsAllowed,
  failureGroundsFor,
  type FailReason,
} from "#app/domain/opening/index.ts";
import { documentObjectionStop } from "#app/services/complaints/objection-blocks.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import type { DefectView, OpeningView, OpeningViewer, SecurityVerificationView } from "#app/domain/opening/view.ts";
import { describeSecurityDefect, type SecurityDefect } from "#app/domain/credit/bid-security.ts";
import { verificationText, type SecurityVerification } from "#app/domain/guarantee/verify-guarantee.ts";
import type { CreditFlagView } from "#app/domain/credit/credit.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { creditFlagsByUscc, tenderScopeOf } from "#app/services/credit/credit-standing.server.ts";
import { hostOrganisationId, isHost, isRegulatorOf, isTendererOf, loadOpening, outcomeOf, ownBid } from "./opening-context.server.ts";
import { officialCandidates, openingOfficials } from "./opening-officials.server.ts";
import { readingOutOf } from "./opening-records.server.ts";
import { rowsAsJson } from "./publish-reading-out.server.ts";

export type { OpeningView, OpeningViewer } from "#app/domain/opening/view.ts";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * The opening hall's read model for `actor` (null: the public). Owner filters are applied here,
 * in one place: who signed in, the messages' text and the reclassifications only for the host and
 * the regulator; a bidder sees its own sign-ins and its own last failure; bid content only from
 * the reading-out on.
 */
export async function readOpening(app: AppContext, actor: Actor | null, openingId: string): Promise<OpeningView> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, openingId);
  const f = loaded.facts;
  const mine = ownBid(actor, loaded);
  const registered =
    actor &&
    (await app.db
      .selectFrom("registrations")
      .select("id")
      .where("section_id", "=", loaded.section.id)
      .where("organisation_id", "=", actor.membership.organisationId)
      .executeTakeFirst());
  const viewer: OpeningViewer = isHost(actor, loaded)
    ? "host"
    : isTendererOf(actor, loaded)
      ? "tenderer"
      : isRegulatorOf(actor, loaded)
        ? "regulator"
        : mine || (registered && f.validBidsAtDeadline === null)
          ? "bidder"
          : "public";
  const official = viewer === "host" || viewer === "tenderer" || viewer === "regulator";
  const participant = viewer !== "public";
  const phase = openingPhase(f, now);
  const published = f.readingOutPublishedAt && f.readingOutPublishedAt <= now ? f.readingOutPublishedAt : null;

  const signInRows = participant
    ? await app.db
        .selectFrom("opening_sign_ins as s")
        .innerJoin("organisations as o", "o.id", "s.organisation_id")
        .innerJoin("people as p", "p.id", "s.person_id")
        .select(["s.organisation_id", "s.person_id", "o.name as organisation_name", "p.name as person_name", "s.signed_in_at"])
        .where("s.opening_id", "=", loaded.opening.id)
        .$if(!official, (q) => q.where("s.organisation_id", "=", actor!.membership.organisationId))
        .orderBy("s.signed_in_at")
        .execute()
    : [];
  const [objections, messages, confirmations] = participant
    ? await Promise.all([
        app.db
          .selectFrom("opening_objections as x")
          .innerJoin("organisations as o", "o.id", "x.organisation_id")
          .select(["x.id", "o.name", "x.text", "x.raised_at", "x.answer", "x.answered_at"])
          .where("x.opening_id", "=", loaded.opening.id)
          .orderBy("x.raised_at")
          .execute(),
        app.db
          .selectFrom("opening_messages as m")
          .innerJoin("organisations as o", "o.id", "m.organisation_id")
          .select(["m.id", "m.organisation_id", "o.name", "m.text", "m.sent_at", "m.hidden_at", "m.hidden_reason"])
          .where("m.opening_id", "=", loaded.opening.id)
          .orderBy("m.sent_at")
          .execute(),
        app.db
          .selectFrom("opening_confirmations as c")
          .innerJoin("organisations as o", "o.id", "c.organisation_id")
          .select(["o.name", "c.decision", "c.signed_at"])
          .where("c.opening_id", "=", loaded.opening.id)
          .orderBy("c.signed_at")
          .execute(),
      ])
    : [[], [], []];

  const listPublished = !!f.bidderListPublishedAt && f.bidderListPublishedAt <= now;
  const clock = windowClock(f, now);
  const confirmationEnd = published ? confirmationEndsAt(f, now) : null;
  const suspension = activeSuspension(f, now);
  // Decision 74: before the opening starts, an unanswered objection to the documents holds it (条例 22).
  const objectionStop =
    f.bidderListPublishedAt || f.windowOpenedAt
      ? null
      : await documentObjectionStop(app.db, loaded.section.id, loaded.project.procurement_type);
  const failReason = f.failedAt && f.failedAt <= now ? f.failReason : null;
  const ownOutcome = mine ? outcomeOf(loaded, mine, now) : null;
  const type = loaded.project.procurement_type;
  // Decision 34: the agency (host) and the regulator see each bidder's blue or black grade and bans.
  const flags = official
    ? await creditFlagsByUscc(
        app.db,
        loaded.bids.map((b) => b.uscc),
        tenderScopeOf(loaded.project),
        now,
      )
    : new Map<string, CreditFlagView[]>();

  return {
    openingId: loaded.opening.id,
    viewer,
    project: { code: loaded.project.code, name: loaded.project.name },
    section: {
      id: loaded.section.id,
      code: loaded.section.code,
      name: loaded.section.name,
      remedyAllowed: loaded.section.remedy_allowed,
      minimumBids: loaded.section.minimum_bids,
      procurementType: loaded.project.procurement_type,
    },
    now: now.toISOString(),
    phase,
    phaseUnderSuspension: phaseUnderSuspension(f, now),
    suspension: suspension ? { suspendedAt: suspension.suspendedAt.toISOString(), reason: suspension.reason } : null,
    objectionStop: objectionStop
      ? {
          count: objectionStop.count,
          answerDueAt: objectionStop.answerDueAt.toISOString(),
          word: objectionStop.word,
          source: objectionStop.source,
        }
      : null,
    failure:
      phase === "failed"
        ? {
            at: iso(f.failedAt ?? f.deadlineAt)!,
            kind: failReason?.kind ?? "tooFewBids",
            reason: failReason?.kind === "declared" ? failReason.reason : null,
            ...tooFewBidsGuidance(type),
            ...declaredGround(failReason, type),
          }
        : null,
    failureGrounds:
      viewer === "host" && (OPENING_ACTION_PHASES.declareFailed as readonly string[]).includes(phase)
        ? failureGroundsAllowed(type, !!published)
        : null,
    deadlineAt: f.deadlineAt.toISOString(),
    signInOpensAt: signInOpensAt(f).toISOString(),
    validBidsAtDeadline: now >= f.deadlineAt ? f.validBidsAtDeadline : null,
    bidderListPublishedAt: listPublished ? iso(f.bidderListPublishedAt) : null,
    window: clock
      ? {
          openedAt: clock.openedAt.toISOString(),
          endsAt: iso(clock.endsAt),
          remainingMs: clock.remainingMs,
          ended: clock.ended,
          stoppedBy: clock.stoppedBy,
        }
      : null,
    pauses: f.pauses
      .filter((p) => p.pausedAt <= now)
      .map((p) => ({
        pausedAt: p.pausedAt.toISOString(),
        resumedAt: iso(p.resumedAt && p.resumedAt <= now ? p.resumedAt : null),
        reason: p.reason,
      })),
    extensions: f.extensions.filter((e) => e.at <= now).map((e) => ({ at: e.at.toISOString(), minutes: e.minutes, reason: e.reason })),
    confirmation: published
      ? { endsAt: iso(confirmationEnd), remainingMs: confirmationEnd ? Math.max(0, confirmationEnd.getTime() - now.getTime()) : null }
      : null,
    signIns: signInRows.map((s) => ({
      organisationName: s.organisation_name,
      personName: s.person_name,
      signedInAt: s.signed_in_at.toISOString(),
    })),
    bidders:
      listPublished || (official && f.validBidsAtDeadline !== null)
        ? loaded.bids.map((b) => {
            const o = outcomeOf(loaded, b, now);
            return {
              organisationId: b.organisationId,
              name: b.organisationName,
              uscc: b.uscc,
              decided: o.decided,
              result: o.decided ? o.result : null,
              rule: o.decided ? o.rule : null,
              decidedAt: o.decided ? o.at.toISOString() : null,
              credit: official ? (flags.get(b.uscc) ?? []) : null,
              defects: official ? defectViews(b.defects, type) : null,
              security: official ? verificationView(b.securityVerification) : null,
            };
          })
        : null,
    ownBid:
      mine && ownOutcome
        ? {
            decided: ownOutcome.decided,
            result: ownOutcome.decided ? ownOutcome.result : null,
            rule: ownOutcome.decided ? ownOutcome.rule : null,
            lastFailure: ownOutcome.decided ? null : ownOutcome.lastFailure,
            signedIn: signInRows.some((s) => s.organisation_id === mine.organisationId),
            personSignedIn: signInRows.some((s) => s.person_id === actor?.personId),
            defects: defectViews(mine.defects, type),
            security: verificationView(mine.securityVerification),
          }
        : null,
    readingOut:
      published && loaded.opening.reading_out_record_sha256
        ? {
            publishedAt: published.toISOString(),
            recordSha256: loaded.opening.reading_out_record_sha256,
            rows: rowsAsJson(readingOutOf(loaded, published).rows),
          }
        : null,
    reclassifications: official
      ? loaded.bids.flatMap((b) =>
          b.reclassifications
            .filter((r) => r.at <= now)
            .map((r) => ({ organisationName: b.organisationName, from: r.from, to: r.to, reason: r.reason, at: r.at.toISOString() })),
        )
      : [],
    objections: objections.map((o) => ({
      id: o.id,
      organisationName: o.name,
      text: o.text,
      raisedAt: o.raised_at.toISOString(),
      answer: o.answer,
      answeredAt: iso(o.answered_at),
    })),
    messages: messages.map((m) => {
      const hidden = !!m.hidden_at && m.hidden_at <= now;
      return {
        id: m.id,
        // Another bidder is named to a bidder once the list of bidders is out, as the stream does (decision 23).
        organisationName:
          official ||
          listPublished ||
          m.organisation_id === hostOrganisationId(loaded) ||
          m.organisation_id === actor?.membership.organisationId
            ? m.name
            : null,
        sentAt: m.sent_at.toISOString(),
        hidden,
        text: hidden && !official ? null : m.text,
        hiddenReason: hidden && official ? m.hidden_reason : null,
      };
    }),
    confirmations: confirmations.map((c) => ({ organisationName: c.name, decision: c.decision, signedAt: c.signed_at.toISOString() })),
    openingRecord: loaded.opening.opening_record_sha256 ? { sha256: loaded.opening.opening_record_sha256 } : null,
    officials: official ? await openingOfficials(app.db, loaded, now) : null,
    officialCandidates:
      viewer === "host" && (OPENING_ACTION_PHASES.assignOfficial as readonly string[]).includes(phase) && !confirmationEndedBy(f, now)
        ? await officialCandidates(app.db, loaded)
        : null,
  };
}

function verificationView(v: SecurityVerification | null): SecurityVerificationView | null {
  if (!v) return null;
  return {
    outcome: v.outcome,
    ...verificationText(v),
    codes: v.failures.map((f) => f.code),
    ledgerId: v.ledgerId,
    commitments: v.commitments,
  };
}

function defectViews(defects: readonly SecurityDefect[], type: ProcurementType): DefectView[] {
  return defects.map((d) => {
    const { zh, en } = describeSecurityDefect(d, type);
    return { code: d.code, zh, en };
  });
}

/**
 * A declared failure's ground (decision 39): the banner cites the ground's own source for the
 * section's procurement type, not the too-few-bids article. Failures declared before grounds
 * existed keep the too-few-bids citation and show no ground.
 */
function declaredGround(reason: FailReason | null, type: ProcurementType) {
  if (reason?.kind !== "declared" || !reason.ground) return { ground: null };
  const g = failureGroundsFor(type).find((x) => x.id === reason.ground);
  return g ? { ground: { id: g.id, zh: g.zh, en: g.en }, source: g.source } : { ground: null };
}
