import type { Kysely, Selectable, Transaction } from "kysely";
import type { DecryptionAttempt, DecryptionRule, PlatformIncident, Reclassification, FailureResult } from "#app/domain/opening/index.ts";
import type { FailReason, OpeningFacts } from "#app/domain/opening/index.ts";
import type { Database, DecryptionResultColumn, OpeningsTable, ProjectsTable } from "#db/schema.ts";
import type { SecurityDefect } from "#app/domain/credit/bid-security.ts";
import type { SecurityVerification } from "#app/domain/guarantee/verify-guarantee.ts";
import { findProject, findSection, type SectionRow } from "./tendering.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * The opening's facts as the domain (app/domain/opening) reads them, with the section, the
 * project and the bids standing at the deadline. Only facts are loaded; the phase, the window's
 * end and undecided bids' outcomes are derived by the caller from these and `now`.
 */
export interface LoadedOpening {
  opening: Selectable<OpeningsTable>;
  section: SectionRow;
  project: Selectable<ProjectsTable>;
  facts: OpeningFacts;
  bids: LoadedOpeningBid[];
  incidents: PlatformIncident[];
}

export interface LoadedOpeningBid {
  id: string;
  organisationId: string;
  organisationName: string;
  uscc: string;
  bidVersionId: string;
  version: number;
  storageKey: string;
  envelopeSha256: string;
  packageDigest: string;
  receiptNo: string;
  receiptJws: string;
  receivedAt: Date;
  result: DecryptionResultColumn | null;
  rule: DecryptionRule | null;
  decidedAt: Date | null;
  fields: Record<string, unknown> | null;
  security: { kind: "guarantee" | "credit-commitment"; reference: string } | null;
  /** The bid security declared beside the envelope at submission (decision 16); null when none was. */
  declaredSecurity: { kind: "guarantee" | "credit-commitment"; reference: string } | null;
  /** Defects recorded when it was decrypted (decision 35). */
  defects: SecurityDefect[];
  /** The security's verification at decryption (核验, decision 0060); null before, or for bids decrypted before it existed. */
  securityVerification: SecurityVerification | null;
  decryptedBy: string | null;
  attempts: (DecryptionAttempt & { personId: string; detail: string | null })[];
  reclassifications: (Reclassification & { by: string })[];
}

/** The opening row of a section, created on first need (sign-in or the deadline): it holds no fact yet. */
export async function ensureOpening(trx: Executor, sectionId: string, now: Date): Promise<string> {
  await trx
    .insertInto("openings")
    .values({ section_id: sectionId, created_at: now })
    .onConflict((oc) => oc.column("section_id").doNothing())
    .execute();
  const row = await trx.selectFrom("openings").select("id").where("section_id", "=", sectionId).executeTakeFirstOrThrow();
  return row.id;
}

export async function findOpeningIdOfSection(db: Executor, sectionId: string): Promise<string | undefined> {
  const row = await db.selectFrom("openings").select("id").where("section_id", "=", sectionId).executeTakeFirst();
  return row?.id;
}

/** Takes the opening's row lock: every change to one opening is serialised behind it. */
export async function lockOpening(trx: Transaction<Database>, openingId: string): Promise<void> {
  await trx.selectFrom("openings").select("id").where("id", "=", openingId).forUpdate().executeTakeFirstOrThrow();
}

/** Everything an opening's rules need; undefined when there is no such opening. */
export async function loadOpeningFacts(db: Executor, openingId: string): Promise<LoadedOpening | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(openingId)) return undefined;
  const opening = await db.selectFrom("openings").selectAll().where("id", "=", openingId).executeTakeFirst();
  if (!opening) return undefined;
  const section = (await findSection(db, opening.section_id))!;
  const project = (await findProject(db, section.project_id))!;
  const [pauses, extensions, suspensions, bidRows, attempts, reclassifications, incidents] = await Promise.all([
    db.selectFrom("opening_window_pauses").selectAll().where("opening_id", "=", openingId).orderBy("paused_at").execute(),
    db.selectFrom("opening_window_extensions").selectAll().where("opening_id", "=", openingId).orderBy("extended_at").execute(),
    db.selectFrom("opening_suspensions").selectAll().where("opening_id", "=", openingId).orderBy("suspended_at").execute(),
    db
      .selectFrom("opening_bids as ob")
      .innerJoin("bid_versions as v", "v.id", "ob.bid_version_id")
      .innerJoin("organisations as o", "o.id", "ob.organisation_id")
      .select([
        "ob.id",
        "ob.organisation_id",
        "o.name as organisation_name",
        "o.uscc",
        "ob.bid_version_id",
        "v.version",
        "v.storage_key",
        "v.envelope_sha256",
        "v.package_digest",
        "v.receipt_no",
        "v.receipt_jws",
        "v.received_at",
        "ob.result",
        "ob.rule",
        "ob.decided_at",
        "ob.fields",
        "ob.security",
        "ob.defects",
        "ob.security_verification",
        "v.security_kind",
        "v.security_reference",
        "ob.decrypted_by",
      ])
      .where("ob.opening_id", "=", openingId)
      .orderBy("o.uscc")
      .execute(),
    db
      .selectFrom("decryption_attempts as a")
      .innerJoin("opening_bids as ob", "ob.id", "a.opening_bid_id")
      .select(["a.opening_bid_id", "a.person_id", "a.kind", "a.failure", "a.detail", "a.attempted_at"])
      .where("ob.opening_id", "=", openingId)
      .orderBy("a.attempted_at")
      .execute(),
    db
      .selectFrom("decryption_reclassifications as r")
      .innerJoin("opening_bids as ob", "ob.id", "r.opening_bid_id")
      .select(["r.opening_bid_id", "r.from_result", "r.to_result", "r.reason", "r.reclassified_at", "r.reclassified_by"])
      .where("ob.opening_id", "=", openingId)
      .orderBy("r.reclassified_at")
      .execute(),
    db.selectFrom("platform_incidents").select(["id", "started_at", "ended_at"]).orderBy("started_at").execute(),
  ]);

  const facts: OpeningFacts = {
    deadlineAt: section.deadline_at,
    signInLeadMinutes: section.sign_in_lead_minutes,
    decryptionWindowMinutes: section.decryption_window_minutes,
    confirmationPeriodMinutes: section.confirmation_period_minutes,
    minimumBids: section.minimum_bids,
    validBidsAtDeadline: opening.valid_bids_at_deadline,
    bidderListPublishedAt: opening.bidder_list_published_at,
    windowOpenedAt: opening.window_opened_at,
    pauses: pauses.map((p) => ({ pausedAt: p.paused_at, resumedAt: p.resumed_at, reason: p.reason })),
    extensions: extensions.map((e) => ({ minutes: e.minutes, reason: e.reason, at: e.extended_at })),
    windowClosedEarlyAt: opening.window_closed_early_at,
    windowEndedAt: opening.window_ended_at,
    allDecidedAt: opening.all_decided_at,
    readingOutPublishedAt: opening.reading_out_published_at,
    confirmationEndedAt: opening.confirmation_ended_at,
    closedAt: opening.closed_at,
    failedAt: opening.failed_at,
    failReason: (opening.fail_reason as FailReason | null) ?? null,
    suspensions: suspensions.map((s) => ({ suspendedAt: s.suspended_at, resumedAt: s.resumed_at, reason: s.reason })),
  };

  const bids: LoadedOpeningBid[] = bidRows.map((b) => ({
    id: b.id,
    organisationId: b.organisation_id,
    organisationName: b.organisation_name,
    uscc: b.uscc,
    bidVersionId: b.bid_version_id,
    version: b.version,
    storageKey: b.storage_key,
    envelopeSha256: b.envelope_sha256,
    packageDigest: b.package_digest,
    receiptNo: b.receipt_no,
    receiptJws: b.receipt_jws,
    receivedAt: b.received_at,
    result: b.result,
    rule: b.rule as DecryptionRule | null,
    decidedAt: b.decided_at,
    fields: (b.fields as Record<string, unknown> | null) ?? null,
    security: (b.security as LoadedOpeningBid["security"]) ?? null,
    securityVerification: (b.security_verification as SecurityVerification | null) ?? null,
    declaredSecurity: b.security_kind ? { kind: b.security_kind, reference: b.security_reference ?? "" } : null,
    defects: reviveDefects(b.defects),
    decryptedBy: b.decrypted_by,
    attempts: attempts
      .filter((a) => a.opening_bid_id === b.id)
      .map((a) => ({
        at: a.attempted_at,
        via: a.kind,
        failure: a.failure as DecryptionAttempt["failure"],
        personId: a.person_id,
        detail: a.detail,
      })),
    reclassifications: reclassifications
      .filter((r) => r.opening_bid_id === b.id)
      .map((r) => ({
        from: r.from_result as FailureResult,
        to: r.to_result as FailureResult,
        reason: r.reason,
        at: r.reclassified_at,
        by: r.reclassified_by,
      })),
  }));

  return {
    opening,
    section,
    project,
    facts,
    bids,
    incidents: incidents.map((i) => ({ id: i.id, startedAt: i.started_at, endedAt: i.ended_at })),
  };
}

/**
 * The bid version standing at the deadline for every organisation that bid in the section: the
 * newest version received before the deadline, unless a later withdrawal took it back
 * (app/domain/bidding/bid-state.ts decides; this only loads the facts).
 */
export async function bidFactsOfSection(db: Executor, sectionId: string, deadline: Date) {
  const [versions, withdrawals] = await Promise.all([
    db
      .selectFrom("bid_versions as v")
      .innerJoin("bids as b", "b.id", "v.bid_id")
      .select(["v.id", "b.organisation_id", "v.version", "v.received_at"])
      .where("b.section_id", "=", sectionId)
      .where("v.received_at", "<", deadline)
      .execute(),
    db
      .selectFrom("bid_withdrawals as w")
      .innerJoin("bids as b", "b.id", "w.bid_id")
      .select(["b.organisation_id", "w.after_version", "w.withdrawn_at"])
      .where("b.section_id", "=", sectionId)
      .where("w.withdrawn_at", "<", deadline)
      .execute(),
  ]);
  return { versions, withdrawals };
}

/** Openings (or sections still without one) whose timed facts may be due: published, past the deadline, not ended. */
export async function openingCandidates(db: Executor, now: Date): Promise<{ sectionId: string; openingId: string | null }[]> {
  const rows = await db
    .selectFrom("sections as s")
    .leftJoin("openings as o", "o.section_id", "s.id")
    .select(["s.id as section_id", "o.id as opening_id"])
    .where("s.published_at", "is not", null)
    .where("s.cancelled_at", "is", null)
    .where("s.deadline_at", "<=", now)
    .where((eb) =>
      eb.or([
        eb("o.id", "is", null),
        eb.and([eb("o.closed_at", "is", null), eb("o.failed_at", "is", null)]),
        // 办法 32 (decision 39): a failed opening whose record is still to be generated.
        eb.and([eb("o.failed_at", "is not", null), eb("o.opening_record_key", "is", null)]),
      ]),
    )
    .orderBy("s.deadline_at")
    .execute();
  return rows.map((r) => ({ sectionId: r.section_id, openingId: r.opening_id }));
}

/** The defects column as the domain reads it: dates come back from JSON as strings. */
function reviveDefects(raw: unknown): SecurityDefect[] {
  if (!Array.isArray(raw)) return [];
  return (raw as SecurityDefect[]).map((d) =>
    d.code === "CREDIT_COMMITMENT_NOT_RED" ? { ...d, since: d.since ? new Date(d.since as unknown as string) : null } : d,
  );
}
