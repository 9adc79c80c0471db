import { CalendarOutOfRangeError, type HolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import {
  checkForfeiture,
  FORFEITURE_GROUNDS,
  returnEvent,
  returnPeriod,
  securityStatus,
  type ForfeitureGround,
} from "#app/domain/guarantee/security-return.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { regionWithin } from "#app/domain/shared/regions.ts";
import { appendAudit } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { toBigInt } from "#app/server/db.server.ts";
import { loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import { relationTo } from "#app/services/tendering/tendering-rules.server.ts";
import type { Database } from "#db/schema.ts";
import type { Kysely, Transaction } from "kysely";

/**
 * Bid securities, from their bid to their return or forfeiture (decision 42). Which event starts
 * the return and when it is due are derived from the facts (termination, withdrawal; later the
 * award notice and the contract) by app/domain/guarantee/security-return.ts; the agency records
 * the return or the forfeiture. A bid stays sealed until its section's deadline or termination:
 * before then no one, the agency and the regulator included, sees its security here.
 */
type Executor = Kysely<Database> | Transaction<Database>;

async function securityRows(db: Executor, where: { projectId?: string; bidId?: string; now: Date }) {
  let q = db
    .selectFrom("bids as b")
    .innerJoin("sections as s", "s.id", "b.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .innerJoin("organisations as o", "o.id", "b.organisation_id")
    .leftJoin("bid_security_settlements as st", "st.bid_id", "b.id")
    .select([
      "b.id as bid_id",
      "b.organisation_id",
      "o.name as organisation",
      "o.uscc",
      "s.id as section_id",
      "s.code as section_code",
      "s.name as section_name",
      "s.deadline_at",
      "s.cancelled_at",
      "s.bid_security_fen",
      "p.id as project_id",
      "p.name as project_name",
      "p.code as project_code",
      "p.region_code",
      "p.procurement_type",
      "p.tenderer_organisation_id",
      "p.agency_organisation_id",
      "st.outcome",
      "st.ground",
      "st.note",
      "st.settled_at",
      "st.recorded_at",
    ])
    // Sealed until the deadline or the termination (办法 21, 法 22; decision 42).
    .where((eb) => eb.or([eb("s.deadline_at", "<=", where.now), eb("s.cancelled_at", "<=", where.now)]));
  if (where.projectId) q = q.where("p.id", "=", where.projectId);
  if (where.bidId) q = q.where("b.id", "=", where.bidId);
  const bids = await q.orderBy("s.sequence").orderBy("o.name").execute();
  if (bids.length === 0) return [];
  const ids = bids.map((b) => b.bid_id);
  const [versions, withdrawals, results, awards] = await Promise.all([
    db
      .selectFrom("bid_versions")
      .select(["id", "bid_id", "version", "security_kind", "security_reference", "received_at"])
      .where("bid_id", "in", ids)
      .orderBy("version")
      .execute(),
    db.selectFrom("bid_withdrawals").select(["bid_id", "after_version", "withdrawn_at"]).where("bid_id", "in", ids).execute(),
    db
      .selectFrom("opening_bids as ob")
      .innerJoin("bid_versions as v", "v.id", "ob.bid_version_id")
      .select(["v.bid_id", "ob.result"])
      .where("v.bid_id", "in", ids)
      .execute(),
    // The award notices issued (decision 67): they start the GP losers' return period (87号令 38).
    db
      .selectFrom("awards")
      .select(["section_id", "winner_organisation_id", "announced_at"])
      .where("section_id", "in", [...new Set(bids.map((b) => b.section_id))])
      .where("announced_at", "is not", null)
      .execute(),
  ]);
  return bids.flatMap((b) => {
    // The versions that stood: received before the deadline (and before a termination).
    const end = b.cancelled_at && b.cancelled_at < b.deadline_at ? b.cancelled_at : b.deadline_at;
    const mine = versions.filter((v) => v.bid_id === b.bid_id && v.received_at < end);
    const last = mine.at(-1);
    if (!last) return [];
    const withdrawal = withdrawals.find((w) => w.bid_id === b.bid_id && w.after_version === last.version && w.withdrawn_at < end);
    return [
      {
        ...b,
        bid_security_fen: toBigInt(b.bid_security_fen),
        version: last.version,
        securityKind: last.security_kind,
        securityReference: last.security_reference,
        withdrawnAt: withdrawal?.withdrawn_at ?? null,
        decryption: results.find((r) => r.bid_id === b.bid_id)?.result ?? null,
        awardNoticeAt: awards.find((a) => a.section_id === b.section_id)?.announced_at ?? null,
        won: awards.some((a) => a.section_id === b.section_id && a.winner_organisation_id === b.organisation_id),
      },
    ];
  });
}

type SecurityRow = Awaited<ReturnType<typeof securityRows>>[number];

function view(row: SecurityRow, calendar: HolidayCalendar, now: Date) {
  const event = returnEvent({
    type: row.procurement_type,
    deadlineAt: row.deadline_at,
    terminatedAt: row.cancelled_at,
    withdrawnAt: row.withdrawnAt,
    awardNoticeAt: row.awardNoticeAt,
    won: row.won,
  });
  let period = null;
  let calendarMissing: number | null = null;
  if (event) {
    try {
      period = returnPeriod(calendar, row.procurement_type, event.event, event.at);
    } catch (e) {
      if (!(e instanceof CalendarOutOfRangeError)) throw e;
      calendarMissing = e.year;
    }
  }
  const settlement = row.outcome ? { outcome: row.outcome, settledAt: row.settled_at! } : null;
  return {
    bidId: row.bid_id,
    organisation: row.organisation,
    uscc: row.uscc,
    project: { id: row.project_id, name: row.project_name, code: row.project_code },
    section: { id: row.section_id, code: row.section_code, name: row.section_name },
    procurementType: row.procurement_type,
    amountFen: row.bid_security_fen.toString(),
    form: row.securityKind ?? "undeclared",
    reference: row.securityReference,
    decryption: row.decryption,
    withdrawnAt: row.withdrawnAt,
    event: event?.event ?? null,
    eventAt: event?.at ?? null,
    lastDay: period?.lastDay ?? null,
    provisional: period?.provisional ?? false,
    source: period?.citation ?? null,
    calendarMissing,
    status: securityStatus({ period, settlement }, now),
    settlement: row.outcome
      ? {
          outcome: row.outcome,
          ground: row.ground,
          groundSource: row.ground ? (FORFEITURE_GROUNDS[row.ground as ForfeitureGround]?.[row.procurement_type] ?? null) : null,
          note: row.note,
          settledAt: row.settled_at,
          recordedAt: row.recorded_at,
        }
      : null,
  };
}

export type BidSecurityView = ReturnType<typeof view>;

/** The bid securities of a project, for its agency, its tenderer and the regulator. */
export async function listBidSecurities(app: AppContext, actor: Actor, projectId: string): Promise<BidSecurityView[]> {
  const project = await app.db.selectFrom("projects").selectAll().where("id", "=", projectId).executeTakeFirst();
  if (!project) throw new AppError("NOT_FOUND", { what: "project" });
  if (!relationTo(actor, project)) throw new AppError("FORBIDDEN", { permission: "view:section:own" });
  const now = app.clock.now();
  const [rows, calendar] = await Promise.all([securityRows(app.db, { projectId, now }), loadHolidayCalendar(app.db)]);
  return rows.map((r) => view(r, calendar, now));
}

/** For the regulator: the securities in its jurisdiction not returned by the end of their last day. */
export async function overdueBidSecurities(app: AppContext, actor: Actor): Promise<BidSecurityView[]> {
  if (!actor.permissions.has("view:section:jurisdiction")) throw new AppError("FORBIDDEN", { permission: "view:section:jurisdiction" });
  const now = app.clock.now();
  const [rows, calendar] = await Promise.all([securityRows(app.db, { now }), loadHolidayCalendar(app.db)]);
  return rows
    .filter((r) => regionWithin(r.region_code, actor.membership.regionCode))
    .map((r) => view(r, calendar, now))
    .filter((v) => v.status === "overdue")
    .sort((a, b) => (a.lastDay ?? "").localeCompare(b.lastDay ?? ""));
}

export interface SettleBidSecurityOptions {
  actor: Actor;
  bidId: string;
  outcome: "returned" | "forfeited";
  /** Required for a forfeiture: a key of FORFEITURE_GROUNDS. */
  ground?: ForfeitureGround;
  /** When the security was returned (or kept); not in the future. Default: now. */
  settledAt?: Date;
  note: string;
  meta: RequestMeta;
}

/**
 * The agency (or the tenderer) records that a bid's security was returned, or forfeited on a
 * legal ground that fits the facts (条例 35, 74). Recorded once; a forfeiture is refused for a
 * terminated tender or a withdrawn bid, whose securities the law returns.
 */
export async function settleBidSecurity(app: AppContext, opts: SettleBidSecurityOptions) {
  const now = app.clock.now();
  const settledAt = opts.settledAt ?? now;
  if (settledAt > now) throw new AppError("VALIDATION_FAILED", { issues: ["settledAt"] });
  return app.db.transaction().execute(async (trx) => {
    const [row] = await securityRows(trx, { bidId: opts.bidId, now });
    if (!row) throw new AppError("NOT_FOUND", { what: "bid security" });
    const org = opts.actor.membership.organisationId;
    if (![row.tenderer_organisation_id, row.agency_organisation_id].includes(org) || !opts.actor.permissions.has("publish:section:own"))
      throw new AppError("FORBIDDEN", { permission: "publish:section:own" });
    if (row.outcome) throw new AppError("BID_SECURITY_ALREADY_SETTLED", { organisation: row.organisation, section: row.section_code });
    let ground: string | null = null;
    if (opts.outcome === "forfeited") {
      if (!opts.ground || !Object.hasOwn(FORFEITURE_GROUNDS, opts.ground)) throw new AppError("VALIDATION_FAILED", { issues: ["ground"] });
      const refusal = checkForfeiture(opts.ground, {
        decryption: row.decryption,
        terminated: row.cancelled_at !== null,
        withdrawn: row.withdrawnAt !== null,
      });
      if (refusal) {
        const cite = FORFEITURE_GROUNDS[opts.ground][row.procurement_type];
        throw new AppError("BID_SECURITY_FORFEITURE_REFUSED", {
          organisation: row.organisation,
          section: row.section_code,
          reasonZh: REFUSAL_TEXT[refusal].zh,
          reasonEn: REFUSAL_TEXT[refusal].en,
          source: cite.zh,
          sourceEn: cite.en,
        });
      }
      ground = opts.ground;
    }
    await trx
      .insertInto("bid_security_settlements")
      .values({
        bid_id: row.bid_id,
        outcome: opts.outcome,
        ground,
        note: opts.note.trim(),
        settled_at: settledAt,
        recorded_by: opts.actor.personId,
        recorded_at: now,
      })
      .execute();
    await appendAudit(trx, {
      event: {
        type: "bid_security.settled",
        data: { bidId: row.bid_id, sectionId: row.section_id, outcome: opts.outcome, ground, settledAt: settledAt.toISOString() },
      },
      actor: auditActorOf(opts.actor, opts.meta),
      at: now,
    });
  });
}

const REFUSAL_TEXT = {
  notRevoked: {
    zh: "该投标未被视为撤销（仅投标截止后撤销投标文件的，招标人可以不退还投标保证金）",
    en: "the bid was not deemed revoked (only a bid revoked after the deadline may lose its security)",
  },
  terminated: { zh: "招标已终止，所收取的投标保证金应当退还", en: "the tender was terminated, so every security must be returned" },
  withdrawn: {
    zh: "投标人已在投标截止前撤回投标文件，投标保证金应当退还",
    en: "the bid was withdrawn before the deadline, so its security must be returned",
  },
} as const;
