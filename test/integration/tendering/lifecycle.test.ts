import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorCode } from "#app/domain/shared/app-error.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid, withdrawBid } from "#app/services/bidding/submit-bid.server.ts";
import { listBidSecurities, overdueBidSecurities, settleBidSecurity } from "#app/services/guarantee/bid-securities.server.ts";
import { listNotices, readNotice } from "#app/services/notices/read-notices.server.ts";
import { clarificationsDue, readClarificationReceipts } from "#app/services/tendering/clarification-receipts.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { downloadTenderDocument } from "#app/services/tendering/download-tender-document.server.ts";
import { issueClarification } from "#app/services/tendering/issue-clarification.server.ts";
import {
  publishPrequalification,
  publishPrequalificationResult,
  readPrequalification,
  recordPrequalificationItem,
} from "#app/services/tendering/prequalification.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { terminateTender } from "#app/services/tendering/terminate-tender.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { enrol, organisationWithMember, sealBid, type Enrolment, type Member } from "../bidding/helpers/bids.ts";
import { advanceTo } from "../opening/helpers.ts";
import { createTestApp, TEST_META as meta, type TestApp } from "../helpers/test-app.ts";

/**
 * Issue 12 on a real PostgreSQL, the clock fixed at Monday 2026-11-23 09:00 Shanghai: clarifications
 * per project with notices, mail and read receipts; termination; bid securities to their return;
 * prequalification. Boundary days of each rule are unit-tested in app/domain; here, that the
 * services apply them per section and per procurement type, and who sees what.
 */
const at = (iso: string) => new Date(`${iso}+08:00`);

async function refusal(p: Promise<unknown>): Promise<{ code: ErrorCode; params: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code: ErrorCode; params: Record<string, unknown> };
  }
  throw new Error("expected a refusal");
}

describe("clarifications, termination, bid securities, prequalification", () => {
  let app: TestApp;
  let agency: Member, tenderer: Member, regulator: Member, farRegulator: Member;
  let b1: Member, b2: Member, b3: Member;
  let cert1: Enrolment, cert2: Enrolment;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-lifecycle-"));
  let seq = 0;

  async function project(type: "engineering" | "government", sections: { name: string; deadlineDays: number }[]) {
    const code = `E3501002026${String(900 + ++seq)}`;
    const method = type === "engineering" ? "comprehensiveEvaluation" : "comprehensiveScoring";
    const { projectId, sectionIds } = await createProject(app, {
      actor: agency.actor,
      project: {
        code,
        name: `闽江口湿地公园工程 ${seq}`,
        regionCode: "350100",
        procurementType: type,
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tenderer.organisationId,
      },
      sections: sections.map((s) =>
        sectionTerms({ name: s.name, from: app.clock.now(), deadlineDays: s.deadlineDays, evaluationMethod: method }),
      ),
      meta,
    });
    return { projectId, sectionIds, code };
  }

  async function published(type: "engineering" | "government", sections: { name: string; deadlineDays: number }[]) {
    const p = await project(type, sections);
    const { documentId } = await uploadTenderDocument(app, {
      actor: agency.actor,
      projectId: p.projectId,
      title: "招标文件",
      filename: "zbwj.pdf",
      bytes: tinyPdf(p.code),
      meta,
    });
    await publishProject(app, { actor: agency.actor, projectId: p.projectId, announcement: { title: "招标公告", body: "欢迎投标" }, meta });
    return { ...p, documentId };
  }

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    regulator = await organisationWithMember(app, { name: "福州市住建局", kinds: ["regulator"], roles: ["operate"] });
    farRegulator = await organisationWithMember(app, {
      name: "厦门市住建局",
      kinds: ["regulator"],
      roles: ["operate"],
      regionCode: "350200",
    });
    b1 = await organisationWithMember(app, { name: "海峡建设", kinds: ["bidder"], roles: ["admin", "bid"] });
    b2 = await organisationWithMember(app, { name: "闽江路桥", kinds: ["bidder"], roles: ["admin", "bid"] });
    b3 = await organisationWithMember(app, { name: "榕城市政", kinds: ["bidder"], roles: ["admin", "bid"] });
    [cert1, cert2] = [await enrol(app, b1), await enrol(app, b2)];
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("a clarification belongs to the project", () => {
    let p: Awaited<ReturnType<typeof published>>;
    let clarificationId: string;

    it("checks the 15 days against every section it affects, naming the one that falls short", async () => {
      // Section 1: deadline 2026-12-18; section 2: 2027-01-02 (published 2026-11-23).
      p = await published("engineering", [
        { name: "一标段", deadlineDays: 25 },
        { name: "二标段", deadlineDays: 40 },
      ]);
      await registerForSection(app, { actor: b1.actor, sectionId: p.sectionIds[0]!, meta });
      await registerForSection(app, { actor: b2.actor, sectionId: p.sectionIds[1]!, meta });
      await downloadTenderDocument(app, { actor: b2.actor, documentId: p.documentId, meta });

      // 2026-12-04: the last day for section 1 was 12-03 (the day after it); section 2 has until 12-18.
      await advanceTo(app, at("2026-12-04T10:00:00"));
      const both = await refusal(
        issueClarification(app, {
          actor: agency.actor,
          projectId: p.projectId,
          title: "工程量清单更正",
          body: "第3章",
          affectsPreparation: true,
          meta,
        }),
      );
      expect(both.code).toBe("CLARIFICATION_TOO_LATE");
      expect(both.params).toMatchObject({ section: `${p.code}001`, issuedOn: "2026-12-04", earliestDeadlineOn: "2026-12-19" });

      // Moving section 1's deadline to the day before the earliest is not enough; to the day itself is.
      const dayBefore = await refusal(
        issueClarification(app, {
          actor: agency.actor,
          projectId: p.projectId,
          title: "工程量清单更正",
          body: "第3章",
          affectsPreparation: true,
          newDeadlines: { [p.sectionIds[0]!]: at("2026-12-18T17:00:00") },
          meta,
        }),
      );
      expect(dayBefore.code).toBe("CLARIFICATION_TOO_LATE");
      const issued = await issueClarification(app, {
        actor: agency.actor,
        projectId: p.projectId,
        title: "工程量清单更正",
        body: "第3章",
        affectsPreparation: true,
        newDeadlines: { [p.sectionIds[0]!]: at("2026-12-19T09:30:00") },
        meta,
      });
      clarificationId = issued.clarificationId;
      expect(issued.sectionIds).toEqual(p.sectionIds);
      expect(issued.notified).toBe(2); // b1 (registered) and b2 (registered, downloaded); not b3
      const view = await readProject(app, null, p.projectId);
      expect(view.sections.map((s) => s.deadlineAt.toISOString())).toEqual([
        at("2026-12-19T09:30:00").toISOString(),
        at("2027-01-02T09:30:00").toISOString(),
      ]);

      // Only one section affected: the other's deadline is not looked at.
      const only2 = await issueClarification(app, {
        actor: agency.actor,
        projectId: p.projectId,
        sectionIds: [p.sectionIds[1]!],
        title: "图纸补充",
        body: "二标段图纸",
        affectsPreparation: true,
        meta,
      });
      expect(only2.sequence).toBe(2);
    });

    it("tells everyone who obtained the documents, in the platform and by mail, and records who read it", async () => {
      const n1 = (await listNotices(app, b1.actor)).filter((n) => n.kind === "clarification");
      expect(n1).toHaveLength(2);
      expect(n1.every((n) => n.readAt === null)).toBe(true);
      expect(await listNotices(app, b3.actor)).toEqual([]);
      const mails = await app.db
        .selectFrom("outbox")
        .select(["key", "payload"])
        .where("kind", "=", "mail.send")
        .where("key", "like", "notice:%")
        .execute();
      const to = mails.map((m) => (m.payload as { to: string }).to);
      expect(to).toContain(b1.email);
      expect(to).toContain(b2.email);
      expect(to).not.toContain(b3.email);

      const first = n1.find((n) => n.title.includes("第 1 号"))!;
      await advanceTo(app, at("2026-12-04T15:00:00"));
      const read = await readNotice(app, { actor: b1.actor, noticeId: first.id, meta });
      expect(read.body).toContain(`${p.code}001`);
      expect(read.readAt.toISOString()).toBe(at("2026-12-04T15:00:00").toISOString());
      await advanceTo(app, at("2026-12-04T16:00:00"));
      expect((await readNotice(app, { actor: b1.actor, noticeId: first.id, meta })).readAt.toISOString()).toBe(
        at("2026-12-04T15:00:00").toISOString(),
      ); // the first read is the receipt
      expect((await refusal(readNotice(app, { actor: b2.actor, noticeId: first.id, meta }))).code).toBe("NOT_FOUND");

      const receipts = await readClarificationReceipts(app, agency.actor, p.projectId);
      const c1 = receipts.find((c) => c.id === clarificationId)!;
      expect(c1.sections.map((s) => s.code)).toEqual([`${p.code}001`, `${p.code}002`]);
      expect(c1.sections[0]!.newDeadlineAt?.toISOString()).toBe(at("2026-12-19T09:30:00").toISOString());
      expect(c1.recipients.map((r) => [r.organisation, r.reads.map((x) => x.person)])).toEqual(
        expect.arrayContaining([
          ["海峡建设", ["海峡建设经办人"]],
          ["闽江路桥", []],
        ]),
      );
      expect((await readClarificationReceipts(app, regulator.actor, p.projectId)).length).toBe(2);
      expect((await refusal(readClarificationReceipts(app, b1.actor, p.projectId))).code).toBe("FORBIDDEN");
      expect((await refusal(readClarificationReceipts(app, farRegulator.actor, p.projectId))).code).toBe("FORBIDDEN");
    });

    it("gives the agency's dashboard the last day for a clarification without moving each deadline", async () => {
      const due = (await clarificationsDue(app, agency.actor)).filter((d) => d.project.id === p.projectId);
      expect(due.map((d) => [d.code, d.lastDayWithoutMovingDeadline, d.daysLeft])).toEqual([
        [`${p.code}001`, "2026-12-04", 0],
        [`${p.code}002`, "2026-12-18", 14],
      ]);
      expect(due[0]!.unreadNotices).toBe(3); // of 4 notices (2 clarifications × 2 organisations), b1 read one
      expect((await refusal(clarificationsDue(app, b1.actor))).code).toBe("FORBIDDEN");
    });
  });

  describe("termination and the bid securities", () => {
    let p: Awaited<ReturnType<typeof published>>;
    let sectionId: string;

    it("terminates a published tender with a reason, tells everyone registered, and stops everything", async () => {
      p = await published("engineering", [{ name: "一标段", deadlineDays: 30 }]);
      sectionId = p.sectionIds[0]!;
      for (const b of [b1, b2, b3]) await registerForSection(app, { actor: b.actor, sectionId, meta });
      for (const [b, cert, name] of [
        [b1, cert1, "t1"],
        [b2, cert2, "t2"],
      ] as const) {
        const sealed = await sealBid({
          dir,
          name,
          sectionId,
          bidder: { uscc: b.actor.membership.organisationUscc, name: b.actor.membership.organisationName },
          fields: {
            price: "900000000",
            durationDays: 365,
            quality: "合格",
            projectManager: { name: "王建国", idNumber: "11010519491231002X" },
          },
          signer: cert,
          recipients: [cert.certificatePem],
          sealedAt: app.clock.now(),
        });
        // One declares its guarantee beside the envelope (decision 16), the other only inside it.
        const security = b === b1 ? { kind: "guarantee" as const, reference: "BG-2026-0001" } : undefined;
        await submitBid(app, {
          actor: b.actor,
          sectionId,
          envelopePath: sealed.envelopePath,
          packageDigest: sealed.packageDigest,
          security,
          meta,
        });
      }
      await withdrawBid(app, { actor: b2.actor, sectionId, meta });

      // Sealed until the deadline or a termination: nobody sees a security yet.
      expect(await listBidSecurities(app, agency.actor, p.projectId)).toEqual([]);

      expect((await refusal(terminateTender(app, { actor: b1.actor, projectId: p.projectId, reason: "资金未落实", meta }))).code).toBe(
        "FORBIDDEN",
      );
      expect((await refusal(terminateTender(app, { actor: agency.actor, projectId: p.projectId, reason: " ", meta }))).code).toBe(
        "VALIDATION_FAILED",
      );
      await advanceTo(app, at("2026-12-09T10:00:00")); // a Wednesday
      const t = await terminateTender(app, { actor: tenderer.actor, projectId: p.projectId, reason: "项目资金未落实，终止招标", meta });
      expect(t).toEqual({ sectionIds: [sectionId], notified: 3 });

      const view = await readProject(app, null, p.projectId);
      expect(view.sections[0]).toMatchObject({ phase: "cancelled", terminationReason: "项目资金未落实，终止招标" });
      expect((await refusal(registerForSection(app, { actor: b3.actor, sectionId, meta }))).code).toBe("SECTION_UNEXPECTED_PHASE");
      expect(
        (
          await refusal(
            terminateTender(app, { actor: agency.actor, projectId: p.projectId, sectionIds: [sectionId], reason: "再次终止", meta }),
          )
        ).code,
      ).toBe("SECTION_UNEXPECTED_PHASE");
      const notice = (await listNotices(app, b3.actor)).find((n) => n.kind === "termination")!;
      expect(notice.title).toContain("终止招标");
      const mails = await app.db.selectFrom("outbox").select("payload").where("key", "like", "notice:%").execute();
      expect(mails.some((m) => (m.payload as { body: string }).body.includes("招标投标法实施条例》第三十一条"))).toBe(true);
    });

    it("tracks each security to its return: due 5 days after the termination, overdue after, flagged to the regulator", async () => {
      const list = await listBidSecurities(app, agency.actor, p.projectId);
      expect(list.map((s) => [s.organisation, s.form, s.event, s.lastDay, s.status])).toEqual([
        ["海峡建设", "guarantee", "termination", "2026-12-14", "due"],
        ["闽江路桥", "undeclared", "termination", "2026-12-14", "due"],
      ]);
      expect(list[0]!.source?.zh).toContain("第三十一条");
      expect(await overdueBidSecurities(app, regulator.actor)).toEqual([]);

      await advanceTo(app, at("2026-12-14T23:59:00")); // the last day
      expect(await overdueBidSecurities(app, regulator.actor)).toEqual([]);
      await advanceTo(app, at("2026-12-15T00:00:00")); // the day after
      const overdue = await overdueBidSecurities(app, regulator.actor);
      expect(overdue.map((s) => s.organisation).sort()).toEqual(["海峡建设", "闽江路桥"]);
      expect(await overdueBidSecurities(app, farRegulator.actor)).toEqual([]);
      expect((await refusal(overdueBidSecurities(app, agency.actor))).code).toBe("FORBIDDEN");

      const [s1, s2] = list;
      const forfeit = await refusal(
        settleBidSecurity(app, {
          actor: agency.actor,
          bidId: s2!.bidId,
          outcome: "forfeited",
          ground: "revokedAfterDeadline",
          note: "",
          meta,
        }),
      );
      expect(forfeit.code).toBe("BID_SECURITY_FORFEITURE_REFUSED");
      expect(forfeit.params).toMatchObject({ source: "招标投标法实施条例第三十五条" });
      expect((await refusal(settleBidSecurity(app, { actor: b1.actor, bidId: s1!.bidId, outcome: "returned", note: "", meta }))).code).toBe(
        "FORBIDDEN",
      );
      await settleBidSecurity(app, {
        actor: agency.actor,
        bidId: s1!.bidId,
        outcome: "returned",
        settledAt: at("2026-12-14T16:00:00"),
        note: "保函已解除",
        meta,
      });
      await settleBidSecurity(app, { actor: agency.actor, bidId: s2!.bidId, outcome: "returned", note: "保函已解除", meta });
      expect(
        (await refusal(settleBidSecurity(app, { actor: agency.actor, bidId: s2!.bidId, outcome: "returned", note: "", meta }))).code,
      ).toBe("BID_SECURITY_ALREADY_SETTLED");
      const after = await listBidSecurities(app, regulator.actor, p.projectId);
      expect(after.map((s) => s.status)).toEqual(["returned", "returnedLate"]);
      expect(await overdueBidSecurities(app, regulator.actor)).toEqual([]);
    });

    it("government procurement: terminated on a Wednesday, the tenderer has 5 working days", async () => {
      const gp = await published("government", [{ name: "一包", deadlineDays: 30 }]);
      await registerForSection(app, { actor: b1.actor, sectionId: gp.sectionIds[0]!, meta });
      const t = await terminateTender(app, { actor: agency.actor, projectId: gp.projectId, reason: "采购需求发生重大变化", meta });
      expect(t.notified).toBe(1);
      const body = (await listNotices(app, b1.actor)).find((n) => n.kind === "termination" && n.project.code === gp.code)!;
      expect((await readNotice(app, { actor: b1.actor, noticeId: body.id, meta })).body).toContain("87号令）第二十九条");
    });
  });

  describe("prequalification", () => {
    it("publishes the announcement only with the statutory sale and application periods, per procurement type", async () => {
      // Now 2026-12-15 (Tuesday). Engineering: sale from the 16th, 5 days → Monday 12-21.
      const eng = await project("engineering", [{ name: "一标段", deadlineDays: 60 }]);
      const base = { actor: agency.actor, projectId: eng.projectId, title: "资格预审公告", body: "资格条件见资格预审文件", meta };
      const short = await refusal(
        publishPrequalification(app, {
          ...base,
          saleFrom: at("2026-12-16T09:00:00"),
          saleUntil: at("2026-12-20T17:00:00"),
          submissionDeadlineAt: at("2027-01-05T09:30:00"),
        }),
      );
      expect(short.code).toBe("PREQUALIFICATION_PERIOD_TOO_SHORT");
      expect(short.params).toMatchObject({ source: "招标投标法实施条例第十六条", limitOn: "2026-12-21" });
      // Applications at least 5 days after the sale stops on 12-21: 12-26 is a Saturday → Monday 12-28.
      const early = await refusal(
        publishPrequalification(app, {
          ...base,
          saleFrom: at("2026-12-16T09:00:00"),
          saleUntil: at("2026-12-21T17:00:00"),
          submissionDeadlineAt: at("2026-12-27T09:30:00"),
        }),
      );
      expect(early.params).toMatchObject({ source: "招标投标法实施条例第十七条", limitOn: "2026-12-28" });
      await publishPrequalification(app, {
        ...base,
        saleFrom: at("2026-12-16T09:00:00"),
        saleUntil: at("2026-12-21T17:00:00"),
        submissionDeadlineAt: at("2026-12-28T09:30:00"),
      });
      expect(
        (
          await refusal(
            publishPrequalification(app, {
              ...base,
              saleFrom: at("2026-12-16T09:00:00"),
              saleUntil: at("2026-12-21T17:00:00"),
              submissionDeadlineAt: at("2026-12-28T09:30:00"),
            }),
          )
        ).code,
      ).toBe("PREQUALIFICATION_EXISTS");

      // GP: 5 working days from Wednesday 12-16 → 12-23; applications 5 working days later, across New Year 2027 (provisional): 12-30.
      const gp = await project("government", [{ name: "一包", deadlineDays: 60 }]);
      const gpBase = { ...base, projectId: gp.projectId };
      const gpShort = await refusal(
        publishPrequalification(app, {
          ...gpBase,
          saleFrom: at("2026-12-16T09:00:00"),
          saleUntil: at("2026-12-22T17:00:00"),
          submissionDeadlineAt: at("2027-01-15T09:30:00"),
        }),
      );
      expect(gpShort.params).toMatchObject({ limitOn: "2026-12-23", unitZh: "个工作日" });
      await publishPrequalification(app, {
        ...gpBase,
        saleFrom: at("2026-12-16T09:00:00"),
        saleUntil: at("2026-12-23T17:00:00"),
        submissionDeadlineAt: at("2026-12-30T09:30:00"),
      });
    });

    it("takes clarifications ≥ 3 days and objections ≥ 2 days before the application deadline, then the result", async () => {
      const [eng] = await app.db.selectFrom("prequalifications").select(["project_id"]).orderBy("published_at").execute();
      const projectId = eng!.project_id; // applications due 2026-12-28 09:30
      await advanceTo(app, at("2026-12-25T10:00:00")); // 3 days before: the last day for a clarification
      await recordPrequalificationItem(app, { actor: agency.actor, projectId, kind: "clarification", text: "业绩要求说明", meta });
      await advanceTo(app, at("2026-12-26T10:00:00")); // the day after it; the day itself for an objection
      const late = await refusal(
        recordPrequalificationItem(app, { actor: agency.actor, projectId, kind: "clarification", text: "资质要求修改", meta }),
      );
      expect(late.code).toBe("PREQUALIFICATION_TOO_LATE");
      expect(late.params).toMatchObject({ limitOn: "2026-12-25", source: "招标投标法实施条例第二十一条" });
      await recordPrequalificationItem(app, { actor: b1.actor, projectId, kind: "objection", text: "业绩年限要求过严", meta });
      await recordPrequalificationItem(app, {
        actor: agency.actor,
        projectId,
        kind: "clarification",
        text: "资质要求修改",
        newDeadlineAt: at("2026-12-29T09:30:00"),
        meta,
      });
      await advanceTo(app, at("2026-12-28T10:00:00")); // one day before the moved deadline: too late to object
      const objection = await refusal(recordPrequalificationItem(app, { actor: b2.actor, projectId, kind: "objection", text: "x", meta }));
      expect(objection.params).toMatchObject({ limitOn: "2026-12-27", source: "招标投标法实施条例第二十二条" });
      expect(
        (await refusal(publishPrequalificationResult(app, { actor: agency.actor, projectId, passedCount: 5, body: "", meta }))).code,
      ).toBe("PREQUALIFICATION_RESULT_NOT_DUE");
      await advanceTo(app, at("2026-12-29T10:00:00"));
      expect(
        await publishPrequalificationResult(app, {
          actor: agency.actor,
          projectId,
          passedCount: 2,
          body: "通过资格预审的申请人：2家",
          meta,
        }),
      ).toEqual({
        retender: true,
      });
      const publicView = (await readPrequalification(app, null, projectId))!;
      expect(publicView.result).toMatchObject({ passedCount: 2, retender: true });
      expect(publicView.clarifications).toHaveLength(2);
      expect(publicView.objections).toBeNull();
      expect((await readPrequalification(app, regulator.actor, projectId))!.objections).toHaveLength(1);
    });
  });
});
