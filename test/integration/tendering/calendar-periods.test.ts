import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "#app/domain/shared/app-error.ts";
import { statutoryHolidays } from "#app/domain/calendar/statutory-holidays.ts";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { createProject, type SectionInput } from "#app/services/tendering/create-project.server.ts";
import { listOwnProjects, regulatorOverview } from "#app/services/tendering/list-projects.server.ts";
import { calendarWarning, loadCalendarYear, readCalendar } from "#app/services/tendering/manage-calendar.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

/**
 * Issue 12, counting periods and the calendar (decisions 0030–0032), on PostgreSQL, with the clock
 * at Monday 2026-12-21 09:00 Shanghai: the State Council has not published 2027, so periods
 * reaching it are counted on the provisional calendar and say so; loading the official 2027
 * recomputes them and shows the agency and the regulator what moved; registration is allowed
 * only within the sale period (条例 16). The tests run in order: the clock only moves forward.
 */
const meta = TEST_META;
const at = (iso: string) => new Date(iso);

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected a refusal");
}

describe("counting periods on the calendar", () => {
  let app: TestApp;
  let agency: Actor, tenderer: Actor, regulator: Actor, operator: Actor, bidder1: Actor, bidder2: Actor, bidder3: Actor;
  let tendererOrgId: string;
  let seq = 0;
  const ids: Record<string, { projectId: string; sectionId: string }> = {};

  const mk = async (name: string, kinds: ("bidder" | "agency" | "tenderer" | "regulator" | "operator")[], regionCode = "350100") => {
    const roles = kinds.includes("bidder") ? (["admin", "bid"] as const) : (["admin", "operate"] as const);
    const { organisation, person } = await createOrganisationWithMember(app.db, {
      organisation: { name, kinds, regionCode, status: "approved" },
      person: { name, email: `${name}@example.cn` },
      roles: [...roles],
    });
    return { actor: await actorOf(app.db, person.id), organisation };
  };

  /** A one-section project with these dates, its documents uploaded; publishing is up to the test. */
  async function draft(type: "engineering" | "government", dates: { saleFrom: string; saleUntil: string; deadline: string }) {
    const terms: SectionInput = {
      ...sectionTerms({
        name: "一标段",
        from: app.clock.now(),
        deadlineDays: 30,
        evaluationMethod: type === "engineering" ? "comprehensiveEvaluation" : "lowestPrice",
      }),
      saleFrom: at(dates.saleFrom),
      saleUntil: at(dates.saleUntil),
      deadlineAt: at(dates.deadline),
    };
    const code = `E3501002026${String(900 + ++seq).padStart(4, "0")}`;
    const { projectId, sectionIds } = await createProject(app, {
      actor: agency,
      project: {
        code,
        name: `闽侯县${type === "engineering" ? "道路工程" : "办公设备采购"} ${seq}`,
        regionCode: "350100",
        procurementType: type,
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tendererOrgId,
      },
      sections: [terms],
      meta,
    });
    await uploadTenderDocument(app, { actor: agency, projectId, title: "招标文件", filename: "a.pdf", bytes: tinyPdf(code), meta });
    return { projectId, sectionId: sectionIds[0]! };
  }

  const publish = (projectId: string) =>
    publishProject(app, { actor: agency, projectId, announcement: { title: "招标公告", body: "欢迎投标" }, meta });
  const periodsOf = async (projectId: string, actor: Actor | null = null) =>
    (await readProject(app, actor, projectId)).sections[0]!.periods;
  const advanceTo = (iso: string) => app.clock.advance((at(iso).getTime() - app.clock.now().getTime()) / 1000);

  beforeAll(async () => {
    app = await createTestApp({ clock: "fixed:2026-12-21T09:00:00+08:00" });
    agency = (await mk("闽侯招标代理", ["agency"])).actor;
    const t = await mk("闽侯城投", ["tenderer"]);
    tenderer = t.actor;
    tendererOrgId = t.organisation.id;
    regulator = (await mk("福州市住建局", ["regulator"])).actor;
    operator = (await mk("交易中心", ["operator"], "350000")).actor;
    bidder1 = (await mk("海峡建设", ["bidder"])).actor;
    bidder2 = (await mk("闽江路桥", ["bidder"])).actor;
    bidder3 = (await mk("鹭岛建筑", ["bidder"])).actor;
  });
  afterAll(async () => {
    await app?.close();
  });

  describe.each(["engineering", "government"] as const)("%s", (type) => {
    it("a sale period in December 2026 ending before New Year needs nothing of 2027 and is not provisional", async () => {
      // From Monday 12-21: 5 days end on Saturday 12-26, moved to Monday 12-28; 5 working days
      // (22, 23, 24, 25, 28) end on 12-28 too. 20 days to the deadline: Sunday 2027-01-10, so
      // Monday 01-11 — on the provisional calendar, and said so.
      const early = await draft(type, {
        saleFrom: "2026-12-21T09:00:00+08:00",
        saleUntil: "2026-12-27T17:00:00+08:00",
        deadline: "2027-01-11T09:30:00+08:00",
      });
      const e = await refusal(publish(early.projectId));
      expect(e.code).toBe("DOCUMENTS_ON_SALE_TOO_SHORT");
      expect(e.params).toMatchObject({ earliestEndOn: "2026-12-28", provisionalZh: "", provisionalEn: "" });
      expect(e.messageIn("zh-CN")).not.toContain("暂定");

      const ok = await draft(type, {
        saleFrom: "2026-12-21T09:00:00+08:00",
        saleUntil: "2026-12-28T17:00:00+08:00",
        deadline: "2027-01-11T09:30:00+08:00",
      });
      await publish(ok.projectId);
      ids[`december-${type}`] = ok;
      expect(await periodsOf(ok.projectId)).toEqual([
        {
          rule: "documentsOnSale",
          source: type === "engineering" ? "招标投标法实施条例第十六条" : "政府采购货物和服务招标投标管理办法（87号令）第十八条",
          count: 5,
          unit: type === "engineering" ? "calendarDays" : "workingDays",
          lastDay: "2026-12-28",
          provisional: false,
        },
        {
          rule: "documentsToDeadline",
          source: type === "engineering" ? "招标投标法第二十四条" : "政府采购法第三十五条",
          count: 20,
          unit: "calendarDays",
          lastDay: "2027-01-11",
          provisional: true,
        },
      ]);
    });

    it("a deadline one day short of a period ending in 2027 is refused, the date marked provisional", async () => {
      const p = await draft(type, {
        saleFrom: "2026-12-21T09:00:00+08:00",
        saleUntil: "2026-12-28T17:00:00+08:00",
        deadline: "2027-01-10T09:30:00+08:00",
      });
      const e = await refusal(publish(p.projectId));
      expect(e.code).toBe("DOCUMENTS_TO_DEADLINE_TOO_SHORT");
      expect(e.params).toMatchObject({ deadlineOn: "2027-01-10", earliestDeadlineOn: "2027-01-11" });
      expect(e.messageIn("zh-CN")).toContain("投标截止日最早为 2027-01-11（零时整截止的，该日不计入）（暂定：按 2027 年暂定节假日日历计算");
      expect(e.messageIn("en")).toContain(
        "2027-01-11 at the earliest (a deadline at 00:00 ends the day before) (provisional: computed on the provisional 2027 holiday calendar",
      );
      // A deadline at 00:00 of 01-11 ends with 01-10: refused the same way.
      const midnight = await draft(type, {
        saleFrom: "2026-12-21T09:00:00+08:00",
        saleUntil: "2026-12-28T17:00:00+08:00",
        deadline: "2027-01-11T00:00:00+08:00",
      });
      expect((await refusal(publish(midnight.projectId))).params).toMatchObject({ deadlineOn: "2027-01-10" });
    });

    it("a sale period crossing into 2027 is counted on the provisional calendar and marked so on the announcement", async () => {
      // Engineering from Sunday 12-27: the 5th day is 元旦 (Friday 2027-01-01), then a weekend:
      // Monday 01-04. Government procurement from Friday 12-25: 28, 29, 30, 31 and Monday 01-04.
      const from = type === "engineering" ? "2026-12-27T00:00:00+08:00" : "2026-12-25T00:00:00+08:00";
      const short = await draft(type, { saleFrom: from, saleUntil: "2026-12-31T17:00:00+08:00", deadline: "2027-01-20T09:30:00+08:00" });
      const e = await refusal(publish(short.projectId));
      expect(e.code).toBe("DOCUMENTS_ON_SALE_TOO_SHORT");
      expect(e.params).toMatchObject({ saleUntil: "2026-12-31", earliestEndOn: "2027-01-04" });
      expect(e.messageIn("zh-CN")).toMatch(/最早可于 2027-01-04 结束（零时整结束的，该日不计入）（暂定：按 2027 年暂定节假日日历计算/);

      // The government section's sale ends on its last statutory day; the engineering one runs two days longer.
      const until = type === "engineering" ? "2027-01-06T17:00:00+08:00" : "2027-01-04T17:00:00+08:00";
      const p = await draft(type, { saleFrom: from, saleUntil: until, deadline: "2027-01-20T09:30:00+08:00" });
      await publish(p.projectId);
      ids[`crossing-${type}`] = p;
      // The public announcement shows the period, provisional.
      expect((await periodsOf(p.projectId))[0]).toMatchObject({ rule: "documentsOnSale", lastDay: "2027-01-04", provisional: true });
    });
  });

  it("registration before the sale period starts is refused, naming 条例16", async () => {
    const { sectionId } = ids["crossing-engineering"]!;
    const e = await refusal(registerForSection(app, { actor: bidder1, sectionId, meta }));
    expect(e.code).toBe("REGISTRATION_OUTSIDE_SALE_PERIOD");
    expect(e.status).toBe(409);
    expect(e.messageIn("zh-CN")).toContain("只能在招标文件发售期内报名并获取招标文件（招标投标法实施条例第十六条）");
    expect(e.messageIn("zh-CN")).toContain("发售期尚未开始");
    expect(e.messageIn("en")).toContain("the sale has not started yet");
    const gp = await refusal(registerForSection(app, { actor: bidder1, sectionId: ids["crossing-government"]!.sectionId, meta }));
    expect(gp.messageIn("zh-CN")).toContain("87号令）第十八条");
    expect(await app.db.selectFrom("registrations").select("id").where("section_id", "=", sectionId).execute()).toEqual([]);
  });

  it("the operator's calendar shows 2027 as provisional: the statutory days and their make-up days", async () => {
    const view = await readCalendar(app, operator, 2027);
    expect(view).toMatchObject({ year: 2027, provisional: true, provisionalYear: 2027 });
    expect(view.days.map((d) => d.day)).toContain("2027-02-09"); // 春节（补假）
    expect(view.statutory).toHaveLength(13);
    expect(await calendarWarning(app)).toEqual({ lastYear: 2026, daysLeft: 10, provisional: true });
  });

  it("refuses an official 2027 that lacks statutory holidays, naming each missing day, and keeps 2027 provisional", async () => {
    const e = await refusal(
      loadCalendarYear(app, {
        actor: operator,
        year: 2027,
        holidays: [
          { day: "2027-01-01", name: "元旦" },
          { day: "2027-02-06", name: "春节" },
        ],
        workdays: [],
        source: "测试",
        meta,
      }),
    );
    expect(e.code).toBe("CALENDAR_YEAR_INCOMPLETE");
    expect(e.status).toBe(400);
    expect(e.messageIn("zh-CN")).toContain("缺少 春节（除夕） 2027-02-05、春节（正月初二） 2027-02-07");
    expect(e.messageIn("zh-CN")).toContain("国庆节（10月3日） 2027-10-03（全国年节及纪念日放假办法");
    expect(e.messageIn("en")).toContain("Mid-Autumn Festival (15th day of the 8th lunar month) 2027-09-15");
    expect(e.params.missing).toHaveLength(11);
    expect(await app.db.selectFrom("calendar_years").select("year").where("year", "=", 2027).execute()).toEqual([]);
    expect((await periodsOf(ids["crossing-government"]!.projectId))[0]).toMatchObject({ provisional: true });
  });

  it("refuses bad calendar input as a 4xx and leaves 2027 provisional: another organisation, a NUL byte, a day twice, a bad year", async () => {
    const full = statutoryHolidays(2027).map((h) => ({ day: h.day, name: h.name }));
    const load = (actor: Actor, holidays: { day: string; name: string }[], source = "通知") =>
      refusal(loadCalendarYear(app, { actor, year: 2027, holidays, workdays: [], source, meta }));
    expect((await load(agency, full)).code).toBe("FORBIDDEN");
    const nul = await load(operator, [...full.slice(1), { day: "2027-01-01", name: "元旦\u0000" }]);
    expect([nul.code, nul.status]).toEqual(["VALIDATION_FAILED", 400]);
    expect((await load(operator, full, "通知\u0000")).status).toBe(400);
    expect((await load(operator, [...full, { day: "2027-01-01", name: "元旦" }])).params).toMatchObject({ field: "day 2027-01-01" });
    expect((await load(operator, [...full, { day: "2028-01-01", name: "元旦" }])).status).toBe(400);
    expect((await refusal(readCalendar(app, operator, 2027.5))).status).toBe(400);
    expect(await app.db.selectFrom("calendar_years").select("year").where("year", "=", 2027).execute()).toEqual([]);
  });

  it("loading the official 2027 recomputes the open periods and flags each change to the agency and the regulator", async () => {
    await advanceTo("2026-12-27T00:00:00+08:00");
    // An arrangement made up for the test: 元旦 01-01..01-04, a worked Saturday 01-09.
    const holidays = [
      ...statutoryHolidays(2027).map((h) => ({ day: h.day, name: h.name })),
      { day: "2027-01-02", name: "元旦" },
      { day: "2027-01-03", name: "元旦" },
      { day: "2027-01-04", name: "元旦" },
    ];
    const result = await loadCalendarYear(app, {
      actor: operator,
      year: 2027,
      holidays,
      workdays: [{ day: "2027-01-09", name: "元旦" }],
      source: "国务院办公厅关于2027年部分节假日安排的通知（测试）",
      meta,
    });
    // Six periods were provisional: the two 20-day periods stay on 01-11 (confirmed), both sale
    // periods crossing New Year move from 01-04 to 01-05.
    expect(result).toMatchObject({ replaced: false, recomputed: 6, changed: 2, unsatisfied: 1 });

    const gp = ids["crossing-government"]!;
    const eng = ids["crossing-engineering"]!;
    expect(await periodsOf(gp.projectId)).toEqual([
      expect.objectContaining({ rule: "documentsOnSale", lastDay: "2027-01-05", provisional: false }),
      expect.objectContaining({ rule: "documentsToDeadline", provisional: false }),
    ]);
    expect((await periodsOf(ids["december-engineering"]!.projectId))[1]).toMatchObject({ lastDay: "2027-01-11", provisional: false });

    // The agency and the regulator see what moved; the public does not get the notice.
    const forAgency = await readProject(app, agency, gp.projectId);
    expect(forAgency.periodChanges).toEqual([
      expect.objectContaining({
        rule: "documentsOnSale",
        source: "政府采购货物和服务招标投标管理办法（87号令）第十八条",
        oldLastDay: "2027-01-04",
        newLastDay: "2027-01-05",
        satisfied: false,
        stillProvisional: false,
        calendarYear: 2027,
      }),
    ]);
    expect((await readProject(app, regulator, gp.projectId)).periodChanges).toHaveLength(1);
    expect((await readProject(app, tenderer, eng.projectId)).periodChanges).toEqual([
      expect.objectContaining({ oldLastDay: "2027-01-04", newLastDay: "2027-01-05", satisfied: true }),
    ]);
    expect((await readProject(app, null, gp.projectId)).periodChanges).toBeNull();
    expect((await readProject(app, bidder1, gp.projectId)).periodChanges).toBeNull();

    // Flagged in the regulator's list and the agency's own list.
    const overview = await regulatorOverview(app, regulator);
    const flagged = (list: typeof overview.projects, projectId: string) => list.find((p) => p.id === projectId)!.sections[0]!.periodChanges;
    expect(flagged(overview.projects, gp.projectId)).toEqual({ total: 1, unsatisfied: 1 });
    expect(flagged(overview.projects, eng.projectId)).toEqual({ total: 1, unsatisfied: 0 });
    expect(flagged(overview.projects, ids["december-government"]!.projectId)).toEqual({ total: 0, unsatisfied: 0 });
    expect(flagged(await listOwnProjects(app, agency), gp.projectId)).toEqual({ total: 1, unsatisfied: 1 });

    const audit = await app.db.selectFrom("audit_log").select(["type", "data"]).where("type", "=", "section.period_changed").execute();
    expect(audit.map((a) => a.data)).toContainEqual(
      expect.objectContaining({
        sectionId: gp.sectionId,
        oldLastDay: "2027-01-04",
        newLastDay: "2027-01-05",
        satisfied: false,
        calendarYear: 2027,
      }),
    );
    expect(audit).toHaveLength(2);
    expect(await calendarWarning(app)).toBeNull();
  });

  it("registration runs from the start of the sale to its end, or to the end of the statutory period if later", async () => {
    const eng = ids["crossing-engineering"]!.sectionId; // on sale 12-27 00:00 – 01-06 17:00
    const gp = ids["crossing-government"]!.sectionId; // on sale 12-25 00:00 – 01-04 17:00, statutory now to 01-05
    await registerForSection(app, { actor: bidder1, sectionId: eng, meta }); // exactly at the start (12-27 00:00)

    await advanceTo("2027-01-05T23:59:59.999+08:00");
    await registerForSection(app, { actor: bidder2, sectionId: gp, meta }); // after the announced end, within the statutory period
    await advanceTo("2027-01-06T00:00:00+08:00");
    const late = await refusal(registerForSection(app, { actor: bidder3, sectionId: gp, meta }));
    expect(late.code).toBe("REGISTRATION_OUTSIDE_SALE_PERIOD");
    expect(late.messageIn("zh-CN")).toContain("发售期为 2026/12/25 00:00:00 至 2027/01/06 00:00:00，发售期已结束");

    await advanceTo("2027-01-06T16:59:59.999+08:00");
    await registerForSection(app, { actor: bidder2, sectionId: eng, meta });
    await advanceTo("2027-01-06T17:00:00+08:00");
    const e = await refusal(registerForSection(app, { actor: bidder3, sectionId: eng, meta }));
    expect(e.messageIn("zh-CN")).toContain("（招标投标法实施条例第十六条）");
    expect(e.messageIn("zh-CN")).toContain("发售期已结束");
    expect(e.messageIn("en")).toContain("the sale has ended");
  });

  it("leaves an intact audit chain", async () => {
    expect((await verifyAuditChain(app.db)).ok).toBe(true);
  });
});
