import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 12 in the browser, on the demo data: the agency terminates a section still open for bids
 * with a reason; a registered bidder finds the notice and opening it records the read; once the
 * return period has passed, the regulator sees the overdue bid securities. At 1366 px and 390 px.
 */
describe("termination, notices and bid securities in the browser", () => {
  let server: RunningServer;
  let browser: Browser;
  let projectId: string;
  let sectionCode: string;
  let bidderEmail: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ clock: "fixed:2026-11-23T01:00:00Z" }), launchBrowser()]);
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    // A section still open for bids in which a demo bidder is registered.
    const { rows } = await db.query<{ project_id: string; code: string; email: string }>(
      `select s.project_id, s.code, p.email from sections s
         join registrations r on r.section_id = s.id
         join memberships m on m.organisation_id = r.organisation_id
         join people p on p.id = m.person_id
        where s.published_at is not null and s.cancelled_at is null and s.deadline_at > $1
          and p.email like 'bidder%@demo.bidhall.cn' and p.email not like '%staff%'
        order by s.deadline_at desc limit 1`,
      ["2026-11-23T01:02:00Z"], // the server's clock stands at 01:00
    );
    await db.end();
    expect(rows).toHaveLength(1);
    ({ project_id: projectId, code: sectionCode, email: bidderEmail } = rows[0]!);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function pageAs(email: string, width = 1366): Promise<Page> {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 800 });
    await logInAs(page, server.url, email, DEMO_PASSWORD);
    return page;
  }

  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it("the agency terminates the section with a reason; everyone registered is told", async () => {
    const agency = await pageAs("agency@demo.bidhall.cn");
    await agency.goto(`${server.url}/projects/${projectId}`);
    await agency.getByRole("link", { name: "终止招标、澄清阅读回执、投标保证金" }).click();
    await hydrated(agency);
    const form = agency.getByTestId("terminate");
    await expect(form.textContent()).resolves.toContain("第三十一条");
    await form.getByLabel("终止理由").fill("项目资金未落实，终止招标");
    await form.getByRole("button", { name: "确认终止所选标段" }).click();
    await agency.getByText(/已终止招标，已通知 \d+ 家单位/).waitFor();
    await screenshot(agency, "lifecycle-agency-terminated");
    await agency.goto(`${server.url}/announcements/${projectId}`);
    await expect(agency.getByTestId("termination").first().textContent()).resolves.toContain("项目资金未落实，终止招标");
  });

  it("the bidder reads the notice on a phone, and the read is recorded", async () => {
    const bidder = await pageAs(bidderEmail, 390);
    await bidder.goto(`${server.url}/notices`);
    const notice = bidder
      .getByTestId("notices")
      .getByRole("link", { name: /终止招标/ })
      .first();
    await expect(bidder.getByTestId("notices").textContent()).resolves.toContain("未读");
    await notice.click();
    await bidder.getByTestId("notice-receipt").waitFor();
    await expect(bidder.getByTestId("notice-body").textContent()).resolves.toContain(sectionCode);
    expect(await noSidewaysScroll(bidder)).toBe(true);
    await screenshot(bidder, "lifecycle-bidder-notice-390");
    await bidder.goto(`${server.url}/notices`);
    await expect(bidder.getByTestId("notices").textContent()).resolves.toContain("您的阅读时间");
  });

  it("after the return period the regulator sees the overdue securities (or none when nobody bid)", async () => {
    await server.advanceClock(10 * 86_400);
    const regulator = await pageAs("regulator@demo.bidhall.cn");
    await regulator.goto(`${server.url}/regulator/securities`);
    await regulator.getByRole("heading", { name: "逾期未退的投标保证金" }).waitFor();
    await screenshot(regulator, "lifecycle-regulator-securities");
    const agency = await pageAs("agency@demo.bidhall.cn", 390);
    await agency.goto(`${server.url}/projects/${projectId}/securities`);
    await agency.getByTestId("securities").waitFor();
    await screenshot(agency, "lifecycle-agency-securities-390");
  });
});
