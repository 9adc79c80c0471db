import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * The regulator's complaint desk in the browser (decision 0063), the clock at 2026-11-23 09:00
 * Beijing: a complaint about the demo project's first section, filed as part 1 files it (written
 * straight into the database here), is accepted with a reason, the section suspended (the hall says
 * why), documents requested; the complainant sees the request. The full story from filing to the
 * signed decision is test/e2e/complaint.test.ts's, once the filing pages are merged.
 */
const FIRST_SECTION = "E3501002026000001001";
const hex32 = () => `0x${randomBytes(32).toString("hex")}`;

describe("the regulator handles a complaint", () => {
  let server: RunningServer;
  let browser: Browser;
  let complaintId: string;
  let sectionId: string;

  const pageAs = async (email: string): Promise<Page> => {
    const page = await (await newContext(browser)).newPage();
    await logInAs(page, server.url, email, DEMO_PASSWORD);
    return page;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ clock: "fixed:2026-11-23T09:00:00+08:00" }), launchBrowser()]);
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const { rows: s } = await db.query("select id from sections where code = $1", [FIRST_SECTION]);
      sectionId = s[0].id;
      const { rows: o } = await db.query(
        "select id, name from organisations where name in ('福州市住房和城乡建设局', '闽江路桥集团有限公司')",
      );
      const regulator = o.find((r) => r.name === "福州市住房和城乡建设局").id;
      const bidder = o.find((r) => r.name === "闽江路桥集团有限公司").id;
      const { rows: p } = await db.query("select id from people where email = 'bidder2@demo.bidhall.cn'");
      const now = new Date("2026-11-23T09:00:00+08:00");
      const { rows: c } = await db.query(
        `insert into complaints (section_id, subject, complainant_kind, complainant_organisation_id, complainant_person_id, facts, request,
           legal_basis, window_ends_at, content_sha256, ledger_id, complainant_salt, complainant_ref, receipt_no, receipt_key, receipt_sha256, filed_at)
         values ($1, 'documents', 'organisation', $2, $3, '招标文件设置的资格条件排斥潜在投标人。', '请求责令修改招标文件。', '招标投标法实施条例第三十二条',
           $4, $5, $6, 'salt', $7, 'TS-E2E-0001', 'complaints/x/receipt.pdf', $8, $9) returning id`,
        [sectionId, bidder, p[0].id, new Date(now.getTime() + 10 * 86_400_000), "a".repeat(64), hex32(), hex32(), "0".repeat(64), now],
      );
      complaintId = c[0].id;
      await db.query("insert into complaint_regulators (complaint_id, regulator_organisation_id, routed_at) values ($1, $2, $3)", [
        complaintId,
        regulator,
        now,
      ]);
    } finally {
      await db.end();
    }
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("accepts, suspends (the hall shows why), requests documents; the complainant sees the request", async () => {
    const page = await pageAs("regulator@demo.bidhall.cn");
    await page.getByRole("navigation", { name: "main" }).getByRole("link", { name: "投诉处理" }).click();
    await page.waitForURL(/\/regulator\/complaints$/);
    await hydrated(page);
    const row = page.getByTestId("complaint-TS-E2E-0001");
    await expect(row.getByTestId("state").textContent()).resolves.toContain("待受理审查");
    await expect(row.textContent()).resolves.toContain("3 个工作日，至 2026-11-26");
    await screenshot(page, "complaint-queue");

    await row.getByRole("link", { name: "TS-E2E-0001" }).click();
    await page.waitForURL(new RegExp(`/regulator/complaints/${complaintId}$`));
    await hydrated(page);
    await page.getByLabel("理由").fill("投诉符合受理条件，予以受理。");
    await page.getByRole("button", { name: "受理", exact: true }).click();
    await page.getByTestId("complaint-state").filter({ hasText: "已受理" }).waitFor();
    await page.getByRole("button", { name: "暂停标段" }).click();
    await page.getByTestId("complaint-state").filter({ hasText: "标段暂停中" }).waitFor();
    await page.getByLabel("需提交的材料").fill("请提交报名记录。");
    await page.getByLabel("提交期限").fill("2026-11-30");
    await page.getByRole("button", { name: "发出通知" }).click();
    await page.getByTestId("document-request").first().waitFor();
    await screenshot(page, "complaint-detail");

    await page.goto(`${server.url}/sections/${sectionId}/opening`);
    await page.getByTestId("suspension-banner").waitFor();
    await expect(page.getByTestId("suspension-banner").textContent()).resolves.toContain("因投诉暂停");
    await screenshot(page, "complaint-hall-suspended");
    await page.context().close();

    const party = await pageAs("bidder2@demo.bidhall.cn");
    await party.goto(`${server.url}/complaint-requests`);
    await party.getByTestId("my-request").waitFor();
    await expect(party.getByTestId("my-request").textContent()).resolves.toContain("请提交报名记录。");
    await screenshot(party, "complaint-request-party");
    await party.context().close();
  }, 180_000);
});
