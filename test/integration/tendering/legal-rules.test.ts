import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "#app/domain/shared/app-error.ts";
import type { Actor } from "#app/server/session.server.ts";
import { submitBid } from "#app/services/bidding/submit-bid.server.ts";
import { importCredit } from "#app/services/credit/import-credit.server.ts";
import { createProject, type SectionInput } from "#app/services/tendering/create-project.server.ts";
import { listRuleSets, updateRuleSet, type RuleSetChange } from "#app/services/tendering/manage-rule-sets.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

/**
 * Issue 12 on real PostgreSQL (decisions 33, 34): the operator cannot set a rule set below the law,
 * a section cannot move the minimum of 3, the bid security cap cites the section's law, and credit
 * decides registration and bidding by the most severe grade in force and by what a ban reaches;
 * blue bidders are flagged on the agency's and the regulator's registration list.
 */
const meta = TEST_META;
const LAWFUL: RuleSetChange = {
  documentsToDeadlineDays: 20,
  documentsOnSaleCount: 5,
  documentsOnSaleUnit: "calendarDays",
  clarificationLeadDays: 15,
  documentObjectionLeadDays: 10,
  bidSecurityMaxBasisPoints: 200,
  performanceSecurityMaxBasisPoints: 1000,
  minimumBids: 3,
};

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected a refusal");
}

describe("legal rules (issue 12)", () => {
  let app: TestApp;
  let agency: Actor, operator: Actor, regulator: Actor, tenderer: Actor;
  let tendererOrgId: string;
  let seq = 0;
  const bidders: Record<string, Actor> = {};

  const mk = async (name: string, kinds: ("bidder" | "agency" | "tenderer" | "regulator" | "operator")[], regionCode = "350100") => {
    const roles = kinds.includes("bidder") ? (["admin", "bid"] as const) : (["admin", "operate"] as const);
    const { organisation, person } = await createOrganisationWithMember(app.db, {
      organisation: { name, kinds, regionCode },
      person: { name, email: `${name}-${++seq}@example.cn` },
      roles: [...roles],
    });
    return { actor: await actorOf(app.db, person.id), organisation };
  };

  async function project(options: { type: "engineering" | "government"; mandatory?: boolean; sections?: Partial<SectionInput>[] }) {
    const method = options.type === "engineering" ? "comprehensiveEvaluation" : "comprehensiveScoring";
    // GP: 5 working days on sale (87号令 18) — from a Monday, 8 calendar days.
    // On sale long enough whatever weekday the test day is (decision 30: a last day on a rest day moves).
    const saleDays = options.type === "government" ? 9 : 7;
    const base = sectionTerms({ name: "一标段", from: app.clock.now(), deadlineDays: 25, evaluationMethod: method, saleDays });
    return createProject(app, {
      actor: agency,
      project: {
        code: `E3501002026${String(++seq).padStart(5, "0")}`,
        name: `法定规则测试项目 ${seq}`,
        regionCode: "350100",
        procurementType: options.type,
        mandatoryTendering: options.mandatory ?? true,
        description: "",
        tendererOrganisationId: tendererOrgId,
      },
      sections: (options.sections ?? [{}]).map((s) => ({ ...base, ...s })),
      meta,
    });
  }

  async function published(options: Parameters<typeof project>[0]) {
    const p = await project(options);
    await uploadTenderDocument(app, {
      actor: agency,
      projectId: p.projectId,
      title: "招标文件",
      filename: "a.pdf",
      bytes: tinyPdf(),
      meta,
    });
    await publishProject(app, { actor: agency, projectId: p.projectId, announcement: { title: "招标公告", body: "欢迎投标" }, meta });
    return p;
  }

  beforeAll(async () => {
    app = await createTestApp();
    agency = (await mk("福州建工招标代理", ["agency"])).actor;
    const t = await mk("福州城投集团", ["tenderer"]);
    tenderer = t.actor;
    tendererOrgId = t.organisation.id;
    operator = (await mk("交易中心", ["operator"], "350000")).actor;
    regulator = (await mk("福州市住建局", ["regulator"])).actor;
    for (const name of ["黑后转红建设", "蓝色关注建设", "串标禁入建设", "政府采购禁入商贸", "红色守信建设"])
      bidders[name] = (await mk(name, ["bidder"])).actor;
    const uscc = (name: string) => bidders[name]!.membership.organisationUscc;
    await importCredit(app, {
      actor: operator,
      filename: "credit.csv",
      content: [
        "uscc,grade,effective_from,effective_to,source,reason,ban_scope,ban_until",
        // A court's black listing, then a later red rating from another source: the black still decides.
        `${uscc("黑后转红建设")},black,2026-03-01,,福州市中级人民法院,列入失信被执行人名单,,`,
        `${uscc("黑后转红建设")},red,2026-06-01,,福建省住房和城乡建设厅,年度信用评价 AAA,,`,
        `${uscc("蓝色关注建设")},blue,2026-02-01,,福建省公共资源交易中心,重点关注名单,,`,
        `${uscc("蓝色关注建设")},red,2026-05-01,,福建省住房和城乡建设厅,年度信用评价 AAA,,`,
        `${uscc("串标禁入建设")},,2026-06-01,,福州市住房和城乡建设局,招标投标法第五十三条（串通投标）,engineering,2027-05-31`,
        `${uscc("政府采购禁入商贸")},,2026-06-01,,福建省财政厅,政府采购法第七十七条,government,2027-05-31`,
        `${uscc("红色守信建设")},red,2026-01-01,,福建省住房和城乡建设厅,年度信用评价 AAA,,`,
      ].join("\n"),
      meta,
    });
  });
  afterAll(() => app?.close());

  describe("rule sets cannot go below the law (decision 33)", () => {
    it("refuses 19 days from documents to deadline, naming the floor and its source in both languages, and keeps the version in force", async () => {
      const before = await listRuleSets(app, operator);
      const e = await refusal(
        updateRuleSet(app, {
          actor: operator,
          procurementType: "engineering",
          change: { ...LAWFUL, documentsToDeadlineDays: 19 },
          note: "缩短",
          meta,
        }),
      );
      expect(e.code).toBe("RULE_SET_LOOSER_THAN_LAW");
      expect(e.status).toBe(400);
      expect(e.messageIn("zh-CN")).toBe(
        "工程建设规则“招标文件发出至投标截止”不能设为 19 日：法律规定不少于 20 日（招标投标法第二十四条）。交易中心只能在法定标准上从严设定，不能放宽。",
      );
      expect(e.messageIn("en")).toContain("at least 20 days (Bidding Law Art 24)");
      const gp = await refusal(
        updateRuleSet(app, {
          actor: operator,
          procurementType: "government",
          change: { ...LAWFUL, documentsOnSaleUnit: "workingDays", documentsToDeadlineDays: 19 },
          note: "缩短",
          meta,
        }),
      );
      expect(gp.messageIn("zh-CN")).toContain("政府采购法第三十五条");
      expect(gp.messageIn("en")).toContain("Government Procurement Law Art 35");
      const after = await listRuleSets(app, operator);
      expect(after.map((r) => r.current.version)).toEqual(before.map((r) => r.current.version));
      const refusedAudit = await app.db.selectFrom("audit_log").select("type").where("type", "=", "rule_set.changed").execute();
      expect(refusedAudit).toHaveLength(0);
    });

    it("refuses a note with a NUL byte as bad input, not a server error", async () => {
      const e = await refusal(
        updateRuleSet(app, { actor: operator, procurementType: "engineering", change: LAWFUL, note: "从严\u0000", meta }),
      );
      expect(e.code).toBe("VALIDATION_FAILED");
      expect(e.status).toBe(400);
    });

    it("accepts exactly the floor and anything stricter", async () => {
      const { version } = await updateRuleSet(app, {
        actor: operator,
        procurementType: "engineering",
        change: { ...LAWFUL, documentsToDeadlineDays: 25, bidSecurityMaxBasisPoints: 150 },
        note: "从严",
        meta,
      });
      await updateRuleSet(app, { actor: operator, procurementType: "engineering", change: LAWFUL, note: "恢复", meta });
      expect(version).toBe(2);
    });

    it("refuses a minimum of 4 bids (and of 2): the law fixes 3", async () => {
      for (const type of ["engineering", "government"] as const) {
        const change = { ...LAWFUL, documentsOnSaleUnit: type === "government" ? "workingDays" : "calendarDays" } as const;
        const four = await refusal(
          updateRuleSet(app, { actor: operator, procurementType: type, change: { ...change, minimumBids: 4 }, note: "x", meta }),
        );
        expect(four.code).toBe("MINIMUM_BIDS_FIXED_BY_LAW");
        expect(four.messageIn("zh-CN")).toContain("最少投标人数只能为 3 家");
        expect(four.messageIn("zh-CN")).toContain(type === "engineering" ? "招标投标法第二十八条、实施条例第四十四条" : "87号令第四十一条");
        expect(four.messageIn("zh-CN")).toContain("依法应当开标的招标流标");
        expect(four.messageIn("en")).toContain(type === "engineering" ? "Bidding Law Art 28" : "MOF Order 87 Art 41");
        const two = await refusal(
          updateRuleSet(app, { actor: operator, procurementType: type, change: { ...change, minimumBids: 2 }, note: "x", meta }),
        );
        expect(two.messageIn("zh-CN")).toContain("依法不得开标的招标开标");
      }
    });

    it("refuses a bid security cap of 2.01% and a GP sale period counted in calendar days", async () => {
      const cap = await refusal(
        updateRuleSet(app, {
          actor: operator,
          procurementType: "government",
          change: { ...LAWFUL, bidSecurityMaxBasisPoints: 201 },
          note: "x",
          meta,
        }),
      );
      // The first number beyond the law is named: GP counts the sale in working days (87号令 18).
      expect(cap.params).toMatchObject({ rule: "documentsOnSale", source: "政府采购货物和服务招标投标管理办法（87号令）第十八条" });
      expect(cap.messageIn("zh-CN")).toContain("不能设为 5 日：法律规定不少于 5 个工作日");
      const onlyCap = await refusal(
        updateRuleSet(app, {
          actor: operator,
          procurementType: "government",
          change: { ...LAWFUL, documentsOnSaleUnit: "workingDays", bidSecurityMaxBasisPoints: 201 },
          note: "x",
          meta,
        }),
      );
      expect(onlyCap.messageIn("zh-CN")).toContain("不能设为 2.01%：法律规定不超过 2%（政府采购法实施条例第三十三条）");
    });
  });

  describe("a section's terms within the law", () => {
    it("refuses a section minimum of 4, naming the section and the law", async () => {
      const e = await refusal(project({ type: "government", sections: [{ minimumBids: 4 }] }));
      expect(e.code).toBe("MINIMUM_BIDS_FIXED_BY_LAW");
      expect(e.messageIn("zh-CN")).toMatch(/^标段 E\d+001：最少投标人数不能设为 4 家/);
      expect(e.messageIn("zh-CN")).toContain("87号令第四十一条");
      await project({ type: "government", sections: [{ minimumBids: 3 }] });
    });

    it("accepts a bid security of exactly 2% and refuses one fen more, citing the section's law in both languages", async () => {
      for (const type of ["engineering", "government"] as const) {
        // ¥1,000,000.00: 2% is exactly ¥20,000.00.
        await project({ type, sections: [{ estimateFen: 100_000_000n, bidSecurityFen: 2_000_000n }] });
        const e = await refusal(project({ type, sections: [{ estimateFen: 100_000_000n, bidSecurityFen: 2_000_001n }] }));
        expect(e.code).toBe("BID_SECURITY_TOO_HIGH");
        expect(e.messageIn("zh-CN")).toContain(type === "engineering" ? "招标投标法实施条例第二十六条" : "政府采购法实施条例第三十三条");
        expect(e.messageIn("en")).toContain(
          type === "engineering" ? "(Regulations on the Bidding Law Art 26)" : "(Regulations on the Government Procurement Law Art 33)",
        );
      }
    });

    it("refuses a section without electronic guarantees citing the law of its type", async () => {
      const e = await refusal(project({ type: "government", sections: [{ securityForms: ["transfer"] }] }));
      expect(e.code).toBe("SECURITY_FORMS_INVALID");
      expect(e.messageIn("zh-CN")).toContain("政府采购法实施条例第三十三条");
      const w = await refusal(project({ type: "engineering", sections: [{ securityForms: ["transfer"] }] }));
      expect(w.messageIn("en")).toContain("NDRC Fagai Fagui [2023] No. 27");
    });
  });

  describe("credit standing (decision 34)", () => {
    it("refuses registration and bidding to a black-rated bidder whose later red rating would have masked it", async () => {
      const works = await published({ type: "engineering" });
      const sectionId = works.sectionIds[0]!;
      const actor = bidders["黑后转红建设"]!;
      const e = await refusal(registerForSection(app, { actor, sectionId, meta }));
      expect(e.code).toBe("CREDIT_BLACK");
      expect(e.messageIn("zh-CN")).toContain("福州市中级人民法院");
      expect(e.messageIn("zh-CN")).toContain("2026/03/01");
      // Registered before the court's listing reached the platform, it still cannot bid.
      await app.db
        .insertInto("registrations")
        .values({
          section_id: sectionId,
          organisation_id: actor.membership.organisationId,
          registered_by: actor.personId,
          registered_at: app.clock.now(),
          credit_grade: "red",
        })
        .execute();
      const bid = await refusal(
        submitBid(app, { actor, sectionId, envelopePath: "/nonexistent.p7m", packageDigest: "0".repeat(64), meta }),
      );
      expect(bid.code).toBe("CREDIT_BLACK");
      expect(await app.db.selectFrom("bids").select("id").where("section_id", "=", sectionId).execute()).toEqual([]);
    });

    it("bars a 法 53 ban only from tenders that must be tendered by law, and a GP法 77 ban from every GP tender", async () => {
      const mandatory = await published({ type: "engineering", mandatory: true });
      const voluntary = await published({ type: "engineering", mandatory: false });
      const goods = await published({ type: "government", sections: [{ evaluationMethod: "comprehensiveScoring" }] });
      const collusion = bidders["串标禁入建设"]!;
      const gpBanned = bidders["政府采购禁入商贸"]!;
      const e = await refusal(registerForSection(app, { actor: collusion, sectionId: mandatory.sectionIds[0]!, meta }));
      expect(e.code).toBe("CREDIT_BANNED");
      expect(e.messageIn("zh-CN")).toContain("禁止参加依法必须进行招标的项目的投标活动");
      await registerForSection(app, { actor: collusion, sectionId: voluntary.sectionIds[0]!, meta });
      await registerForSection(app, { actor: collusion, sectionId: goods.sectionIds[0]!, meta });
      expect((await refusal(registerForSection(app, { actor: gpBanned, sectionId: goods.sectionIds[0]!, meta }))).code).toBe(
        "CREDIT_BANNED",
      );
      await registerForSection(app, { actor: gpBanned, sectionId: mandatory.sectionIds[0]!, meta });
      // The officials still see the ban that does not reach this tender.
      const list = (await readProject(app, agency, voluntary.projectId)).registrations!;
      expect(list.find((r) => r.uscc === collusion.membership.organisationUscc)!.creditFlags).toMatchObject([
        { kind: "ban", bars: false, grade: null },
      ]);
    });

    it("flags a blue bidder (a later red does not mask it) on the agency's, the tenderer's and the regulator's registration list", async () => {
      const p = await published({ type: "engineering" });
      const blue = bidders["蓝色关注建设"]!;
      const red = bidders["红色守信建设"]!;
      await registerForSection(app, { actor: blue, sectionId: p.sectionIds[0]!, meta });
      await registerForSection(app, { actor: red, sectionId: p.sectionIds[0]!, meta });
      for (const viewer of [agency, tenderer, regulator]) {
        const list = (await readProject(app, viewer, p.projectId)).registrations!;
        const row = list.find((r) => r.uscc === blue.membership.organisationUscc)!;
        expect(row.creditGrade).toBe("blue");
        expect(row.creditFlags).toHaveLength(1);
        expect(row.creditFlags[0]).toMatchObject({ kind: "grade", grade: "blue", bars: false });
        expect(row.creditFlags[0]!.zh).toContain("蓝（重点关注）");
        expect(row.creditFlags[0]!.zh).toContain("福建省公共资源交易中心");
        expect(row.creditFlags[0]!.en).toContain("blue (watch)");
        expect(list.find((r) => r.uscc === red.membership.organisationUscc)!.creditFlags).toEqual([]);
      }
      expect((await readProject(app, blue, p.projectId)).registrations).toBeNull();
    });
  });
});
