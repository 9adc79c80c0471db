import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "#app/domain/shared/app-error.ts";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { importCredit } from "#app/services/credit/import-credit.server.ts";
import { createProject, type SectionInput } from "#app/services/tendering/create-project.server.ts";
import { downloadTenderDocument } from "#app/services/tendering/download-tender-document.server.ts";
import { issueClarification } from "#app/services/tendering/issue-clarification.server.ts";
import { listAnnouncements } from "#app/services/tendering/list-announcements.server.ts";
import { regulatorOverview } from "#app/services/tendering/list-projects.server.ts";
import { updateRuleSet } from "#app/services/tendering/manage-rule-sets.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

/**
 * The tendering use cases on a real database, with the clock fixed at 2026-11-23 09:00 Shanghai
 * (a Monday). Boundary days of each rule are unit-tested in app/domain/tendering; here: that the
 * services enforce them with the rule set in force, and who may see what.
 */
const meta = TEST_META;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected a refusal");
}

describe("tendering services", () => {
  let app: TestApp;
  let agency: Actor, tenderer: Actor, bidder1: Actor, bidder2: Actor, blackBidder: Actor, bannedBidder: Actor, pending: Actor;
  let regulator: Actor, farRegulator: Actor, operator: Actor;
  let tendererOrgId: string;
  let seq = 0;
  const nextCode = () => `E3501002026${String(++seq).padStart(4, "0")}`;

  const mk = async (
    name: string,
    kinds: ("bidder" | "agency" | "tenderer" | "regulator" | "operator")[],
    regionCode = "350100",
    status: "approved" | "pending" = "approved",
  ) => {
    const roles = kinds.includes("bidder") ? (["admin", "bid"] as const) : (["admin", "operate"] as const);
    const { organisation, person } = await createOrganisationWithMember(app.db, {
      organisation: { name, kinds, regionCode, status },
      person: { name, email: `${name}@example.cn` },
      roles: [...roles],
    });
    return { actor: await actorOf(app.db, person.id), organisation };
  };

  const now = () => app.clock.now();

  async function newProject(
    options: { type?: "engineering" | "government"; mandatory?: boolean; sections?: SectionInput[]; regionCode?: string } = {},
  ) {
    const type = options.type ?? "engineering";
    const regionCode = options.regionCode ?? "350100";
    const code = `E${regionCode}2026${String(++seq).padStart(4, "0")}`;
    const method = type === "engineering" ? "comprehensiveEvaluation" : "comprehensiveScoring";
    const sections = options.sections ?? [
      sectionTerms({ name: "施工一标段", from: now(), deadlineDays: 25, evaluationMethod: method }),
      sectionTerms({ name: "施工二标段", from: now(), deadlineDays: 25, evaluationMethod: method }),
    ];
    const { projectId, sectionIds } = await createProject(app, {
      actor: agency,
      project: {
        code,
        name: `福州滨海新城道路工程 ${seq}`,
        regionCode,
        procurementType: type,
        mandatoryTendering: options.mandatory ?? true,
        description: "道路、排水及照明工程",
        tendererOrganisationId: tendererOrgId,
      },
      sections,
      meta,
    });
    return { projectId, sectionIds, code };
  }

  async function publishedProject(options: Parameters<typeof newProject>[0] = {}) {
    const p = await newProject(options);
    const { documentId } = await uploadTenderDocument(app, {
      actor: agency,
      projectId: p.projectId,
      title: "招标文件",
      filename: "zbwj.pdf",
      bytes: tinyPdf(p.code),
      meta,
    });
    await publishProject(app, { actor: agency, projectId: p.projectId, announcement: { title: "招标公告", body: "欢迎投标" }, meta });
    return { ...p, documentId };
  }

  beforeAll(async () => {
    app = await createTestApp();
    agency = (await mk("福州建工招标代理", ["agency"])).actor;
    const t = await mk("福州城投集团", ["tenderer"]);
    tenderer = t.actor;
    tendererOrgId = t.organisation.id;
    bidder1 = (await mk("海峡建设", ["bidder"])).actor;
    bidder2 = (await mk("闽江路桥", ["bidder"])).actor;
    blackBidder = (await mk("失信建筑", ["bidder"])).actor;
    bannedBidder = (await mk("串标建设", ["bidder"])).actor;
    pending = (await mk("待审建材", ["bidder"], "350300", "pending")).actor;
    regulator = (await mk("福州市住建局", ["regulator"])).actor;
    farRegulator = (await mk("厦门市住建局", ["regulator"], "350200")).actor;
    operator = (await mk("交易中心", ["operator"], "350000")).actor;
    await importCredit(app, {
      actor: operator,
      filename: "credit.csv",
      content: [
        "uscc,grade,effective_from,effective_to,source,reason,ban_scope,ban_until",
        `${blackBidder.membership.organisationUscc},black,2026-01-05,,福州市中级人民法院,列入失信被执行人名单,,`,
        `${bannedBidder.membership.organisationUscc},,2026-06-01,,福州市住房和城乡建设局,招标投标法第五十三条（串通投标）,engineering,2027-05-31`,
        `${bidder2.membership.organisationUscc},,2026-06-01,,福建省财政厅,政府采购法第七十七条,government,2027-05-31`,
      ].join("\n"),
      meta,
    });
  });
  afterAll(() => app?.close());

  describe("creating a project", () => {
    it("creates a draft project with numbered sections that only its parties can see", async () => {
      const { projectId, sectionIds, code } = await newProject();
      expect(sectionIds).toHaveLength(2);
      const view = await readProject(app, agency, projectId);
      expect(view.sections.map((s) => [s.code, s.phase])).toEqual([
        [`${code}001`, "draft"],
        [`${code}002`, "draft"],
      ]);
      expect(view.canManage).toBe(true);
      expect((await refusal(readProject(app, null, projectId))).code).toBe("NOT_FOUND");
      expect((await refusal(readProject(app, bidder1, projectId))).code).toBe("NOT_FOUND");
      expect((await readProject(app, tenderer, projectId)).relation).toBe("tenderer");
    });

    it("refuses a bid security above 2% of the estimate, naming the cap and the rule", async () => {
      const s = sectionTerms({ name: "一标段", from: now(), deadlineDays: 25, estimateFen: 1_000_000_000n, securityFen: 20_000_001n });
      const e = await refusal(newProject({ sections: [s] }));
      expect(e.code).toBe("BID_SECURITY_TOO_HIGH");
      expect(e.messageIn("zh-CN")).toContain("200,000.00");
      expect(e.messageIn("zh-CN")).toContain("招标投标法实施条例第二十六条");
    });

    it("refuses an evaluation method of the other procurement type, security without guarantees, and a code of another region", async () => {
      const gpMethod = sectionTerms({ name: "一标段", from: now(), deadlineDays: 25, evaluationMethod: "comprehensiveScoring" });
      expect((await refusal(newProject({ sections: [gpMethod] }))).code).toBe("EVALUATION_METHOD_INVALID");
      const noGuarantee = { ...sectionTerms({ name: "一标段", from: now(), deadlineDays: 25 }), securityForms: ["transfer" as const] };
      expect((await refusal(newProject({ sections: [noGuarantee] }))).code).toBe("SECURITY_FORMS_INVALID");
      const e = await refusal(
        createProject(app, {
          actor: agency,
          project: {
            code: "E3502002026000001",
            name: "x",
            regionCode: "350100",
            procurementType: "engineering",
            mandatoryTendering: true,
            description: "",
            tendererOrganisationId: tendererOrgId,
          },
          sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 25 })],
          meta,
        }),
      );
      expect(e.code).toBe("PROJECT_CODE_INVALID");
    });

    it("lets a tenderer tender by itself, and no bidder create a project", async () => {
      const { projectId } = await createProject(app, {
        actor: tenderer,
        project: {
          code: nextCode(),
          name: "自行招标项目",
          regionCode: "350100",
          procurementType: "engineering",
          mandatoryTendering: false,
          description: "",
        },
        sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 25 })],
        meta,
      });
      const view = await readProject(app, tenderer, projectId);
      expect(view.project.agency).toBeNull();
      expect(view.canManage).toBe(true);
      const e = await refusal(
        createProject(app, {
          actor: bidder1,
          project: {
            code: nextCode(),
            name: "x",
            regionCode: "350100",
            procurementType: "engineering",
            mandatoryTendering: true,
            description: "",
          },
          sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 25 })],
          meta,
        }),
      );
      expect(e.code).toBe("FORBIDDEN");
    });
  });

  describe("publishing", () => {
    it("needs tender documents, as a PDF", async () => {
      const { projectId } = await newProject();
      const e = await refusal(publishProject(app, { actor: agency, projectId, announcement: { title: "t", body: "b" }, meta }));
      expect(e.code).toBe("TENDER_DOCUMENTS_MISSING");
      const notPdf = await refusal(
        uploadTenderDocument(app, {
          actor: agency,
          projectId,
          title: "招标文件",
          filename: "a.docx",
          bytes: new TextEncoder().encode("PK\u0003\u0004"),
          meta,
        }),
      );
      expect(notPdf.code).toBe("NOT_A_PDF");
      const other = await refusal(
        uploadTenderDocument(app, { actor: bidder1, projectId, title: "x", filename: "a.pdf", bytes: tinyPdf(), meta }),
      );
      expect(other.code).toBe("FORBIDDEN");
    });

    it("refuses a deadline less than 20 days after issuing the documents for a project that must be tendered, naming the earliest deadline", async () => {
      const { projectId } = await newProject({ sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 19 })] });
      await uploadTenderDocument(app, { actor: agency, projectId, title: "招标文件", filename: "a.pdf", bytes: tinyPdf(), meta });
      const e = await refusal(publishProject(app, { actor: agency, projectId, announcement: { title: "t", body: "b" }, meta }));
      expect(e.code).toBe("DOCUMENTS_TO_DEADLINE_TOO_SHORT");
      // The 20th day, 2026-12-13, is a Sunday: the period ends on Monday 12-14 (民法典 203).
      expect(e.params).toMatchObject({
        issuedOn: "2026-11-23",
        deadlineOn: "2026-12-12",
        days: 19,
        requiredDays: 20,
        earliestDeadlineOn: "2026-12-14",
        source: "招标投标法第二十四条",
        countingSource: "民法典第二百零一条、第二百零三条",
        provisionalZh: "",
      });
      expect(e.messageIn("zh-CN")).toContain("投标截止日最早为 2026-12-14");
      expect((await readProject(app, agency, projectId)).sections[0]!.phase).toBe("draft");
    });

    it("allows a deadline on the period's last day, moved off a Sunday, and a shorter period where tendering is not mandatory", async () => {
      const { projectId } = await newProject({ sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 20 })] });
      await uploadTenderDocument(app, { actor: agency, projectId, title: "招标文件", filename: "a.pdf", bytes: tinyPdf(), meta });
      const sunday = await refusal(publishProject(app, { actor: agency, projectId, announcement: { title: "t", body: "b" }, meta }));
      expect(sunday.params).toMatchObject({ days: 20, deadlineOn: "2026-12-13", earliestDeadlineOn: "2026-12-14" });
      await publishedProject({ sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 21 })] });
      await publishedProject({ mandatory: false, sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 10 })] });
    });

    it("counts the government procurement sale period in working days", async () => {
      const gp = (saleDays: number) =>
        sectionTerms({ name: "一包", from: now(), deadlineDays: 25, saleDays: saleDays - 1, evaluationMethod: "lowestPrice" });
      // Mon 23 Nov → Fri 27 Nov: 4 working days after the start day.
      const { projectId } = await newProject({ type: "government", sections: [gp(5)] });
      await uploadTenderDocument(app, { actor: agency, projectId, title: "采购文件", filename: "a.pdf", bytes: tinyPdf(), meta });
      const e = await refusal(publishProject(app, { actor: agency, projectId, announcement: { title: "t", body: "b" }, meta }));
      expect(e.code).toBe("DOCUMENTS_ON_SALE_TOO_SHORT");
      expect(e.params).toMatchObject({ count: 4, required: 5, unitZh: "个工作日", earliestEndOn: "2026-11-30" });
      expect(e.messageIn("zh-CN")).toContain("不得少于 5 个工作日");
      await publishedProject({ type: "government", sections: [gp(8)] });
    });

    it("reads the rule set in force from the database", async () => {
      await updateRuleSet(app, {
        actor: operator,
        procurementType: "engineering",
        change: {
          documentsToDeadlineDays: 22,
          documentsOnSaleCount: 5,
          documentsOnSaleUnit: "calendarDays",
          clarificationLeadDays: 15,
          documentObjectionLeadDays: 10,
          bidSecurityMaxBasisPoints: 200,
          performanceSecurityMaxBasisPoints: 1000,
          minimumBids: 3,
        },
        note: "测试：提高至 22 日",
        meta,
      });
      try {
        const { projectId } = await newProject({ sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 21 })] });
        await uploadTenderDocument(app, { actor: agency, projectId, title: "招标文件", filename: "a.pdf", bytes: tinyPdf(), meta });
        const e = await refusal(publishProject(app, { actor: agency, projectId, announcement: { title: "t", body: "b" }, meta }));
        expect(e.params).toMatchObject({ requiredDays: 22, days: 21 });
        const bidder = await refusal(
          updateRuleSet(app, { actor: agency, procurementType: "engineering", change: {} as never, note: "x", meta }),
        );
        expect(bidder.code).toBe("FORBIDDEN");
      } finally {
        await updateRuleSet(app, {
          actor: operator,
          procurementType: "engineering",
          change: {
            documentsToDeadlineDays: 20,
            documentsOnSaleCount: 5,
            documentsOnSaleUnit: "calendarDays",
            clarificationLeadDays: 15,
            documentObjectionLeadDays: 10,
            bidSecurityMaxBasisPoints: 200,
            performanceSecurityMaxBasisPoints: 1000,
            minimumBids: 3,
          },
          note: "恢复",
          meta,
        });
      }
      const versions = await app.db.selectFrom("rule_sets").select("version").where("procurement_type", "=", "engineering").execute();
      expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3]);
    });
  });

  describe("the public and the parties", () => {
    let project: Awaited<ReturnType<typeof publishedProject>>;
    beforeAll(async () => {
      project = await publishedProject();
    });

    it("lists published projects with filters by text, region, procurement type and phase", async () => {
      const all = await listAnnouncements(app, {});
      expect(all.items.map((i) => i.id)).toContain(project.projectId);
      const mine = all.items.find((i) => i.id === project.projectId)!;
      expect(mine.sections.map((s) => s.phase)).toEqual(["published", "published"]);
      expect((await listAnnouncements(app, { q: project.code })).items.map((i) => i.id)).toEqual([project.projectId]);
      expect((await listAnnouncements(app, { region: "350000" })).items.map((i) => i.id)).toContain(project.projectId);
      expect((await listAnnouncements(app, { region: "350200" })).items.map((i) => i.id)).not.toContain(project.projectId);
      expect((await listAnnouncements(app, { type: "government" })).items.map((i) => i.id)).not.toContain(project.projectId);
      expect((await listAnnouncements(app, { phase: "opening" })).items.map((i) => i.id)).not.toContain(project.projectId);
    });

    it("shows the public the documents' SHA-256 but not the files, nor who registered", async () => {
      await registerForSection(app, { actor: bidder1, sectionId: project.sectionIds[0]!, meta });
      const view = await readProject(app, null, project.projectId);
      expect(view.documents).toHaveLength(1);
      expect(view.documents[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(view.documents[0]!.canDownload).toBe(false);
      expect(view.documents[0]!.downloadedBy).toBeNull();
      expect(view.registrations).toBeNull();
      expect(JSON.stringify(view)).not.toContain(bidder1.membership.organisationName);
    });

    it("registers a bidder once, and another bidder cannot learn who registered", async () => {
      const again = await refusal(registerForSection(app, { actor: bidder1, sectionId: project.sectionIds[0]!, meta }));
      expect(again.code).toBe("ALREADY_REGISTERED");
      const own = await readProject(app, bidder1, project.projectId);
      expect(own.sections.map((s) => s.registered)).toEqual([true, false]);
      expect(own.registrations).toBeNull();
      const other = await readProject(app, bidder2, project.projectId);
      expect(other.sections.map((s) => s.registered)).toEqual([false, false]);
      expect(other.registrations).toBeNull();
      expect(other.documents[0]!.downloadedBy).toBeNull();
      expect(JSON.stringify(other)).not.toContain(bidder1.membership.organisationName);
    });

    it("lists the registrations to the agency, the tenderer and the regulator of the region only", async () => {
      for (const a of [agency, tenderer, regulator]) {
        const view = await readProject(app, a, project.projectId);
        expect(view.registrations?.map((r) => r.organisation)).toEqual([bidder1.membership.organisationName]);
      }
      expect((await readProject(app, farRegulator, project.projectId)).registrations).toBeNull();
    });

    it("refuses an organisation not approved, a black-rated one and one banned in scope, saying why", async () => {
      const sectionId = project.sectionIds[1]!;
      const notApproved = await refusal(registerForSection(app, { actor: pending, sectionId, meta }));
      expect(notApproved.code).toBe("ORGANISATION_NOT_APPROVED");
      const black = await refusal(registerForSection(app, { actor: blackBidder, sectionId, meta }));
      expect(black.code).toBe("CREDIT_BLACK");
      expect(black.messageIn("zh-CN")).toContain("福州市中级人民法院");
      expect(black.messageIn("zh-CN")).toContain("2026/01/05");
      expect(black.messageIn("zh-CN")).toContain("列入失信被执行人名单");
      const banned = await refusal(registerForSection(app, { actor: bannedBidder, sectionId, meta }));
      expect(banned.code).toBe("CREDIT_BANNED");
      expect(banned.messageIn("zh-CN")).toContain("招标投标法第五十三条");
      expect(banned.messageIn("zh-CN")).toContain("2027/06/01");
      // bidder2's ban covers government procurement only: this is an engineering project.
      await registerForSection(app, { actor: bidder2, sectionId, meta });
      const refused = await app.db.selectFrom("audit_log").select("type").where("type", "=", "section.registration_refused").execute();
      expect(refused).toHaveLength(2);
    });

    it("gives the file to registered bidders and the parties, records each download, and refuses the others", async () => {
      const before = await app.db.selectFrom("document_downloads").select("id").execute();
      const got = await downloadTenderDocument(app, { actor: bidder1, documentId: project.documentId, meta });
      expect(await text(got.stream)).toContain(project.code);
      expect(got.filename).toBe("zbwj.pdf");
      await (await downloadTenderDocument(app, { actor: regulator, documentId: project.documentId, meta })).stream.destroy();
      const unregistered = await refusal(downloadTenderDocument(app, { actor: blackBidder, documentId: project.documentId, meta }));
      expect(unregistered.code).toBe("TENDER_DOCUMENT_RESTRICTED");
      const after = await app.db.selectFrom("document_downloads").select(["organisation_id"]).execute();
      expect(after.length - before.length).toBe(2);
      expect((await readProject(app, agency, project.projectId)).documents[0]!.downloadedBy).toBe(2);
    });

    it("shows the regulator its jurisdiction's projects, openings to come and sections by phase", async () => {
      const overview = await regulatorOverview(app, regulator);
      expect(overview.projects.map((p) => p.id)).toContain(project.projectId);
      expect(overview.byPhase.published).toBeGreaterThanOrEqual(2);
      expect(overview.documents.some((d) => d.projectId === project.projectId)).toBe(true);
      const far = await regulatorOverview(app, farRegulator);
      expect(far.projects.map((p) => p.id)).not.toContain(project.projectId);
      expect((await refusal(regulatorOverview(app, bidder1))).code).toBe("FORBIDDEN");
    });
  });

  describe("clarifications", () => {
    it("refuses a late clarification affecting preparation until the deadline moves, and records both deadlines", async () => {
      const p = await publishedProject({ sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 21 })] });
      const sectionId = p.sectionIds[0]!;
      const early = await issueClarification(app, {
        actor: agency,
        sectionId,
        title: "第1号澄清",
        body: "工程量清单更正",
        affectsPreparation: true,
        meta,
      });
      expect(early.sequence).toBe(1);

      await app.clock.advance(10 * 86400); // 2026-12-03: 11 days before the 2026-12-14 deadline
      const late = await refusal(
        issueClarification(app, { actor: agency, sectionId, title: "第2号澄清", body: "图纸修改", affectsPreparation: true, meta }),
      );
      expect(late.code).toBe("CLARIFICATION_TOO_LATE");
      expect(late.params).toMatchObject({
        issuedOn: "2026-12-03",
        deadlineOn: "2026-12-14",
        days: 11,
        requiredDays: 15,
        earliestDeadlineOn: "2026-12-18",
      });
      const notFarEnough = await refusal(
        issueClarification(app, {
          actor: agency,
          sectionId,
          title: "第2号澄清",
          body: "图纸修改",
          affectsPreparation: true,
          newDeadlineAt: new Date("2026-12-17T09:30:00+08:00"),
          meta,
        }),
      );
      expect(notFarEnough.code).toBe("CLARIFICATION_TOO_LATE");
      const earlier = await refusal(
        issueClarification(app, {
          actor: agency,
          sectionId,
          title: "x",
          body: "x",
          affectsPreparation: false,
          newDeadlineAt: new Date("2026-12-10T09:30:00+08:00"),
          meta,
        }),
      );
      expect(earlier.code).toBe("DEADLINE_MOVE_INVALID");
      // One that does not affect preparation may come late.
      await issueClarification(app, {
        actor: agency,
        sectionId,
        title: "第2号澄清",
        body: "开标地点说明",
        affectsPreparation: false,
        meta,
      });
      const { documentId } = await uploadTenderDocument(app, {
        actor: agency,
        projectId: p.projectId,
        title: "招标文件（修改版）",
        filename: "v2.pdf",
        bytes: tinyPdf("v2"),
        meta,
      });
      expect((await readProject(app, null, p.projectId)).documents.map((d) => d.version)).toEqual([1]);
      const moved = await issueClarification(app, {
        actor: agency,
        sectionId,
        title: "第3号澄清",
        body: "图纸修改，投标截止时间顺延",
        affectsPreparation: true,
        newDeadlineAt: new Date("2026-12-18T09:30:00+08:00"),
        documentId,
        meta,
      });
      expect(moved.sequence).toBe(3);
      const view = await readProject(app, null, p.projectId);
      expect(view.sections[0]!.deadlineAt).toEqual(new Date("2026-12-18T09:30:00+08:00"));
      expect(view.documents.map((d) => d.version)).toEqual([1, 2]);
      expect(view.clarifications.map((c) => [c.sequence, c.oldDeadlineAt.toISOString(), c.newDeadlineAt?.toISOString() ?? null])).toEqual([
        [1, "2026-12-14T01:30:00.000Z", null],
        [2, "2026-12-14T01:30:00.000Z", null],
        [3, "2026-12-14T01:30:00.000Z", "2026-12-18T01:30:00.000Z"],
      ]);
      const overview = await regulatorOverview(app, regulator);
      expect(overview.moves.map((m) => m.title)).toContain("第3号澄清");
      expect(
        (await refusal(issueClarification(app, { actor: bidder1, sectionId, title: "x", body: "x", affectsPreparation: false, meta })))
          .code,
      ).toBe("FORBIDDEN");
    });

    it("closes registration and clarifications at the deadline", async () => {
      const p = await publishedProject({ sections: [sectionTerms({ name: "一标段", from: now(), deadlineDays: 21 })] });
      await app.clock.advance(22 * 86400);
      const e = await refusal(registerForSection(app, { actor: bidder1, sectionId: p.sectionIds[0]!, meta }));
      expect(e.code).toBe("SECTION_UNEXPECTED_PHASE");
      expect(e.messageIn("zh-CN")).toContain("开标");
      const c = await refusal(
        issueClarification(app, { actor: agency, sectionId: p.sectionIds[0]!, title: "x", body: "x", affectsPreparation: false, meta }),
      );
      expect(c.code).toBe("SECTION_UNEXPECTED_PHASE");
    });
  });

  it("leaves an intact audit chain", async () => {
    expect((await verifyAuditChain(app.db)).ok).toBe(true);
  });
});
