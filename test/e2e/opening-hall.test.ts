import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCitizenId } from "#app/domain/shared/citizen-id.ts";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { enrolInBrowser } from "./helpers/certificates.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 7's hall (不见面开标) in Chromium: the agency and four bidders, each in its own browser, and
 * the public. Bidders sign in with their certificates, three decrypt in their browsers, the fourth
 * does not and is deemed revoked with the rule; the reading-out appears live on every screen and on
 * the public view; an objection is raised and answered; the record is confirmed; after the
 * confirmation period the signed opening record is downloadable.
 */
const BIDDERS = [
  { email: "bidder1@demo.bidhall.cn", price: "9,800,000.00", manager: "李建国" },
  { email: "bidder2@demo.bidhall.cn", price: "9,650,000.00", manager: "王海" },
  { email: "bidder3@demo.bidhall.cn", price: "9,900,000.50", manager: "陈明" },
  { email: "bidder4@demo.bidhall.cn", price: "9,700,000.00", manager: "赵磊" },
] as const;

describe("the online opening hall", () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const bidderPages: Page[] = [];
  let agency: Page;
  let publicPage: Page;
  let sectionId: string;
  let projectId: string;
  let deadline: Date;
  let serverNow: Date;
  const usccs: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-hall-e2e-"));

  const hall = () => `${server.url}/sections/${sectionId}/opening`;
  /** Moves the server's clock to `at` (never back). */
  async function clockTo(at: Date) {
    const seconds = (at.getTime() - serverNow.getTime()) / 1000;
    if (seconds > 0) serverNow = new Date(await server.advanceClock(seconds));
  }

  beforeAll(async () => {
    serverNow = new Date(Math.floor(Date.now() / 1000) * 1000);
    [server, browser] = await Promise.all([startServer({ clock: `fixed:${serverNow.toISOString()}` }), launchBrowser()]);
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    const row = (
      await db.query<{ id: string; project_id: string; deadline_at: Date }>(
        "select id, project_id, deadline_at from sections where name = '道路工程施工'",
      )
    ).rows[0]!;
    [sectionId, projectId, deadline] = [row.id, row.project_id, row.deadline_at];
    for (const b of BIDDERS)
      usccs.push(
        (
          await db.query<{ uscc: string }>(
            "select o.uscc from organisations o join memberships m on m.organisation_id = o.id join people p on p.id = m.person_id where p.email = $1",
            [b.email],
          )
        ).rows[0]!.uscc,
      );
    await db.end();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    return context.newPage();
  }

  /** One bidder: log in, register if needed, enrol a certificate in this browser, seal and submit a small bid. */
  async function prepareBidder(page: Page, b: (typeof BIDDERS)[number]) {
    await logInAs(page, server.url, b.email, DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    await page.goto(`${server.url}/announcements/${projectId}`);
    await hydrated(page);
    const card = page.getByTestId(/^section-E/).first();
    const register = card.getByRole("button", { name: "报名" });
    if (await register.count()) {
      await register.click();
      await page.getByRole("status").waitFor();
    }
    await enrolInBrowser(page, server.url, `备份密码-${b.manager}-2026`);
    await page.goto(`${server.url}/sections/${sectionId}/bid`);
    await hydrated(page);
    const form = page.getByTestId("opening-form");
    await form.getByLabel("投标报价").fill(b.price);
    await form.getByLabel("工期（日历天）").fill("360");
    await form.getByLabel("质量标准").selectOption("合格");
    await form.getByLabel("项目经理 · 姓名").fill(b.manager);
    await form.getByLabel("项目经理 · 身份证号码").fill(makeCitizenId(`350102198001${10 + BIDDERS.indexOf(b)}123`));
    await page.getByLabel("保函编号 / 信用承诺书编号").fill(`BG-2026-${BIDDERS.indexOf(b)}`);
    await page.getByRole("button", { name: "封装并加密" }).click();
    await page
      .getByTestId("upload")
      .click({ timeout: 60_000 })
      .catch(async (e: unknown) => {
        await screenshot(page, `hall-seal-stuck-${BIDDERS.indexOf(b) + 1}`);
        throw e;
      });
    await page.waitForURL(/\/receipts\//, { timeout: 60_000 });
  }

  it("four bidders seal and submit in their own browsers before the deadline", async () => {
    for (let i = 0; i < BIDDERS.length; i++) bidderPages.push(await newPage());
    // Two at a time: each generates an RSA-3072 key and seals in its browser.
    await Promise.all([prepareBidder(bidderPages[0]!, BIDDERS[0]), prepareBidder(bidderPages[1]!, BIDDERS[1])]);
    await Promise.all([prepareBidder(bidderPages[2]!, BIDDERS[2]), prepareBidder(bidderPages[3]!, BIDDERS[3])]);
    agency = await newPage();
    await logInAs(agency, server.url, "agency@demo.bidhall.cn", DEMO_PASSWORD);
    await agency.waitForURL(`${server.url}/dashboard`);
    publicPage = await newPage();
  });

  it("bidders sign in with their certificates from the lead time; the agency sees who signed in, live", async () => {
    await agency.goto(hall());
    await hydrated(agency);
    await agency.locator('[data-testid="live"][data-connected="true"]').waitFor();
    await clockTo(new Date(deadline.getTime() - 4 * 60_000)); // lead time is 5 minutes
    for (const page of bidderPages) {
      await page.goto(hall());
      await hydrated(page);
      await page.getByRole("button", { name: "证书签到" }).click();
      await page.getByTestId("signed-in").waitFor();
    }
    await agency.getByTestId("sign-ins").locator("tbody tr").nth(3).waitFor({ timeout: 30_000 });
    await screenshot(agency, "hall-agency-sign-in");
  });

  it("after the deadline the agency publishes the bidders and opens decryption; three bidders decrypt in their browsers, across a server restart", async () => {
    await clockTo(new Date(deadline.getTime() + 1000));
    await agency.reload();
    await hydrated(agency);
    await expect(agency.getByTestId("opening-phase").getAttribute("data-phase")).resolves.toBe("awaiting-window");
    await agency.getByRole("button", { name: "公布投标人名单" }).click();
    await agency.getByRole("button", { name: "开启解密" }).click();
    await agency.getByTestId("window-remaining").waitFor();
    for (const page of bidderPages.slice(0, 2)) {
      await page.getByTestId("decrypt").click();
      await expect(page.getByTestId("bidder-message").textContent()).resolves.toContain("解密成功");
    }
    await screenshot(bidderPages[0]!, "hall-bidder-decrypted");

    // The server restarts in the middle of the window (a deployment, a crash): nothing is lost. The
    // clock is pinned where it stood, the open pages reconnect their live streams by themselves.
    // What was recorded before the restart is on the agency's screen (delivered live)…
    for (const uscc of usccs.slice(0, 2))
      await agency.locator(`[data-testid="bidder-${uscc}"][data-result="decrypted"]`).waitFor({ timeout: 30_000 });
    const endsBefore = await agency.getByTestId("window-ends-at").textContent();
    await server.restart(`fixed:${serverNow.toISOString()}`);
    // …the open page reconnects by itself, and after a reload everything is still there.
    await agency.locator('[data-testid="live"][data-connected="true"]').waitFor({ timeout: 30_000 });
    await agency.reload();
    await hydrated(agency);
    for (const uscc of usccs.slice(0, 2)) await agency.locator(`[data-testid="bidder-${uscc}"][data-result="decrypted"]`).waitFor();
    await expect(agency.getByTestId("window-ends-at").textContent()).resolves.toBe(endsBefore);
    await expect(agency.getByTestId("opening-phase").getAttribute("data-phase")).resolves.toBe("decrypting");

    const third = bidderPages[2]!;
    await third.locator('[data-testid="live"][data-connected="true"]').waitFor({ timeout: 30_000 });
    await third.getByTestId("decrypt").click();
    await expect(third.getByTestId("bidder-message").textContent()).resolves.toContain("解密成功");
    // The agency's screen, reconnected after the restart, receives the third result live.
    for (const uscc of usccs.slice(0, 3)) await agency.locator(`[data-testid="bidder-${uscc}"][data-result="decrypted"]`).waitFor();
    // Before the reading-out no price is on any screen.
    expect(await agency.textContent("body")).not.toContain("9,800,000.00");
  });

  it("when the window ends the fourth bidder is deemed revoked with the rule; the reading-out appears live on every screen and the public view", async () => {
    await publicPage.goto(hall());
    await hydrated(publicPage);
    await publicPage.locator('[data-testid="live"][data-connected="true"]').waitFor();
    await clockTo(new Date(deadline.getTime() + 61 * 60_000)); // the 60-minute window has run out
    const revoked = agency.locator(`[data-testid="bidder-${usccs[3]}"][data-result="deemedRevoked"]`);
    await revoked.waitFor({ timeout: 30_000 });
    await expect(revoked.textContent()).resolves.toContain("视为撤销");
    await expect(revoked.textContent()).resolves.toContain("第三十一条");
    await agency.getByRole("button", { name: "唱标（公布唱标记录）" }).click();
    for (const page of [agency, ...bidderPages, publicPage]) {
      const row = page.getByTestId(`reading-out-${usccs[0]}`);
      await row.waitFor({ timeout: 30_000 });
      await expect(row.textContent()).resolves.toContain("9,800,000.00");
      await expect(row.textContent()).resolves.toContain("玖佰捌拾万元整");
    }
    await expect(publicPage.getByTestId(`reading-out-${usccs[3]}`).textContent()).resolves.toContain("视为撤销");
    await screenshot(publicPage, "hall-public-reading-out");
  });

  it("an objection is raised and answered on the spot, and the bidders confirm the record by signing it", async () => {
    const objector = bidderPages[1]!;
    await objector.getByLabel("异议内容").fill("我单位投标报价唱标金额与投标文件一致，但工期显示有误，请核实。");
    await objector.getByRole("button", { name: "提出异议" }).click();
    const objection = agency.getByTestId("objection").first();
    await objection.waitFor({ timeout: 30_000 });
    // Decision 39: the host declares a failure only on a legal ground of the section's type, with its source.
    await expect(agency.getByLabel("流标事由（法定）").textContent()).resolves.toContain("招标投标法实施条例第八十一条");
    await screenshot(agency, "hall-agency-objection-and-failure-grounds");
    await objection.getByRole("textbox").fill("经核对投标文件，工期为 360 日历天，唱标记录无误。");
    await objection.getByRole("button", { name: "答复" }).click();
    await expect(objector.getByTestId("objection-answer").textContent({ timeout: 30_000 })).resolves.toContain("唱标记录无误");
    for (const page of bidderPages.slice(0, 3)) {
      await page.getByRole("button", { name: "确认无误并签名" }).click();
      await expect(page.getByTestId("bidder-message").textContent()).resolves.toContain("已签名");
    }
    await agency.getByTestId("confirmations").locator("li").nth(2).waitFor({ timeout: 30_000 });
    await screenshot(agency, "hall-agency-confirmed");
  });

  it("after the confirmation period the signed opening record is downloadable and the agency closes the opening", async () => {
    await clockTo(new Date(deadline.getTime() + 95 * 60_000)); // 30-minute confirmation period over
    await agency.reload();
    await hydrated(agency);
    const link = agency.getByTestId("opening-record-pdf");
    await link.waitFor({ timeout: 30_000 });
    const download = agency.waitForEvent("download");
    await link.click();
    const file = path.join(dir, "opening-record.pdf");
    await (await download).saveAs(file);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe("%PDF-");
    const text = execFileSync("pdftotext", ["-raw", file, "-"]).toString();
    expect(text).toContain("开标记录表");
    expect(text).toContain("视为撤销");
    expect(text).toContain("唱标记录无误");
    // Decision 46: the sign-in list by certificate subject, and the people who opened and recorded it.
    const flat = text.replace(/\s+/g, "");
    for (const person of ["张伟", "黄磊", "林芳", "吴刚"]) expect(flat).toContain(person);
    expect(flat).toContain("开标人：福州建工招标代理有限公司（李强）");
    expect(flat).toContain("记录人：福州建工招标代理有限公司（李强）");
    expect(flat).toContain("监标人：无（行政监督部门未派员监标）");
    await agency.getByRole("button", { name: "结束开标" }).click();
    await agency.locator('[data-testid="opening-phase"][data-phase="closed"]').waitFor();
    await screenshot(agency, "hall-agency-closed");
  });
});
