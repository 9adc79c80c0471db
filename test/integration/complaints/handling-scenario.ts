import { Readable } from "node:stream";
import { expect } from "vitest";
import { isAppError, type ErrorCode } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import {
  answerDocumentRequest,
  listOwnDocumentRequests,
  requestComplaintDocuments,
} from "#app/services/complaints/complaint-document-requests.server.ts";
import {
  draftComplaintDecision,
  loadDecisionToSign,
  recordSignedDecision,
  withdrawComplaint,
} from "#app/services/complaints/complaint-decision.server.ts";
import { readTodo } from "#app/services/dashboard/read-todo.server.ts";
import { decideAdmission } from "#app/services/complaints/decide-admission.server.ts";
import { listRegulatorComplaints, readRegulatorComplaint } from "#app/services/complaints/read-regulator-complaints.server.ts";
import { resumeForComplaint, suspendForComplaint } from "#app/services/complaints/suspend-for-complaint.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { resumeOpening } from "#app/services/opening/resume-opening.server.ts";
import { memberOf, organisationWithMember, publishedSection, type Member } from "../bidding/helpers/bids.ts";
import { TEST_META } from "../helpers/test-app.ts";
import { filedComplaint } from "./handling-helpers.ts";

const meta = TEST_META;

export async function expectCode(p: Promise<unknown>, code: ErrorCode) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(isAppError(e) ? e.code : e).toBe(code);
}

/**
 * The regulator's handling of one complaint, every step and its refusals, on the given app (real
 * PostgreSQL or PGlite): returns what a ledger test checks afterwards.
 */
export async function runHandlingScenario(app: AppContext) {
  const agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
  const tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
  const lead = await organisationWithMember(app, { name: "福州市住建局", kinds: ["regulator"], roles: ["operate"], regionCode: "350100" });
  const signer = await memberOf(app, lead.organisationId, { name: "林晓", roles: ["sign"] });
  const second = await organisationWithMember(app, {
    name: "福建省住建厅",
    kinds: ["regulator"],
    roles: ["operate"],
    regionCode: "350000",
  });
  const stranger = await organisationWithMember(app, {
    name: "厦门市住建局",
    kinds: ["regulator"],
    roles: ["operate"],
    regionCode: "350200",
  });
  const bidder: Member = await organisationWithMember(app, { name: "闽江建设有限公司", kinds: ["bidder"], roles: ["admin", "bid"] });
  const other: Member = await organisationWithMember(app, { name: "榕城建设有限公司", kinds: ["bidder"], roles: ["admin", "bid"] });
  const { sectionId } = await publishedSection(app, {
    agency: agency.actor,
    tendererOrganisationId: tenderer.organisationId,
    code: `E35010020260${String(Math.floor(Math.random() * 90000) + 10000)}`,
  });
  const complaint = await filedComplaint(app, { sectionId, complainant: bidder, regulators: [lead.organisationId, second.organisationId] });
  const id = complaint.id;

  // The queue: both routed regulators see it, each knowing who leads; a stranger sees nothing.
  const queue = await listRegulatorComplaints(app, second.actor);
  expect(queue.complaints.map((c) => [c.id, c.leadName, c.isLead, c.state])).toEqual([[id, "福州市住建局", false, "filed"]]);
  expect(queue.complaints[0]!.acceptanceDeadline).toMatchObject({
    count: 3,
    standing: "open",
    sourceZh: expect.stringContaining("第六十一条"),
  });
  expect(queue.complaints[0]!.decisionDeadline).toBeNull(); // engineering: counts from acceptance
  expect((await listRegulatorComplaints(app, stranger.actor)).complaints).toEqual([]);
  await expectCode(readRegulatorComplaint(app, stranger.actor, id), "NOT_FOUND");

  // Refusals before acceptance: not the lead, not a regulator, decide before accept, bad reason.
  await expectCode(
    decideAdmission(app, { actor: second.actor, complaintId: id, admit: true, reason: "受理", meta }),
    "COMPLAINT_NOT_LEAD_REGULATOR",
  );
  await expectCode(decideAdmission(app, { actor: stranger.actor, complaintId: id, admit: true, reason: "受理", meta }), "FORBIDDEN");
  await expectCode(decideAdmission(app, { actor: bidder.actor, complaintId: id, admit: true, reason: "受理", meta }), "FORBIDDEN");
  await expectCode(
    decideAdmission(app, { actor: lead.actor, complaintId: id, admit: true, reason: "受理\u0000", meta }),
    "VALIDATION_FAILED",
  );
  await expectCode(decideAdmission(app, { actor: lead.actor, complaintId: "not-a-uuid", admit: true, reason: "受理", meta }), "NOT_FOUND");
  await expectCode(
    draftComplaintDecision(app, { actor: lead.actor, complaintId: id, outcome: "dismissed", text: "驳回", meta }),
    "COMPLAINT_UNEXPECTED_STATE",
  );
  await expectCode(suspendForComplaint(app, { actor: lead.actor, complaintId: id, meta }), "COMPLAINT_UNEXPECTED_STATE");

  await app.clock.advance(3600);
  await decideAdmission(app, { actor: lead.actor, complaintId: id, admit: true, reason: "投诉符合受理条件，予以受理。", meta });
  await expectCode(
    decideAdmission(app, { actor: lead.actor, complaintId: id, admit: false, reason: "再议", meta }),
    "COMPLAINT_UNEXPECTED_STATE",
  );
  const accepted = await readRegulatorComplaint(app, lead.actor, id);
  expect(accepted).toMatchObject({
    state: "accepted",
    acceptanceDeadline: { standing: "met" },
    decisionDeadline: { count: 30, standing: "open" },
  });
  expect(accepted.may).toMatchObject({ accept: false, suspend: true, draft: true, sign: false });

  // Suspension: the hall shows why; suspending twice is refused; the manual resume is refused.
  await suspendForComplaint(app, { actor: lead.actor, complaintId: id, meta });
  await expectCode(suspendForComplaint(app, { actor: lead.actor, complaintId: id, meta }), "COMPLAINT_UNEXPECTED_STATE");
  const { openingId } = (await findOpeningOfSection(app, sectionId))!;
  const hall = await readOpening(app, null, openingId);
  expect(hall.phase).toBe("suspended");
  expect(hall.suspension?.reason).toContain("因投诉暂停");
  expect(hall.suspension?.reason).toContain(complaint.receiptNo);
  const section = () =>
    app.db
      .selectFrom("sections")
      .select(["suspended_at", "suspended_for_complaint_id"])
      .where("id", "=", sectionId)
      .executeTakeFirstOrThrow();
  expect(await section()).toEqual({ suspended_at: app.clock.now(), suspended_for_complaint_id: id });
  await expectCode(resumeOpening(app, { actor: lead.actor, openingId, reason: "手动恢复", meta }), "SUSPENSION_BELONGS_TO_COMPLAINT");

  // A second complaint on the suspended section cannot suspend it again.
  const second2 = await filedComplaint(app, { sectionId, complainant: other, regulators: [lead.organisationId], subject: "other" });
  await decideAdmission(app, { actor: lead.actor, complaintId: second2.id, admit: true, reason: "受理", meta });
  await expectCode(suspendForComplaint(app, { actor: lead.actor, complaintId: second2.id, meta }), "COMPLAINT_SECTION_ALREADY_SUSPENDED");

  await app.clock.advance(3600);
  await resumeForComplaint(app, { actor: lead.actor, complaintId: id, meta });
  expect(await section()).toEqual({ suspended_at: null, suspended_for_complaint_id: null });
  expect((await readOpening(app, null, openingId)).phase).toBe("scheduled");
  await suspendForComplaint(app, { actor: lead.actor, complaintId: id, meta }); // suspended again, to be lifted by the decision

  // Documents: asked of the complainant with a deadline; only the addressee answers, once.
  const due = new Date(app.clock.now().getTime() + 5 * 86_400_000);
  await expectCode(
    requestComplaintDocuments(app, {
      actor: lead.actor,
      complaintId: id,
      party: "complainant",
      what: "营业执照",
      dueAt: app.clock.now(),
      meta,
    }),
    "COMPLAINT_REQUEST_DEADLINE_INVALID",
  );
  const { requestId } = await requestComplaintDocuments(app, {
    actor: lead.actor,
    complaintId: id,
    party: "complainant",
    what: "请提交投标报名记录及与招标文件第三章有关的证明材料。",
    dueAt: due,
    meta,
  });
  expect((await listOwnDocumentRequests(app, bidder.actor)).map((r) => r.id)).toEqual([requestId]);
  // The dashboards: the lead's decision limit, the complainant's request; the second regulator has no to-do.
  expect((await readTodo(app, lead.actor)).filter((i) => i.kind.startsWith("complaint."))).toEqual(
    expect.arrayContaining([expect.objectContaining({ kind: "complaint.decision", link: `/regulator/complaints/${id}` })]),
  );
  expect((await readTodo(app, bidder.actor)).map((i) => i.kind)).toContain("complaint.documents");
  expect((await readTodo(app, second.actor)).filter((i) => i.kind.startsWith("complaint."))).toEqual([]);
  expect(await listOwnDocumentRequests(app, other.actor)).toEqual([]);
  const pdf = () => [{ name: "证明.pdf", body: Readable.from([Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj<<>>endobj\n%%EOF\n")]) }];
  await expectCode(answerDocumentRequest(app, { actor: other.actor, requestId, answer: "材料", files: pdf(), meta }), "NOT_FOUND");
  await app.clock.advance(86_400 * 2);
  await answerDocumentRequest(app, { actor: bidder.actor, requestId, answer: "已提交报名记录。", files: pdf(), meta });
  await expectCode(
    answerDocumentRequest(app, { actor: bidder.actor, requestId, answer: "再次", files: [], meta }),
    "COMPLAINT_REQUEST_CLOSED",
  );
  const afterDocs = await readRegulatorComplaint(app, lead.actor, id);
  expect(afterDocs.requests[0]).toMatchObject({ answer: "已提交报名记录。", late: false, uploads: [{ name: "证明.pdf" }] });

  // The decision: drafted by the lead's operator, signed by its sign member.
  await expectCode(loadDecisionToSignIn(app, signer, id), "COMPLAINT_DECISION_NOT_DRAFTED");
  await draftComplaintDecision(app, { actor: lead.actor, complaintId: id, outcome: "partly_upheld", text: "经查，投诉部分成立。", meta });
  const toSign = await loadDecisionToSignIn(app, signer, id);
  expect(toSign).toMatchObject({ organisationId: lead.organisationId, fieldName: "regulator" });
  await expectCode(loadDecisionToSignIn(app, stranger, id), "FORBIDDEN");
  const sha256 = (await import("node:crypto")).createHash("sha256").update(toSign.pdf).digest("hex");
  await app.clock.advance(3600);
  await app.db.transaction().execute((trx) =>
    recordSignedDecision(app, trx, {
      actor: signer.actor,
      subjectId: id,
      pdf: toSign.pdf,
      sha256,
      certificateSubject: "CN=林晓",
      now: app.clock.now(),
      meta,
    }),
  );
  const decided = await readRegulatorComplaint(app, lead.actor, id);
  expect(decided).toMatchObject({ state: "decided", decision: { outcome: "partly_upheld", sha256 } });
  expect(decided.decision.sha256).toBe(sha256);
  expect(await section()).toEqual({ suspended_at: null, suspended_for_complaint_id: null }); // the decision lifted it
  const anchored = await app.db.selectFrom("anchor_queue").select("source").where("sha256", "=", sha256).executeTakeFirst();
  expect(anchored?.source).toBe("complaint-decision");
  await expectCode(
    draftComplaintDecision(app, { actor: lead.actor, complaintId: id, outcome: "dismissed", text: "改判", meta }),
    "COMPLAINT_UNEXPECTED_STATE",
  );

  // Withdrawal before the decision: only the complainant; then nothing more can be decided.
  await expectCode(withdrawComplaint(app, { actor: other.actor, complaintId: id, reason: "撤回", meta }), "NOT_FOUND");
  await expectCode(withdrawComplaint(app, { actor: bidder.actor, complaintId: id, reason: "撤回", meta }), "COMPLAINT_UNEXPECTED_STATE");
  await withdrawComplaint(app, { actor: other.actor, complaintId: second2.id, reason: "双方已协商解决。", meta });
  // The lead hears of a withdrawal too: the complainant took that step, not the lead (decision 74).
  const toLead = await app.db
    .selectFrom("notices")
    .select("kind")
    .where("organisation_id", "=", lead.organisationId)
    .where("subject_id", "=", second2.id)
    .execute();
  expect(toLead.map((n) => n.kind)).toContain("complaint_withdraw");
  await expectCode(
    draftComplaintDecision(app, { actor: lead.actor, complaintId: second2.id, outcome: "dismissed", text: "驳回", meta }),
    "COMPLAINT_UNEXPECTED_STATE",
  );

  // A third complaint, refused (不予受理).
  const third = await filedComplaint(app, { sectionId, complainant: other, regulators: [lead.organisationId], subject: "result" });
  await decideAdmission(app, { actor: lead.actor, complaintId: third.id, admit: false, reason: "投诉事项不属于本部门职责范围。", meta });

  // Every step notified the complainant's organisation in-app.
  const notices = await app.db
    .selectFrom("notices")
    .select("kind")
    .where("organisation_id", "=", bidder.organisationId)
    .orderBy("created_at")
    .execute();
  expect(notices.map((n) => n.kind)).toEqual(
    expect.arrayContaining(["complaint_accept", "complaint_suspend", "complaint_resume", "complaint_documents", "complaint_decide"]),
  );
  return { complaint, withdrawn: second2, rejected: third, lead, sha256 };
}

function loadDecisionToSignIn(app: AppContext, member: Member, id: string) {
  return app.db.transaction().execute((trx) => loadDecisionToSign(trx, member.actor, id));
}
