import type { Transaction } from "kysely";
import { openingPhase, type OpeningPhase } from "#app/domain/opening/index.ts";
import { deadlineAfterSuspension } from "#app/domain/tendering/suspension.ts";
import { appendAudit, SYSTEM_ACTOR } from "#app/server/audit.server.ts";
import type { RequestMeta } from "#app/server/context.server.ts";
import type { LoadedOpening } from "#app/server/repo/openings.server.ts";
import { auditActorOf, type Actor } from "#app/server/session.server.ts";
import type { Database } from "#db/schema.ts";
import { recordOpeningFact } from "./opening-context.server.ts";

/**
 * The regulator's suspension of a section as facts (decisions 17, 38, 0063), shared by the
 * suspension by hand (suspendOpening / resumeOpening) and the suspension for a complaint: the
 * opening's suspension row (its timers stand still, the hall shows the reason), the section's
 * `suspended_at` (no bid changes, DOMAIN.md §3a) and, on resuming, the deadline moved by the time
 * suspended when the suspension covered it. The caller holds the opening's lock and has asserted the
 * phase.
 */
export interface SuspensionInput {
  loaded: LoadedOpening;
  actor: Actor;
  meta: RequestMeta;
  reason: string;
  now: Date;
  /** The complaint it is made for (the hall names it), or null for a suspension by hand. */
  complaintId?: string | null;
}

export async function recordSuspension(trx: Transaction<Database>, input: SuspensionInput): Promise<void> {
  const { loaded, now, reason } = input;
  await trx
    .insertInto("opening_suspensions")
    .values({
      opening_id: loaded.opening.id,
      suspended_at: now,
      reason,
      suspended_by: input.actor.personId,
      complaint_id: input.complaintId ?? null,
    })
    .execute();
  // The section stands still too (DOMAIN.md §3a): no bid is submitted, replaced or withdrawn while
  // the regulator investigates (条例 Art 62). The history stays in opening_suspensions.
  await trx
    .updateTable("sections")
    .set({ suspended_at: now, suspended_for_complaint_id: input.complaintId ?? null })
    .where("id", "=", loaded.section.id)
    .where("suspended_at", "is", null)
    .execute();
  await recordOpeningFact(trx, {
    openingId: loaded.opening.id,
    actor: input.actor,
    meta: input.meta,
    at: now,
    audit: { type: "opening.suspended", data: { openingId: loaded.opening.id, reason } },
    live: {
      type: "opening.suspended",
      data: { suspendedAt: now.toISOString(), reason, by: input.actor.membership.organisationName, complaintId: input.complaintId ?? null },
    },
  });
}

/**
 * Lifts the open suspension; the opening resumes to the phase underneath, its timers having stood
 * still. A suspension that covered the bid deadline moves the deadline by the time suspended
 * (decision 38), recorded in the same transaction.
 */
/** A resumption's actor is null when the law lifts the suspension by itself (GP法 57's 30 days; decision 74). */
export type ResumptionInput = Omit<SuspensionInput, "actor"> & { actor: Actor | null };

export async function recordResumption(
  trx: Transaction<Database>,
  input: ResumptionInput,
): Promise<{ phase: OpeningPhase; deadlineMoved: { from: Date; to: Date } | null }> {
  const { loaded: again, now, reason, actor, meta } = input;
  const open = again.facts.suspensions.find((s) => s.resumedAt === null);
  await trx
    .updateTable("opening_suspensions")
    .set({ resumed_at: now, resume_reason: reason, resumed_by: actor?.personId ?? null })
    .where("opening_id", "=", again.opening.id)
    .where("resumed_at", "is", null)
    .execute();
  const from = again.section.deadline_at;
  const to = open ? deadlineAfterSuspension(from, { suspendedAt: open.suspendedAt, resumedAt: now }) : null;
  await trx
    .updateTable("sections")
    .set(
      to
        ? { suspended_at: null, suspended_for_complaint_id: null, deadline_at: to }
        : { suspended_at: null, suspended_for_complaint_id: null },
    )
    .where("id", "=", again.section.id)
    .execute();
  if (to && open) {
    await trx
      .insertInto("section_deadline_moves")
      .values({
        section_id: again.section.id,
        from_deadline_at: from,
        to_deadline_at: to,
        suspended_at: open.suspendedAt,
        resumed_at: now,
        moved_at: now,
      })
      .execute();
    await appendAudit(trx, {
      event: {
        type: "section.deadline_moved",
        data: {
          sectionId: again.section.id,
          from: from.toISOString(),
          to: to.toISOString(),
          suspendedAt: open.suspendedAt.toISOString(),
          resumedAt: now.toISOString(),
        },
      },
      actor: actor ? auditActorOf(actor, meta) : SYSTEM_ACTOR,
      at: now,
    });
  }
  const phase = openingPhase(
    {
      ...again.facts,
      deadlineAt: to ?? again.facts.deadlineAt,
      suspensions: again.facts.suspensions.map((s) => (s.resumedAt ? s : { ...s, resumedAt: now })),
    },
    now,
  );
  await recordOpeningFact(trx, {
    openingId: again.opening.id,
    actor,
    meta,
    at: now,
    audit: { type: "opening.resumed", data: { openingId: again.opening.id, reason } },
    live: {
      type: "opening.resumed",
      data: {
        resumedAt: now.toISOString(),
        reason,
        phase,
        ...(to ? { deadlineMovedFrom: from.toISOString(), deadlineAt: to.toISOString() } : {}),
      },
    },
  });
  return { phase, deadlineMoved: to ? { from, to } : null };
}
