import { releaseSectionGuarantees } from "#app/services/guarantee/release-guarantees.server.ts";
import type { Transaction } from "kysely";
import type { Database } from "#db/schema.ts";
import { bidState } from "#app/domain/bidding/bid-state.ts";
import { allDecided, classifyDecryption, dueTimedFacts, type TimedFact } from "#app/domain/opening/index.ts";
import { citation } from "#app/domain/tendering/legal-sources.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { queueForAnchoring } from "#app/server/ledger/anchors.server.ts";
import { bidFactsOfSection, ensureOpening, lockOpening, openingCandidates, type LoadedOpening } from "#app/server/repo/openings.server.ts";
import { loadOpening, outcomeOf, recordOpeningFact } from "./opening-context.server.ts";
import { produceFailedOpeningRecord, produceOpeningRecord } from "./opening-records.server.ts";

/**
 * The scheduler's side of the opening (ARCHITECTURE.md §2, decision 17): the timed facts the
 * domain says are due (`dueTimedFacts`) are recorded with the instant they took effect, not the
 * instant this runs, each under the opening's row lock and only while still missing. Running it
 * twice, on two instances at once, or after a restart records the same facts once.
 */
export async function recordOpeningTimedFacts(app: AppContext, now: Date): Promise<number> {
  let recorded = 0;
  for (const candidate of await openingCandidates(app.db, now)) {
    const openingId = candidate.openingId ?? (await ensureOpening(app.db, candidate.sectionId, now));
    recorded += await advanceOpening(app, openingId, now);
  }
  return recorded;
}

/** Records every fact due on one opening at `now`, one at a time (each may make the next one due). */
export async function advanceOpening(app: AppContext, openingId: string, now: Date): Promise<number> {
  let recorded = 0;
  // Four kinds of timed facts exist; a bound keeps a bug from looping for ever.
  for (let i = 0; i < 8; i++) {
    const pending = await app.db.transaction().execute(async (trx) => {
      await lockOpening(trx, openingId);
      const loaded = await loadOpening(trx, openingId);
      const fact = dueTimedFacts(loaded.facts, now)[0];
      if (!fact) return null;
      if (fact.kind === "confirmationEnded") return fact; // the record is rendered outside the lock
      await recordInTransaction(trx, loaded, fact);
      return "done" as const;
    });
    if (pending === null) break;
    if (pending !== "done") {
      if (!(await recordConfirmationEnded(app, openingId, pending.at, now))) break;
    }
    recorded++;
  }
  // A record that cannot be produced now (no platform key yet, storage down) never holds up the
  // timed facts: the opening stays a candidate and the next run tries again.
  const record = await recordFailedOpeningRecord(app, openingId, now).catch((e: unknown) => {
    app.log.warn("opening: the failed opening's record could not be generated; retried on the next run", {
      openingId,
      error: String(e),
    });
    return 0;
  });
  return recorded + record;
}

/**
 * 办法 32 (decision 39): a failed opening gets its opening record too, generated once as of the
 * failure (or of `now` when generated later, e.g. after a restart), stored, anchored and recorded
 * only if no other run recorded one meanwhile. Returns 1 when it recorded one.
 */
export async function recordFailedOpeningRecord(app: AppContext, openingId: string, now: Date): Promise<number> {
  const loaded = await loadOpening(app.db, openingId);
  const failedAt = loaded.facts.failedAt;
  if (!failedAt || failedAt > now || loaded.opening.opening_record_key) return 0;
  const stored = await produceFailedOpeningRecord(app, loaded, failedAt);
  return app.db.transaction().execute(async (trx) => {
    await lockOpening(trx, openingId);
    const updated = await trx
      .updateTable("openings")
      .set({ opening_record_key: stored.key, opening_record_sha256: stored.sha256 })
      .where("id", "=", openingId)
      .where("opening_record_key", "is", null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return 0;
    await queueForAnchoring(trx, { sha256: stored.sha256, source: "opening-record" }, now);
    await recordOpeningFact(trx, {
      openingId,
      actor: null,
      meta: null,
      at: failedAt,
      audit: { type: "opening.record_generated", data: { openingId, sha256: stored.sha256, storageKey: stored.key } },
      live: { type: "opening_record.generated", data: { sha256: stored.sha256 } },
    });
    return 1;
  });
}

async function recordInTransaction(
  trx: Transaction<Database>,
  loaded: LoadedOpening,
  fact: Exclude<TimedFact, { kind: "confirmationEnded" }>,
) {
  switch (fact.kind) {
    case "deadlinePassed":
      return recordBidsAtDeadline(trx, loaded, fact.at);
    case "tooFewBids": {
      // NOTE 法 28, 条例 44, 87号令 41: fewer bids than the minimum at the deadline — no opening (流标).
      const reason = { kind: "tooFewBids", validBids: fact.validBids, minimumBids: fact.minimumBids } as const;
      await trx
        .updateTable("openings")
        .set({ failed_at: fact.at, fail_reason: JSON.stringify(reason) })
        .where("id", "=", loaded.opening.id)
        .where("failed_at", "is", null)
        .execute();
      await trx
        .updateTable("sections")
        .set({
          failed_at: fact.at,
          failed_reason: `投标人少于${fact.minimumBids}个（有效投标 ${fact.validBids} 个），不得开标（${citation("minimumBids", loaded.project.procurement_type).zh}）`,
        })
        .where("id", "=", loaded.section.id)
        .where("failed_at", "is", null)
        .execute();
      // Decision 0060: no opening, no award: the section's bid guarantees are released.
      await releaseSectionGuarantees(trx, { sectionId: loaded.section.id, event: "failure", now: fact.at });
      const text = `${fact.validBids} < ${fact.minimumBids}`;
      return recordOpeningFact(trx, {
        openingId: loaded.opening.id,
        actor: null,
        meta: null,
        at: fact.at,
        audit: {
          type: "opening.failed",
          data: { openingId: loaded.opening.id, kind: "tooFewBids", reason: text, at: fact.at.toISOString() },
        },
        live: { type: "opening.failed", data: { ...reason, at: fact.at.toISOString() } },
      });
    }
    case "windowEnded":
      return recordWindowEnded(trx, loaded, fact.at);
  }
}

/** NOTE 法 34: the opening is at the deadline; the bids standing then (withdrawn ones excluded) are its bids. */
async function recordBidsAtDeadline(trx: Transaction<Database>, loaded: LoadedOpening, deadline: Date): Promise<void> {
  const { versions, withdrawals } = await bidFactsOfSection(trx, loaded.section.id, deadline);
  const organisations = [...new Set(versions.map((v) => v.organisation_id))];
  const standing = organisations.flatMap((org) => {
    const own = versions.filter((v) => v.organisation_id === org);
    const state = bidState(
      own.map((v) => ({ version: v.version, receivedAt: v.received_at })),
      withdrawals.filter((w) => w.organisation_id === org).map((w) => ({ afterVersion: w.after_version, withdrawnAt: w.withdrawn_at })),
    );
    if (state.status !== "submitted") return [];
    return [{ organisationId: org, bidVersionId: own.find((v) => v.version === state.version)!.id }];
  });
  for (const s of standing) {
    await trx
      .insertInto("opening_bids")
      .values({ opening_id: loaded.opening.id, bid_version_id: s.bidVersionId, organisation_id: s.organisationId })
      .onConflict((oc) => oc.column("bid_version_id").doNothing())
      .execute();
  }
  await trx
    .updateTable("openings")
    .set({ valid_bids_at_deadline: standing.length })
    .where("id", "=", loaded.opening.id)
    .where("valid_bids_at_deadline", "is", null)
    .execute();
  await recordOpeningFact(trx, {
    openingId: loaded.opening.id,
    actor: null,
    meta: null,
    at: deadline,
    audit: {
      type: "opening.bids_counted",
      data: { openingId: loaded.opening.id, validBids: standing.length, bidVersionIds: standing.map((s) => s.bidVersionId) },
    },
    // Who bid stays with the host until it publishes the list; the count is no secret.
    live: { type: "bids.counted", data: { validBids: standing.length, minimumBids: loaded.section.minimum_bids } },
  });
}

/**
 * The window ended at `at` (ran out or closed early): every bid still undecided is decided as of
 * that instant (办法 31, `classifyDecryption`), and the instant is recorded. Used by the
 * scheduler and by the reading-out, whichever comes first.
 */
export async function recordWindowEnded(trx: Transaction<Database>, loaded: LoadedOpening, at: Date): Promise<void> {
  const openingId = loaded.opening.id;
  const updated = await trx
    .updateTable("openings")
    .set({ window_ended_at: at })
    .where("id", "=", openingId)
    .where("window_ended_at", "is", null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return;
  await recordOpeningFact(trx, {
    openingId,
    actor: null,
    meta: null,
    at,
    audit: { type: "opening.window_ended", data: { openingId, at: at.toISOString() } },
    live: { type: "window.ended", data: { at: at.toISOString() } },
  });
  for (const bid of loaded.bids.filter((b) => !b.result)) {
    const outcome = classifyDecryption(
      {
        attempts: bid.attempts,
        incidents: loaded.incidents,
        window: { openedAt: loaded.facts.windowOpenedAt!, endsAt: at },
        remedyAllowed: loaded.section.remedy_allowed,
      },
      at,
    );
    if (!outcome.decided) continue;
    await trx
      .updateTable("opening_bids")
      .set({ result: outcome.result, rule: outcome.rule, decided_at: outcome.at })
      .where("id", "=", bid.id)
      .where("result", "is", null)
      .execute();
    await recordBidDecided(trx, openingId, bid.organisationId, bid.organisationName, outcome, at);
  }
  await trx.updateTable("openings").set({ all_decided_at: at }).where("id", "=", openingId).where("all_decided_at", "is", null).execute();
}

export async function recordBidDecided(
  trx: Transaction<Database>,
  openingId: string,
  organisationId: string,
  organisationName: string,
  outcome: { result: string; rule: string; at: Date; incidentIds?: readonly string[] },
  at: Date,
): Promise<void> {
  await recordOpeningFact(trx, {
    openingId,
    actor: null,
    meta: null,
    at,
    audit: {
      type: "opening.bid_decided",
      data: { openingId, organisationId, result: outcome.result, rule: outcome.rule, at: outcome.at.toISOString() },
    },
    // The result and its rule only: nothing of the bid's content before the reading-out.
    live: {
      type: "decryption.decided",
      data: { organisationId, organisationName, result: outcome.result, rule: outcome.rule, at: outcome.at.toISOString() },
    },
  });
}

/** After a bid's decision: when none is left undecided, `allDecidedAt` lets the host close the window early. */
export async function recordAllDecidedIfSo(trx: Transaction<Database>, openingId: string, now: Date): Promise<void> {
  const loaded = await loadOpening(trx, openingId);
  if (loaded.facts.allDecidedAt) return;
  if (!allDecided(loaded.bids.map((b) => outcomeOf(loaded, b, now)))) return;
  await trx.updateTable("openings").set({ all_decided_at: now }).where("id", "=", openingId).where("all_decided_at", "is", null).execute();
  await recordOpeningFact(trx, {
    openingId,
    actor: null,
    meta: null,
    at: now,
    audit: { type: "opening.all_decided", data: { openingId, at: now.toISOString() } },
    live: { type: "bids.all_decided", data: { at: now.toISOString() } },
  });
}

/**
 * The confirmation period ended at `at`: the opening record is generated as of `at`, signed,
 * stored and queued for anchoring, and the fact recorded with its hash — in one transaction,
 * and only if no other run recorded it meanwhile.
 */
async function recordConfirmationEnded(app: AppContext, openingId: string, at: Date, now: Date): Promise<boolean> {
  const loaded = await loadOpening(app.db, openingId);
  // Decision 39 (条例 44 / 87号令 42): the answer belongs in the record. While an objection raised
  // before the end is unanswered, the record waits for the host to answer and close.
  const unanswered = await app.db
    .selectFrom("opening_objections")
    .select("id")
    .where("opening_id", "=", openingId)
    .where("raised_at", "<", at)
    .where((eb) => eb.or([eb("answered_at", "is", null), eb("answered_at", ">", now)]))
    .execute();
  const stored = unanswered.length === 0 ? await produceOpeningRecord(app, loaded, at) : null;
  return app.db.transaction().execute(async (trx) => {
    await lockOpening(trx, openingId);
    const again = await loadOpening(trx, openingId);
    const due = dueTimedFacts(again.facts, now).find((f) => f.kind === "confirmationEnded");
    if (!due || due.at.getTime() !== at.getTime()) return false;
    await trx
      .updateTable("openings")
      .set(
        stored
          ? { confirmation_ended_at: at, opening_record_key: stored.key, opening_record_sha256: stored.sha256 }
          : { confirmation_ended_at: at },
      )
      .where("id", "=", openingId)
      .where("confirmation_ended_at", "is", null)
      .execute();
    if (stored) await queueForAnchoring(trx, { sha256: stored.sha256, source: "opening-record" }, now);
    await recordOpeningFact(trx, {
      openingId,
      actor: null,
      meta: null,
      at,
      audit: { type: "opening.confirmation_ended", data: { openingId, at: at.toISOString() } },
      live: { type: "confirmation.ended", data: { at: at.toISOString() } },
    });
    if (!stored) return true;
    await recordOpeningFact(trx, {
      openingId,
      actor: null,
      meta: null,
      at,
      audit: { type: "opening.record_generated", data: { openingId, sha256: stored.sha256, storageKey: stored.key } },
      live: { type: "opening_record.generated", data: { sha256: stored.sha256 } },
    });
    return true;
  });
}
