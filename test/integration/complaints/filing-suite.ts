import { expect, it } from "vitest";
import { EVIDENCE_LIMITS } from "#app/domain/complaint/evidence.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { answerObjection } from "#app/services/complaints/answer-objection.server.ts";
import { fileComplaint, type FileComplaintOptions } from "#app/services/complaints/file-complaint.server.ts";
import { fileObjection } from "#app/services/complaints/file-objection.server.ts";
import { unansweredObjectionBlocks } from "#app/services/complaints/objection-blocks.server.ts";
import { listOwnComplaints, listPublicDecisions } from "#app/services/complaints/read-complaints.server.ts";
import { listNotices } from "#app/services/notices/read-notices.server.ts";
import { advanceTo } from "../opening/helpers.ts";
import { TEST_META as meta } from "../helpers/test-app.ts";
import { complaintParties, evidencePdf, file, PNG, refusal, sectionWithRegistrants, type ComplaintParties } from "./helpers.ts";

const at = (local: string) => new Date(`${local}+08:00`);

/**
 * Objections and complaints end to end through the services, on whichever database `app()` runs
 * (PostgreSQL and PGlite run the same suite). The clock starts Monday 2026-11-23 09:00 Shanghai.
 */
export function filingSuite(app: () => AppContext) {
  let p: ComplaintParties;
  let s: Awaited<ReturnType<typeof sectionWithRegistrants>>;
  const complaint = (over: Partial<FileComplaintOptions>): FileComplaintOptions => ({
    actor: p.b1.actor,
    sectionId: s.sectionId,
    subject: "documents",
    complainant: { kind: "organisation" },
    facts: "招标文件第三章设置了与项目无关的业绩要求，排斥潜在投标人。联系人张三 13812345678。",
    request: "责令修改招标文件。",
    legalBasis: "招标投标法实施条例第三十二条",
    files: [],
    meta,
    ...over,
  });
  const count = async (table: "complaints" | "complaint_files" | "complaint_regulators") =>
    Number(
      (
        await app()
          .db.selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("sets up an engineering section with two registered bidders", async () => {
    p = await complaintParties(app());
    s = await sectionWithRegistrants(app(), p);
  });

  it("refuses an objection from an organisation that never obtained the documents", async () => {
    const r = await refusal(
      fileObjection(app(), { actor: p.outsider.actor, sectionId: s.sectionId, subject: "documents", content: "异议", meta }),
    );
    expect(r.code).toBe("OBJECTION_NO_STANDING");
  });

  it("refuses an engineering objection to the opening in writing: it is raised on the spot", async () => {
    const r = await refusal(fileObjection(app(), { actor: p.b1.actor, sectionId: s.sectionId, subject: "opening", content: "异议", meta }));
    expect(r.code).toBe("OBJECTION_ON_THE_SPOT");
  });

  let objectionId: string;
  it("files an objection to the documents: the agency is told, the step stops, the answer is due in 3 days", async () => {
    const r = await fileObjection(app(), {
      actor: p.b1.actor,
      sectionId: s.sectionId,
      subject: "documents",
      content: "第三章业绩要求与项目无关。",
      meta,
    });
    objectionId = r.objectionId;
    // raised Monday 11-23: 3 days → 11-26, due before 11-27 00:00
    expect(r.answerDueAt).toEqual(at("2026-11-27T00:00:00"));
    expect(await unansweredObjectionBlocks(app().db, s.sectionId, "documents")).toHaveLength(1);
    expect(await unansweredObjectionBlocks(app().db, s.sectionId, "result")).toHaveLength(0);
    const notices = await listNotices(app(), p.agency.actor);
    expect(notices.some((n) => n.kind === "objection")).toBe(true);
    const again = await refusal(
      fileObjection(app(), { actor: p.b1.actor, sectionId: s.sectionId, subject: "documents", content: "再次", meta }),
    );
    expect(again.code).toBe("OBJECTION_ALREADY_FILED");
  });

  it("refuses a complaint while the objection's answer period runs", async () => {
    const r = await refusal(fileComplaint(app(), complaint({})));
    expect(r.code).toBe("COMPLAINT_AWAITING_ANSWER");
    expect(await count("complaints")).toBe(0);
  });

  it("only the agency answers; the answer is a platform-signed PDF sent as a notice, and the step goes on", async () => {
    const stranger = await refusal(answerObjection(app(), { actor: p.b2.actor, objectionId, answer: "不", meta }));
    expect(stranger.code).toBe("FORBIDDEN");
    await advanceTo(app(), at("2026-11-24T10:00:00"));
    const r = await answerObjection(app(), {
      actor: p.agency.actor,
      objectionId,
      answer: "经核查，业绩要求与项目规模相适应，不予修改。",
      meta,
    });
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await unansweredObjectionBlocks(app().db, s.sectionId, "documents")).toHaveLength(0);
    const row = await app().db.selectFrom("objections").selectAll().where("id", "=", objectionId).executeTakeFirstOrThrow();
    expect(row.answer_notice_id).not.toBeNull();
    const pdf = await storageFor(app()).get(row.answer_document_key!);
    const chunks: Buffer[] = [];
    for await (const c of pdf) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe("%PDF-");
    const anchored = await app()
      .db.selectFrom("anchor_queue")
      .select("sha256")
      .where("source", "=", `objection-answer:${objectionId}`)
      .execute();
    expect(anchored).toHaveLength(1);
    expect((await listNotices(app(), p.b1.actor)).some((n) => n.kind === "objection_answer")).toBe(true);
    const twice = await refusal(answerObjection(app(), { actor: p.agency.actor, objectionId, answer: "再答", meta }));
    expect(twice.code).toBe("OBJECTION_ALREADY_ANSWERED");
  });

  it("refuses a wrong-type file and an oversized one, leaving nothing behind", async () => {
    const zip = file("证据.pdf", Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]));
    const wrong = await refusal(fileComplaint(app(), complaint({ files: [evidencePdf(), zip] })));
    expect(wrong.code).toBe("EVIDENCE_TYPE_REFUSED");
    expect(wrong.params.name).toBe("证据.pdf");
    const huge = Buffer.alloc(EVIDENCE_LIMITS.fileBytes + 1);
    PNG.copy(huge);
    const big = await refusal(fileComplaint(app(), complaint({ files: [file("大.png", huge)] })));
    expect(big.code).toBe("EVIDENCE_TOO_LARGE");
    const empty = await refusal(fileComplaint(app(), complaint({ files: [file("空.pdf", Buffer.alloc(0))] })));
    expect(empty.code).toBe("EVIDENCE_TYPE_REFUSED");
    expect(await count("complaints")).toBe(0);
    expect(await count("complaint_files")).toBe(0);
  });

  let complaintId: string;
  it("files the complaint: routed to both regulators, the city's first, the receipt signed at once, the ledger write queued", async () => {
    const r = await fileComplaint(app(), complaint({ files: [evidencePdf(), file("现场照片.png", PNG)] }));
    complaintId = r.complaintId;
    expect(r.regulatorIds).toEqual([p.regulator.organisationId, p.provinceRegulator.organisationId]);
    expect(r.ledgerId).toMatch(/^0x[0-9a-f]{64}$/);
    const row = await app().db.selectFrom("complaints").selectAll().where("id", "=", complaintId).executeTakeFirstOrThrow();
    expect(row.prerequisite_objection_id).toBe(objectionId);
    expect(row.complainant_ref).toMatch(/^0x[0-9a-f]{64}$/);
    expect(row.complainant_ref).not.toContain(p.b1.organisationId);
    // answered 11-24: 10 days → 12-04 (a Friday), before 12-05 00:00
    expect(row.window_ends_at).toEqual(at("2026-12-05T00:00:00"));
    expect(await count("complaint_files")).toBe(2);
    const send = await app()
      .db.selectFrom("outbox")
      .select(["payload"])
      .where("key", "=", `complaint.file:${complaintId}`)
      .executeTakeFirstOrThrow();
    const payload = (typeof send.payload === "string" ? JSON.parse(send.payload) : send.payload) as { method: string; args: unknown[] };
    expect(payload.method).toBe("file");
    expect(payload.args[2]).toBe(`0x${row.content_sha256}`);
    expect(payload.args[4]).toEqual({ $account: p.regulator.organisationId });
    const mine = await listOwnComplaints(app(), p.b1.actor);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.regulators).toHaveLength(2);
  });

  it("refuses a duplicate of the open complaint", async () => {
    const r = await refusal(fileComplaint(app(), complaint({ files: [evidencePdf()] })));
    expect(r.code).toBe("COMPLAINT_DUPLICATE");
    expect(await count("complaints")).toBe(1);
    expect(await count("complaint_files")).toBe(2);
  });

  it("refuses a complaint with no objection first, and one without standing", async () => {
    const r = await refusal(fileComplaint(app(), complaint({ actor: p.b2.actor })));
    expect(r.code).toBe("COMPLAINT_OBJECTION_REQUIRED");
    const outsider = await refusal(
      fileComplaint(app(), complaint({ actor: p.outsider.actor, subject: "other", knownAt: at("2026-11-23T00:00:00") })),
    );
    expect(outsider.code).toBe("COMPLAINT_NO_STANDING");
  });

  it("a natural person: a checked ID number, kept only as a keyed hash; the objection rule still applies", async () => {
    const bad = await refusal(
      fileComplaint(app(), complaint({ actor: p.outsider.actor, complainant: { kind: "person", idNumber: "110105194912310021" } })),
    );
    expect(bad.code).toBe("COMPLAINT_ID_NUMBER_INVALID");
    const first = await refusal(
      fileComplaint(app(), complaint({ actor: p.outsider.actor, complainant: { kind: "person", idNumber: "11010519491231002X" } })),
    );
    expect(first.code).toBe("COMPLAINT_OBJECTION_REQUIRED");
    const r = await fileComplaint(
      app(),
      complaint({
        actor: p.outsider.actor,
        subject: "other",
        complainant: { kind: "person", idNumber: "11010519491231002x" },
        knownAt: at("2026-11-20T00:00:00"),
      }),
    );
    const row = await app().db.selectFrom("complaints").selectAll().where("id", "=", r.complaintId).executeTakeFirstOrThrow();
    expect(row.complainant_organisation_id).toBeNull();
    expect(row.id_number_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain("11010519491231002");
  });

  it("refuses a complaint after the window, naming the date it closed", async () => {
    await fileObjection(app(), { actor: p.b2.actor, sectionId: s.sectionId, subject: "documents", content: "异议二", meta });
    const b2Objection = await app()
      .db.selectFrom("objections")
      .select("id")
      .where("raised_by_organisation_id", "=", p.b2.organisationId)
      .executeTakeFirstOrThrow();
    await answerObjection(app(), { actor: p.agency.actor, objectionId: b2Objection.id, answer: "已答复。", meta });
    // answered 11-24 10:00: the window closes at 12-05 00:00
    await advanceTo(app(), at("2026-12-05T00:00:00"));
    const r = await refusal(fileComplaint(app(), complaint({ actor: p.b2.actor })));
    expect(r.code).toBe("COMPLAINT_WINDOW_CLOSED");
    expect(r.params.closedAt).toMatch(/2026.12.05/);
    expect(await count("complaints")).toBe(2);
  });

  it("the public list shows decided complaints only, with personal data removed", async () => {
    expect(await listPublicDecisions(app())).toHaveLength(0);
    await app()
      .db.updateTable("complaints")
      .set({
        accepted_at: app().clock.now(),
        decided_at: app().clock.now(),
        decision_outcome: "dismissed",
        decision_sha256: "ab".repeat(32),
      })
      .where("id", "=", complaintId)
      .execute();
    const list = await listPublicDecisions(app());
    expect(list).toHaveLength(1);
    expect(list[0]!.complainant).toBe("海峡建设");
    expect(list[0]!.facts).toContain("138****5678");
    expect(list[0]!.facts).not.toContain("13812345678");
  });
}
