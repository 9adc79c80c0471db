import type { Transaction } from "kysely";
import { complaintState } from "#app/domain/complaint/handling.ts";
import { suspensionCap, suspensionCapReached } from "#app/domain/complaint/suspension-cap.ts";
import { openingPhase } from "#app/domain/opening/index.ts";
import { OPENING_ACTION_PHASES } from "#app/domain/opening/opening-actions.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { appendAudit, SYSTEM_ACTOR } from "#app/server/audit.server.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { enqueueLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { ensureOpening, findOpeningIdOfSection, lockOpening } from "#app/server/repo/openings.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { loadOpening } from "#app/services/opening/opening-context.server.ts";
import { recordResumption, recordSuspension } from "#app/services/opening/section-suspension.server.ts";
import type { Database } from "#db/schema.ts";
import { inHandlingTransaction, leadRegulator, loadComplaint, stateFacts, type LoadedComplaint } from "./handling-context.server.ts";
import { notifyComplaintParties } from "./notify-complaint-parties.server.ts";

export interface SuspendForComplaintOptions {
  actor: Actor;
  complaintId: string;
  meta: RequestMeta;
}

/** Where a system step's records say it came from: the platform itself. */
const SYSTEM_META: RequestMeta = { ip: "127.0.0.1", userAgent: "bidhall-system" };

/** What the hall and every page show as the suspension's reason. */
const reasonOf = (loaded: LoadedComplaint) =>
  `因投诉暂停：${loaded.regulators[0]!.name}正在处理投诉（回执号 ${loaded.complaint.receipt_no}）`;

/**
 * The lead regulator suspends the section while it handles an accepted complaint (条例 62 / GP法 57;
 * decision 0063), through ComplaintLedger.suspendSection. The platform's own suspension does the
 * rest: before and during the opening it is the opening's suspension (timers stand still, the hall
 * shows "因投诉暂停" with the complaint's receipt number; a suspension covering the bid deadline moves
 * it on resuming, decision 38); after the opening, the section's `suspended_at` alone stops the
 * award and the contract. A section already suspended (by hand or for another complaint) is refused.
 */
export async function suspendForComplaint(app: AppContext, opts: SuspendForComplaintOptions): Promise<{ at: Date }> {
  const now = app.clock.now();
  return inHandlingTransaction(app, { ...opts, action: "suspend", now }, async (trx, loaded) => {
    const c = loaded.complaint;
    const section = await trx
      .selectFrom("sections")
      .select(["id", "suspended_at"])
      .where("id", "=", c.section_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (section.suspended_at) {
      const why = await trx
        .selectFrom("opening_suspensions as s")
        .innerJoin("openings as o", "o.id", "s.opening_id")
        .select("s.reason")
        .where("o.section_id", "=", c.section_id)
        .where("s.resumed_at", "is", null)
        .executeTakeFirst();
      throw new AppError("COMPLAINT_SECTION_ALREADY_SUSPENDED", {
        since: formatShanghai(section.suspended_at),
        reason: why?.reason ?? "监管部门暂停",
      });
    }
    const reason = reasonOf(loaded);
    const openingId = await ensureOpening(trx, c.section_id, now);
    await lockOpening(trx, openingId);
    const opening = await loadOpening(trx, openingId);
    const suspendable = (OPENING_ACTION_PHASES.suspend as readonly string[]).includes(openingPhase(opening.facts, now));
    if (suspendable) {
      await recordSuspension(trx, { loaded: opening, actor: opts.actor, meta: opts.meta, reason, now, complaintId: c.id });
    } else {
      // After the opening (closed or failed): the section alone stands still (award, contract).
      await trx
        .updateTable("sections")
        .set({ suspended_at: now, suspended_for_complaint_id: c.id })
        .where("id", "=", c.section_id)
        .execute();
    }
    await trx.updateTable("complaints").set({ suspended_at: now, resumed_at: null }).where("id", "=", c.id).execute();
    await notifyComplaintParties(app, trx, loaded, {
      step: "suspend",
      title: `暂停通知：因投诉暂停招标投标（采购）活动（回执号 ${c.receipt_no}）`,
      body: `${loaded.regulators[0]!.name}在处理投诉（回执号 ${c.receipt_no}）期间，决定暂停标段 ${loaded.section.code} ${loaded.section.name} 的招标投标（采购）活动，自 ${formatShanghai(now)} 起，至另行通知恢复。`,
      toRespondents: true,
      now,
    });
    return {
      result: { at: now },
      audit: {
        type: "complaint.section_suspended",
        data: { complaintId: c.id, sectionId: c.section_id, openingId: suspendable ? openingId : null },
      },
      ledger: { key: `complaint:${c.id}:suspend:${now.getTime()}`, method: "suspendSection", args: [c.ledger_id], actor: "regulator" },
    };
  });
}

/** The regulator resumes the section suspended for this complaint, through ComplaintLedger.resumeSection. */
export async function resumeForComplaint(
  app: AppContext,
  opts: SuspendForComplaintOptions,
): Promise<{ at: Date; deadlineMovedTo: Date | null }> {
  const now = app.clock.now();
  return inHandlingTransaction(app, { ...opts, action: "resume", now }, async (trx, loaded) => {
    const c = loaded.complaint;
    const moved = await liftComplaintSuspension(trx, loaded, opts, now, "投诉处理中恢复");
    await notifyComplaintParties(app, trx, loaded, {
      step: "resume",
      title: `恢复通知：标段 ${loaded.section.code} 恢复招标投标（采购）活动`,
      body: `${loaded.regulators[0]!.name}决定自 ${formatShanghai(now)} 起恢复标段 ${loaded.section.code} ${loaded.section.name} 因投诉（回执号 ${c.receipt_no}）暂停的活动。${
        moved ? `投标截止时间顺延至 ${formatShanghai(moved)}。` : ""
      }`,
      toRespondents: true,
      now,
    });
    return {
      result: { at: now, deadlineMovedTo: moved },
      audit: {
        type: "complaint.section_resumed",
        data: { complaintId: c.id, sectionId: c.section_id, deadlineMovedTo: moved?.toISOString() ?? null },
      },
      ledger: { key: `complaint:${c.id}:resume:${now.getTime()}`, method: "resumeSection", args: [c.ledger_id], actor: "regulator" },
    };
  });
}

/**
 * Lifts the complaint's suspension in the platform (the caller writes the ledger step, or the
 * contract lifts it itself on decide and withdraw). Returns the moved deadline, if any.
 */
export async function liftComplaintSuspension(
  trx: Transaction<Database>,
  loaded: LoadedComplaint,
  opts: { actor: Actor | null; meta: RequestMeta },
  now: Date,
  reason: string,
): Promise<Date | null> {
  const c = loaded.complaint;
  let moved: Date | null = null;
  const openingId = await findOpeningIdOfSection(trx, c.section_id);
  if (openingId) {
    await lockOpening(trx, openingId);
    const opening = await loadOpening(trx, openingId);
    const open = await trx
      .selectFrom("opening_suspensions")
      .select("id")
      .where("opening_id", "=", openingId)
      .where("complaint_id", "=", c.id)
      .where("resumed_at", "is", null)
      .executeTakeFirst();
    if (open)
      moved = (await recordResumption(trx, { loaded: opening, actor: opts.actor, meta: opts.meta, reason, now })).deadlineMoved?.to ?? null;
  }
  await trx
    .updateTable("sections")
    .set({ suspended_at: null, suspended_for_complaint_id: null })
    .where("id", "=", c.section_id)
    .where("suspended_for_complaint_id", "=", c.id)
    .execute();
  await trx.updateTable("complaints").set({ resumed_at: now }).where("id", "=", c.id).execute();
  return moved;
}

/**
 * The scheduler's task (decision 74): a GP suspension for a complaint ends by law after 30 days
 * (政府采购法 57), whether or not the regulator resumes it. Each one past its cap is lifted as the
 * regulator's resumption would be — the platform's suspension, ComplaintLedger.resumeSection from
 * the lead's account, the parties told — with the system as the actor. Returns how many.
 */
export async function liftSuspensionsPastCap(app: AppContext, now: Date = app.clock.now()): Promise<number> {
  const candidates = await app.db
    .selectFrom("complaints as c")
    .innerJoin("sections as s", "s.id", "c.section_id")
    .innerJoin("projects as p", "p.id", "s.project_id")
    .select(["c.id", "c.suspended_at"])
    .where("p.procurement_type", "=", "government")
    .where("c.suspended_at", "is not", null)
    .where((eb) => eb.or([eb("c.resumed_at", "is", null), eb("c.resumed_at", "<", eb.ref("c.suspended_at"))]))
    .where("c.decided_at", "is", null)
    .where("c.withdrawn_at", "is", null)
    .execute();
  let lifted = 0;
  for (const row of candidates) {
    if (!suspensionCapReached("government", row.suspended_at!, now)) continue;
    const done = await app.db.transaction().execute(async (trx) => {
      const loaded = await loadComplaint(trx, row.id, { forUpdate: true });
      const c = loaded.complaint;
      if (complaintState(stateFacts(c)) !== "suspended" || !suspensionCapReached("government", c.suspended_at!, now)) return false;
      const cap = suspensionCap("government", c.suspended_at!)!;
      const moved = await liftComplaintSuspension(
        trx,
        loaded,
        { actor: null, meta: SYSTEM_META },
        now,
        `暂停已满 30 日，依法恢复（${cap.source.zh}）`,
      );
      await notifyComplaintParties(app, trx, loaded, {
        step: "resume",
        title: `恢复通知：标段 ${loaded.section.code} 暂停已满 30 日，依法恢复`,
        body: `标段 ${loaded.section.code} ${loaded.section.name} 因投诉（回执号 ${c.receipt_no}）自 ${formatShanghai(c.suspended_at!)} 起暂停，已满 30 日（${cap.source.zh}），自 ${formatShanghai(now)} 起恢复。${
          moved ? `投标截止时间顺延至 ${formatShanghai(moved)}。` : ""
        }`,
        toRespondents: true,
        now,
      });
      await appendAudit(trx, {
        event: {
          type: "complaint.section_resumed",
          data: { complaintId: c.id, sectionId: c.section_id, deadlineMovedTo: moved?.toISOString() ?? null },
        },
        actor: SYSTEM_ACTOR,
        at: now,
      });
      await enqueueLedgerWrite(
        trx,
        `complaint:${c.id}:resume:${now.getTime()}`,
        {
          contract: "ComplaintLedger",
          method: "resumeSection",
          args: [c.ledger_id],
          actor: { organisationId: leadRegulator(loaded).organisationId },
        },
        now,
      );
      return true;
    });
    if (done) lifted++;
  }
  return lifted;
}
