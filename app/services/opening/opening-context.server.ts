import type { OpeningLiveEventType } from "#app/domain/opening/live-events.ts";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import {
  assertOpeningAction,
  classifyDecryption,
  confirmationEndedBy,
  type OpeningFacts,
  type OpeningAction,
  windowEndsAt,
  type DecidedOutcome,
  type DecryptionOutcome,
  type FailureResult,
} from "#app/domain/opening/index.ts";
import type { Permission } from "#app/domain/access/permissions.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { regionWithin } from "#app/domain/shared/regions.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit, type AuditEvent } from "#app/server/audit.server.ts";
import type { RequestMeta } from "#app/server/context.server.ts";
import { openingStream, publishLiveEvent } from "#app/server/events/publish.server.ts";
import { loadOpeningFacts, lockOpening, type LoadedOpening, type LoadedOpeningBid } from "#app/server/repo/openings.server.ts";
import { auditActorOf, requirePermission, type Actor } from "#app/server/session.server.ts";

/**
 * What the opening use cases share: loading (404), who the actor is to the opening (host,
 * bidder, regulator — the owner filters), the derived outcome of a bid, and writing a fact's
 * audit row and live event together. No rule lives here: the phases, the window and the
 * classification are app/domain/opening's.
 */
type Executor = Kysely<Database> | Transaction<Database>;

export async function loadOpening(db: Executor, openingId: string): Promise<LoadedOpening> {
  const loaded = await loadOpeningFacts(db, openingId);
  if (!loaded) throw new AppError("NOT_FOUND", { what: "opening" });
  return loaded;
}

/** The organisation that hosts the opening: the project's agency, or the tenderer tendering by itself. */
export function hostOrganisationId(loaded: Pick<LoadedOpening, "project">): string {
  return loaded.project.agency_organisation_id ?? loaded.project.tenderer_organisation_id;
}

export function isHost(actor: Actor | null, loaded: Pick<LoadedOpening, "project">): boolean {
  return !!actor && actor.permissions.has("host:opening:own") && actor.membership.organisationId === hostOrganisationId(loaded);
}

/**
 * The project's tenderer where an agency hosts the opening (issue 13): it follows the opening with
 * the host's read view, without its controls.
 */
export function isTendererOf(actor: Actor | null, loaded: Pick<LoadedOpening, "project">): boolean {
  return (
    !!actor &&
    !!loaded.project.agency_organisation_id &&
    actor.permissions.has("host:opening:own") &&
    actor.membership.organisationId === loaded.project.tenderer_organisation_id
  );
}

export function requireHost(actor: Actor, loaded: Pick<LoadedOpening, "project">): void {
  requirePermission(actor, "host:opening:own");
  if (!isHost(actor, loaded)) throw new AppError("FORBIDDEN", { permission: "host:opening:own" });
}

/** The regulator whose jurisdiction covers the project's region. */
export function isRegulatorOf(actor: Actor | null, loaded: Pick<LoadedOpening, "project">): boolean {
  if (!actor) return false;
  const may = actor.permissions.has("suspend:section:jurisdiction") || actor.permissions.has("view:section:jurisdiction");
  return may && regionWithin(loaded.project.region_code, actor.membership.regionCode);
}

export function requireRegulator(actor: Actor, loaded: Pick<LoadedOpening, "project">): void {
  requirePermission(actor, "suspend:section:jurisdiction");
  if (!regionWithin(loaded.project.region_code, actor.membership.regionCode))
    throw new AppError("FORBIDDEN", { permission: "suspend:section:jurisdiction" });
}

/** The actor's own bid in this opening, or undefined (owner filter: an organisation sees only its own). */
export function ownBid(actor: Actor | null, loaded: Pick<LoadedOpening, "bids">): LoadedOpeningBid | undefined {
  return actor ? loaded.bids.find((b) => b.organisationId === actor.membership.organisationId) : undefined;
}

/** A bidder of this opening acting with `permission`; its bid. */
export function requireBidder(actor: Actor, loaded: Pick<LoadedOpening, "bids">, permission: Permission): LoadedOpeningBid {
  requirePermission(actor, permission);
  const bid = ownBid(actor, loaded);
  if (!bid) throw new AppError("FORBIDDEN", { permission });
  return bid;
}

/** The actor signed in to this opening (ARCHITECTURE.md §4 step 6: decryption is for signed-in members). */
export async function requireSignedIn(db: Executor, actor: Actor, openingId: string): Promise<void> {
  const row = await db
    .selectFrom("opening_sign_ins")
    .select("id")
    .where("opening_id", "=", openingId)
    .where("person_id", "=", actor.personId)
    .where("organisation_id", "=", actor.membership.organisationId)
    .executeTakeFirst();
  if (!row) throw new AppError("OPENING_NOT_SIGNED_IN");
}

/** A bid's outcome at `now`: the recorded decision, or the domain's classification of its attempts. */
export function outcomeOf(loaded: LoadedOpening, bid: LoadedOpeningBid, now: Date): DecryptionOutcome {
  if (bid.result && bid.rule && bid.decidedAt) {
    return {
      decided: true,
      result: bid.result,
      rule: bid.rule,
      at: bid.decidedAt,
      incidentIds: [],
      reclassifications: bid.reclassifications,
    } satisfies DecidedOutcome;
  }
  const openedAt = loaded.facts.windowOpenedAt;
  if (!openedAt || openedAt > now) return { decided: false, lastFailure: null };
  return classifyDecryption(
    {
      attempts: bid.attempts,
      incidents: loaded.incidents,
      window: { openedAt, endsAt: windowEndsAt(loaded.facts, now) },
      remedyAllowed: loaded.section.remedy_allowed,
    },
    now,
  );
}

export const isFailure = (r: string | null): r is FailureResult => r === "deemedRevoked" || r === "deemedWithdrawn";

/** The audit row and the live event of one fact, in the caller's transaction (audit first: see publishLiveEvent). */
export async function recordOpeningFact(
  trx: Transaction<Database>,
  input: {
    openingId: string;
    actor: Actor | null;
    meta: RequestMeta | null;
    at: Date;
    audit: AuditEvent;
    live: { type: OpeningLiveEventType; data: unknown } | null;
  },
): Promise<void> {
  await appendAudit(trx, {
    event: input.audit,
    actor: input.meta
      ? auditActorOf(input.actor, input.meta)
      : { personId: null, organisationId: null, ip: null, userAgent: "bidhall-scheduler" },
    at: input.at,
  });
  if (input.live)
    await publishLiveEvent(trx, { stream: openingStream(input.openingId), type: input.live.type, data: input.live.data, at: input.at });
}

/** A written reason, for the actions the domain's `requireReason` does not list (hiding a message). */
export function writtenReason(reason: string | null | undefined, words: { zh: string; en: string }): string {
  const trimmed = (reason ?? "").trim();
  if (!trimmed) throw new AppError("OPENING_REASON_REQUIRED", { actionZh: words.zh, actionEn: words.en });
  return trimmed;
}

/**
 * One transaction on one opening: its row lock taken, its facts loaded again under the lock and
 * the action's phase asserted again (the pre-check outside may have raced another change).
 */
export async function inOpeningTransaction<T>(
  app: { db: Kysely<Database> },
  openingId: string,
  action: OpeningAction,
  now: Date,
  fn: (trx: Transaction<Database>, loaded: LoadedOpening) => Promise<T>,
): Promise<T> {
  return app.db.transaction().execute(async (trx) => {
    await lockOpening(trx, openingId);
    const loaded = await loadOpening(trx, openingId);
    assertOpeningAction(loaded.facts, action, now);
    return fn(trx, loaded);
  });
}

/**
 * Decision 17: confirmations and objections are accepted only until the confirmation period
 * ends, though the phase stays `confirming` until the host closes (`assertOpeningAction` does not
 * check this; the domain's `confirmationEndedBy` says when it ended).
 */
export function assertConfirmationPeriodRunning(facts: OpeningFacts, now: Date): void {
  const ended = confirmationEndedBy(facts, now);
  if (ended)
    throw new AppError("OPENING_CONFIRMATION_PERIOD_OVER", {
      endedAtZh: formatShanghai(ended, "zh-CN"),
      endedAtEn: formatShanghai(ended, "en"),
    });
}
