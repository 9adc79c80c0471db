import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 12 in the browser, on the demo data (decision 40): the agency publishes a 资格预审公告 from
 * the project page, a sale period too short refused under its field; the public page shows it.
 * At 1366 px and 390 px. The server's clock: Monday 2026-11-23 09:00 Shanghai.
 */
describe("prequalification in the browser", () => {
  let server: RunningServer;
  let browser: Browser;
  let projectId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ clock: "fixed:2026-11-23T01:00:00Z" }), launchBrowser()]);
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ id: string }>(
      `select p.id from projects p
         join memberships m on m.organisation_id = p.agency_organisation_id
         join people pe on pe.id = m.person_id
        where pe.email = 'agency@demo.bidhall.cn'
          and not exists (select 1 from prequalifications q where q.project_id = p.id)
        order by p.code limit 1`,
    );
    await db.end();
    expect(rows).toHaveLength(1);
    projectId = rows[0]!.id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function pageAs(email: string | null, width = 1366): Promise<Page> {
    const page = await (await newContext(browser)).newPage();
    await page.setViewportSize({ width, height: 800 });
    if (email) await logInAs(page, server.url, email, DEMO_PASSWORD);
    return page;
  }
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it("the agency publishes the announcement; a short sale period is refused under its field", async () => {
    const agency = await pageAs("agency@demo.bidhall.cn");
    await agency.goto(`${server.url}/projects/${projectId}`);
    await hydrated(agency);
    const form = agency.getByTestId("pq-publish-form");
    await form.getByLabel("公告正文").fill("申请人须具备市政公用工程施工总承包二级及以上资质。");
    await form.getByLabel("资格预审文件发售开始").fill("2026-11-24T09:00");
    await form.getByLabel("资格预审文件发售截止").fill("2026-11-27T17:00");
    await form.getByLabel("提交资格预审申请文件截止时间").fill("2026-12-08T17:00");
    await form.getByRole("button", { name: "发布资格预审公告" }).click();
    const error = agency.locator("#pq-saleUntil-error");
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/文件发售期不足/);
    await expect(form.getByLabel("资格预审文件发售截止").getAttribute("aria-invalid")).resolves.toBe("true");
    await screenshot(agency, "prequalification-refused-under-field");

    await form.getByLabel("资格预审文件发售截止").fill("2026-12-01T17:00");
    await form.getByRole("button", { name: "发布资格预审公告" }).click();
    await agency.getByTestId("pq-published").waitFor();
    await agency.getByTestId("pq-clarify-form").waitFor();
  });

  it("the public page shows it at 1366 px and 390 px", async () => {
    for (const width of [1366, 390]) {
      const visitor = await pageAs(null, width);
      await visitor.goto(`${server.url}/announcements/${projectId}`);
      const panel = visitor.getByTestId("prequalification");
      await panel.waitFor();
      await expect(panel.textContent()).resolves.toContain("市政公用工程施工总承包二级");
      expect(await noSidewaysScroll(visitor)).toBe(true);
      await screenshot(visitor, `prequalification-public-${width}`);
    }
  });
});
