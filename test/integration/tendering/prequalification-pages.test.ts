import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as announcementRoute from "#app/routes/announcements.$projectId.tsx";
import * as projectRoute from "#app/routes/projects.$projectId.tsx";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { sectionTerms } from "#test/factories/tendering.ts";
import { organisationWithMember, type Member } from "../bidding/helpers/bids.ts";
import { browserCookies, startPages, type Pages } from "../bidding/helpers/pages.ts";
import { advanceTo } from "../opening/helpers.ts";
import { callRoute, type Browser } from "../helpers/routes.ts";
import { createTestApp, TEST_META as meta, type TestApp } from "../helpers/test-app.ts";

/**
 * Issue 12: the prequalification pages over the real route modules and the rendered HTML, the
 * clock fixed at Monday 2026-11-23 09:00 Shanghai. The period rules themselves are tested in
 * app/domain and test/integration/tendering/lifecycle.test.ts; here, that the project page
 * publishes through them (a refusal under the field it concerns), that only the project's
 * manager may, and that the public announcement page shows the announcement, its clarifications
 * and the result.
 */
const at = (iso: string) => new Date(`${iso}+08:00`);

describe("prequalification pages", () => {
  let app: TestApp;
  let pages: Pages;
  let agency: Member, tenderer: Member, otherAgency: Member, bidder: Member;
  let projectId: string;

  async function browserOf(m: Member): Promise<Browser> {
    return { cookie: await browserCookies(app, m), csrf: `csrf-${m.personId}`.padEnd(40, "x") };
  }
  async function post(m: Member, form: Record<string, string>) {
    const res = await callRoute(app, projectRoute.action as never, {
      url: `/projects/${projectId}`,
      browser: await browserOf(m),
      params: { projectId },
      form,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const publishForm = (saleUntil: string, deadline: string) => ({
    intent: "pqPublish",
    title: "闽江口湿地公园工程资格预审公告",
    body: "申请人须具备市政公用工程施工总承包二级及以上资质。",
    saleFrom: "2026-11-24T09:00",
    saleUntil,
    deadline,
  });
  const publicPage = async () => (await pages.request(`/announcements/${projectId}`)).body.toString("utf8");

  beforeAll(async () => {
    app = await createTestApp();
    agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    otherAgency = await organisationWithMember(app, { name: "厦门招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    bidder = await organisationWithMember(app, { name: "海峡建设", kinds: ["bidder"], roles: ["admin", "bid"] });
    ({ projectId } = await createProject(app, {
      actor: agency.actor,
      project: {
        code: "E3501002026990",
        name: "闽江口湿地公园工程",
        regionCode: "350100",
        procurementType: "engineering",
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tenderer.organisationId,
      },
      sections: [sectionTerms({ name: "一标段", from: app.clock.now(), deadlineDays: 60, evaluationMethod: "comprehensiveEvaluation" })],
      meta,
    }));
    pages = await startPages(app);
  }, 120_000);

  afterAll(async () => {
    await pages?.close();
    await app?.close();
  });

  it("publishes the announcement from the project page, a short period refused under its field, and only by the project's manager", async () => {
    // Sale from Tuesday 11-24: 5 days not counting the first end on Sunday 11-29, moved to Monday 11-30 (条例 16).
    const shortSale = await post(agency, publishForm("2026-11-27T17:00", "2026-12-10T09:30"));
    expect(shortSale.status).toBe(400);
    expect(shortSale.body.pqFieldError).toMatchObject({ field: "saleUntil" });
    expect((shortSale.body.pqFieldError as { message: string }).message).toContain("招标投标法实施条例第十六条");
    // Applications at least 5 days after the sale stops on 11-30: Saturday 12-05, moved to Monday 12-07 (条例 17).
    const early = await post(agency, publishForm("2026-11-30T17:00", "2026-12-04T09:30"));
    expect(early.body.pqFieldError).toMatchObject({ field: "deadline" });
    expect((early.body.pqFieldError as { message: string }).message).toContain("2026-12-07");
    expect((early.body.pqFieldError as { message: string }).message).toContain("招标投标法实施条例第十七条");
    // Nothing published yet: the project does not exist for the public.
    expect((await pages.request(`/announcements/${projectId}`)).status).toBe(404);

    for (const outsider of [otherAgency, bidder, tenderer]) {
      // The project has an agency: it manages the project, not the tenderer (requireProjectManager).
      const refused = await post(outsider, publishForm("2026-11-30T17:00", "2026-12-07T09:30"));
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: "FORBIDDEN" });
    }
    const bad = await post(agency, { ...publishForm("2026-11-30T17:00", "2026-12-07T09:30"), deadline: "next monday" });
    expect(bad.body.error).toMatchObject({ code: "VALIDATION_FAILED" });

    const ok = await post(agency, publishForm("2026-11-30T17:00", "2026-12-07T09:30"));
    expect(ok).toMatchObject({ status: 200, body: { pqPublished: true } });
    expect((await post(agency, publishForm("2026-11-30T17:00", "2026-12-07T09:30"))).body.error).toMatchObject({
      code: "PREQUALIFICATION_EXISTS",
    });

    // The tender itself is not published: the prequalification is all the public sees, not the draft section.
    const html = await publicPage();
    expect(html).toContain('data-testid="prequalification"');
    expect(html).not.toContain("一标段");
    expect(html).toContain("资格预审公告");
    expect(html).toContain("提交资格预审申请文件截止时间");
    expect(html).toContain("市政公用工程施工总承包二级");
    expect(html).not.toContain('data-testid="prequalification-result"');
  });

  it("records a clarification that moves the deadline, refuses the result before it, then shows the result publicly", async () => {
    const clarified = await post(agency, {
      intent: "pqClarify",
      text: "业绩要求以竣工验收证明为准。",
      affects: "on",
      newDeadline: "2026-12-08T09:30",
    });
    expect(clarified).toMatchObject({ status: 200, body: { pqClarified: true } });
    const manager = await callRoute(app, projectRoute.loader as never, {
      url: `/projects/${projectId}`,
      browser: await browserOf(agency),
      params: { projectId },
    });
    const view = (await manager.json()) as { prequalification: { submissionDeadlineAt: string; clarifications: unknown[] } };
    expect(new Date(view.prequalification.submissionDeadlineAt)).toEqual(at("2026-12-08T09:30:00"));
    expect(view.prequalification.clarifications).toHaveLength(1);

    const early = await post(agency, { intent: "pqResult", passedCount: "2", body: "" });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: "PREQUALIFICATION_RESULT_NOT_DUE" });
    expect((await post(agency, { intent: "pqResult", passedCount: "-1", body: "" })).body.error).toMatchObject({
      code: "VALIDATION_FAILED",
    });

    await advanceTo(app, at("2026-12-08T10:00:00"));
    const late = await post(agency, { intent: "pqClarify", text: "补充说明", affects: "on", newDeadline: "" });
    expect(late.body.error).toMatchObject({ code: "PREQUALIFICATION_RESULT_NOT_DUE" });
    const result = await post(agency, { intent: "pqResult", passedCount: "2", body: "经资格审查委员会审查，2家申请人通过资格预审。" });
    expect(result).toMatchObject({ status: 200, body: { pqResult: { retender: true } } });

    const html = await publicPage();
    expect(html).toContain("业绩要求以竣工验收证明为准。");
    expect(html).toContain('data-testid="prequalification-result"');
    expect(html).toContain("通过资格预审的申请人：2 家");
    expect(html).toContain("应当重新招标");
    // The public loader gives no objections (they are the parties' and the regulator's).
    const anon = await callRoute(app, announcementRoute.loader as never, { url: `/announcements/${projectId}`, params: { projectId } });
    expect(((await anon.json()) as { prequalification: { objections: unknown } }).prequalification.objections).toBeNull();
  });
});
