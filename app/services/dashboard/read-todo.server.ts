import { beijingDay, lastClarificationMoment, orderTodo, type TodoItem } from "#app/domain/dashboard/todo.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { listOwnBids } from "#app/services/bidding/read-own-bid.server.ts";
import { listOwnDocumentRequests } from "#app/services/complaints/complaint-document-requests.server.ts";
import { guaranteeTodo } from "#app/services/guarantee/bidder-guarantees.server.ts";
import { listRegulatorComplaints } from "#app/services/complaints/read-regulator-complaints.server.ts";
import { guarantorWork } from "#app/services/guarantee/read-guarantor-portal.server.ts";
import { evaluationTodo } from "#app/services/evaluation/evaluation-todo.server.ts";
import { listOpeningsForRegulator } from "#app/services/opening/list-openings-for-regulator.server.ts";

const DAY = 86_400_000;
/** How far ahead an open section's deadline counts as work for today's list. */
const BID_HORIZON_DAYS = 30;
/** A clarification's last day shows from a week before it. */
const CLARIFICATION_NOTICE_DAYS = 7;
/** An opening not closed a day after its deadline is overdue for the regulator's attention. */
const OVERDUE_AFTER_DAYS = 1;

/**
 * The actor's to-do list (issue 13, decision 48): per permission, what needs doing now, nearest
 * due first. Every query is filtered by the actor's own organisation (or, for the regulator, its
 * jurisdiction through listOpeningsForRegulator); nothing here tells anyone who bids where
 * (decision 23): the agency's items are its own sections' dates and its own hall's objections.
 */
export async function readTodo(app: AppContext, actor: Actor): Promise<TodoItem[]> {
  const now = app.clock.now();
  const organisationId = actor.membership.organisationId;
  const items: TodoItem[] = [];
  const has = (p: string) => (actor.permissions as ReadonlySet<string>).has(p);

  if (has("submit:bid:own")) {
    const bids = await listOwnBids(app, actor);
    const signedIn = new Set(
      (
        await app.db
          .selectFrom("opening_sign_ins as si")
          .innerJoin("openings as o", "o.id", "si.opening_id")
          .select("o.section_id")
          .where("si.organisation_id", "=", organisationId)
          .execute()
      ).map((r) => r.section_id),
    );
    const sections = new Map(
      (
        await app.db
          .selectFrom("sections")
          .select(["id", "sign_in_lead_minutes", "cancelled_at", "failed_at"])
          .where("id", "in", bids.map((b) => b.sectionId).concat(["00000000-0000-0000-0000-000000000000"]))
          .execute()
      ).map((s) => [s.id, s]),
    );
    let nearestOpenDeadline: Date | null = null;
    for (const b of bids) {
      const s = sections.get(b.sectionId);
      if (!s || s.cancelled_at || s.failed_at) continue;
      const deadline = new Date(b.deadlineAt);
      const params = { project: b.projectName, section: `${b.sectionCode} ${b.sectionName}` };
      if (deadline > now && deadline.getTime() - now.getTime() <= BID_HORIZON_DAYS * DAY) {
        if (!nearestOpenDeadline || deadline < nearestOpenDeadline) nearestOpenDeadline = deadline;
        items.push({
          kind: b.state.status === "submitted" ? "bid.submitted_closing" : "bid.not_submitted",
          key: `bid:${b.sectionId}`,
          dueAt: deadline,
          link: `/sections/${b.sectionId}/bid`,
          params,
        });
      }
      // Sign-in opens sign_in_lead_minutes before the deadline and is worth doing until the hall closes.
      const signInOpens = new Date(deadline.getTime() - s.sign_in_lead_minutes * 60_000);
      if (b.state.status === "submitted" && now >= signInOpens && now.getTime() < deadline.getTime() + DAY && !signedIn.has(b.sectionId)) {
        items.push({
          kind: "opening.sign_in",
          key: `signin:${b.sectionId}`,
          dueAt: deadline,
          link: `/sections/${b.sectionId}/opening`,
          params,
        });
      }
    }
    const certificates = await app.db
      .selectFrom("person_certificates")
      .select("serial_hex")
      .where("person_id", "=", actor.personId)
      .where("organisation_id", "=", organisationId)
      .where("status", "=", "valid")
      .where("revoked_at", "is", null)
      .where("not_after", ">", now)
      .execute();
    if (certificates.length === 0) {
      items.push({ kind: "certificate.missing", key: "certificate", dueAt: nearestOpenDeadline, link: "/certificates", params: {} });
    }
  }

  // The bidder's electronic guarantees (issue 14): a fee to pay, documents asked for, one issued to declare.
  if (has("apply:guarantee:own")) items.push(...(await guaranteeTodo(app.db, organisationId, now)));

  if (has("create:project:own")) {
    const own = await app.db
      .selectFrom("sections as s")
      .innerJoin("projects as p", "p.id", "s.project_id")
      .select([
        "s.id",
        "s.code",
        "s.name",
        "s.deadline_at",
        "s.published_at",
        "s.cancelled_at",
        "s.failed_at",
        "p.name as project_name",
        "p.id as project_id",
      ])
      .where((eb) => eb.or([eb("p.agency_organisation_id", "=", organisationId), eb("p.tenderer_organisation_id", "=", organisationId)]))
      .where("s.cancelled_at", "is", null)
      .execute();
    const today = beijingDay(now);
    for (const s of own) {
      const params = { project: s.project_name, section: `${s.code} ${s.name}` };
      if (s.published_at && !s.failed_at && beijingDay(s.deadline_at) === today) {
        items.push({ kind: "opening.today", key: `today:${s.id}`, dueAt: s.deadline_at, link: `/sections/${s.id}/opening`, params });
      }
      const lastClarification = lastClarificationMoment(s.deadline_at);
      if (s.published_at && lastClarification > now && lastClarification.getTime() - now.getTime() <= CLARIFICATION_NOTICE_DAYS * DAY) {
        items.push({
          kind: "clarification.last_day",
          key: `clarify:${s.id}`,
          dueAt: lastClarification,
          link: `/projects/${s.project_id}`,
          params,
        });
      }
    }
    const objections = await app.db
      .selectFrom("opening_objections as x")
      .innerJoin("openings as o", "o.id", "x.opening_id")
      .innerJoin("sections as s", "s.id", "o.section_id")
      .innerJoin("projects as p", "p.id", "s.project_id")
      .select(["x.id", "x.raised_at", "s.id as section_id", "s.code", "s.name", "p.name as project_name"])
      .where((eb) => eb.or([eb("p.agency_organisation_id", "=", organisationId), eb("p.tenderer_organisation_id", "=", organisationId)]))
      .where("x.answered_at", "is", null)
      .execute();
    for (const x of objections) {
      // 招标投标法实施条例 Art 44: an objection at the opening is answered on the spot.
      items.push({
        kind: "objection.waiting",
        key: `objection:${x.id}`,
        dueAt: x.raised_at,
        link: `/sections/${x.section_id}/opening`,
        params: { project: x.project_name, section: `${x.code} ${x.name}` },
      });
    }
  }

  if (has("approve:organisation:any")) {
    const pending = await app.db.selectFrom("organisations").select("id").where("status", "=", "pending").execute();
    if (pending.length > 0) {
      items.push({
        kind: "approvals.waiting",
        key: "approvals",
        dueAt: null,
        link: "/operator/approvals",
        params: { count: pending.length },
      });
    }
  }
  if (has("record:incident:any")) {
    // An incident is recorded with its span; one whose end is still ahead is going on now.
    const open = await app.db
      .selectFrom("platform_incidents")
      .select(["id", "ended_at", "description"])
      .where("ended_at", ">", now)
      .execute();
    for (const i of open) {
      items.push({
        kind: "incident.open",
        key: `incident:${i.id}`,
        dueAt: i.ended_at,
        link: "/operator/incidents",
        params: { description: i.description },
      });
    }
  }

  if (has("view:section:jurisdiction")) {
    const { openings } = await listOpeningsForRegulator(app, actor);
    for (const o of openings) {
      const params = { project: o.projectName, section: `${o.sectionCode} ${o.sectionName}` };
      if (o.suspension) {
        items.push({
          kind: "opening.suspended",
          key: `suspended:${o.sectionId}`,
          dueAt: o.suspension.suspendedAt,
          link: "/regulator/openings",
          params: { ...params, reason: o.suspension.reason },
        });
      } else if (o.phase !== "closed" && o.phase !== "failed" && now.getTime() - o.deadlineAt.getTime() > OVERDUE_AFTER_DAYS * DAY) {
        items.push({ kind: "opening.overdue", key: `overdue:${o.sectionId}`, dueAt: o.deadlineAt, link: "/regulator/openings", params });
      }
    }
  }

  // Complaints (decision 0063): the lead regulator's limits; a party's open document requests.
  if (has("handle:complaint:jurisdiction")) {
    const { complaints } = await listRegulatorComplaints(app, actor);
    for (const c of complaints) {
      if (!c.isLead) continue;
      const limit =
        c.state === "filed" ? c.acceptanceDeadline : c.state === "accepted" || c.state === "suspended" ? c.decisionDeadline : null;
      if (!limit?.endsAt) continue;
      items.push({
        kind: c.state === "filed" ? "complaint.acceptance" : "complaint.decision",
        key: `complaint:${c.id}`,
        dueAt: new Date(limit.endsAt),
        link: `/regulator/complaints/${c.id}`,
        params: { receipt: c.receiptNo, section: `${c.sectionCode} ${c.sectionName}`, source: limit.sourceZh },
      });
    }
  }
  for (const r of await listOwnDocumentRequests(app, actor)) {
    if (r.answered_at) continue;
    items.push({
      kind: "complaint.documents",
      key: `complaint-request:${r.id}`,
      dueAt: r.due_at,
      link: "/complaint-requests",
      params: { receipt: r.receipt_no, section: `${r.section_code} ${r.section_name}`, what: r.what },
    });
  }

  // The guarantor's queues (decision 0070): applications to underwrite, letters to issue, claims to answer.
  if (has("issue:guarantee:own") || has("sign:guarantee:own") || has("decide:claim:own")) {
    const work = await guarantorWork(app, actor);
    if (work.toUnderwrite > 0 && has("issue:guarantee:own"))
      items.push({
        kind: "guarantee.underwrite",
        key: "guarantee:underwrite",
        dueAt: null,
        link: "/guarantor/applications",
        params: { count: work.toUnderwrite },
      });
    if (work.toIssue > 0)
      items.push({
        kind: "guarantee.issue",
        key: "guarantee:issue",
        dueAt: null,
        link: "/guarantor/applications",
        params: { count: work.toIssue },
      });
    if (work.claims > 0 && has("decide:claim:own"))
      items.push({
        kind: "guarantee.claim",
        key: "guarantee:claim",
        dueAt: null,
        link: "/guarantor/claims",
        params: { count: work.claims },
      });
  }

  // Evaluation, award and notices (issue 16).
  items.push(...(await evaluationTodo(app, actor)));

  return orderTodo(items);
}
