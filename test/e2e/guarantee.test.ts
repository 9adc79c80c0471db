import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCitizenId } from "#app/domain/shared/citizen-id.ts";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { silentLog } from "../integration/helpers/test-app.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { enrolInBrowser } from "./helpers/certificates.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 14 in Chromium (decision 0070): the demo guarantor underwrites a bidder's application in
 * its portal and issues the guarantee by signing the letter in the browser; the ledger issues it;
 * the bidder declares its ledger id in the sealed bid and submits; at the opening the hall shows
 * the guarantee verified, the tenderer's guarantee page too, and the signed opening record says
 * 已核验. The guarantor's and the bidder's pages are looked at on a 390 px phone as well.
 *
 * Everything is driven in the browser: the bidder's guarantee pages (decision 0072, w-gbid) and the
 * guarantor's portal (decision 0070).
 */
const SEALERS = [
  { email: "bidder1@demo.bidhall.cn", price: "9,800,000.00", manager: "李建国" },
  { email: "bidder2@demo.bidhall.cn", price: "9,650,000.00", manager: "王海" },
  { email: "bidder3@demo.bidhall.cn", price: "9,900,000.50", manager: "陈明" },
] as const;

describe("electronic bid guarantees from the guarantor's portal to the opening record", () => {
  let server: RunningServer;
  let browser: Browser;
  /** The server's database, to read what a page does not show (the application's id). */
  let services: AppContext & { close(): Promise<void> };
  const contexts: BrowserContext[] = [];
  const bidderPages: Page[] = [];
  let guarantor: Page;
  let agency: Page;
  let sectionId: string;
  let deadline: Date;
  let serverNow: Date;
  let applicationId: string;
  let ledgerId: string;
  let bidder1Uscc: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-guarantee-e2e-"));

  const hall = () => `${server.url}/sections/${sectionId}/opening`;
  async function clockTo(at: Date) {
    const seconds = (at.getTime() - serverNow.getTime()) / 1000;
    if (seconds > 0) serverNow = new Date(await server.advanceClock(seconds));
  }
  beforeAll(async () => {
    serverNow = new Date(Math.floor(Date.now() / 1000) * 1000);
    [server, browser] = await Promise.all([startServer({ clock: `fixed:${serverNow.toISOString()}` }), launchBrowser()]);
    const handle = await createDb({ databaseUrl: server.databaseUrl, dataDir: server.dataDir, poolSize: 2 });
    services = {
      config: loadConfig({ BIDHALL_MODE: "embedded", BIDHALL_DATA_DIR: server.dataDir, PUBLIC_URL: server.url }),
      db: handle.db,
      dbHandle: handle,
      clock: createClock(`fixed:${serverNow.toISOString()}`),
      secrets: { session: "unused-by-these-services-but-long-enough" },
      log: silentLog,
      close: () => handle.close(),
    } as AppContext & { close(): Promise<void> };
    const section = await services.db
      .selectFrom("sections")
      .select(["id", "deadline_at"])
      .where("name", "=", "道路工程施工")
      .executeTakeFirstOrThrow();
    [sectionId, deadline] = [section.id, section.deadline_at];
    bidder1Uscc = (
      await services.db
        .selectFrom("organisations as o")
        .innerJoin("memberships as m", "m.organisation_id", "o.id")
        .innerJoin("people as p", "p.id", "m.person_id")
        .select("o.uscc")
        .where("p.email", "=", SEALERS[0].email)
        .executeTakeFirstOrThrow()
    ).uscc;
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await services?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function newPage(width = 1366): Promise<Page> {
    const context =
      width === 1366
        ? await newContext(browser)
        : await browser.newContext({
            viewport: { width, height: 844 },
            locale: "zh-CN",
            timezoneId: "Asia/Shanghai",
            isMobile: true,
            hasTouch: true,
            deviceScaleFactor: 2,
          });
    contexts.push(context);
    return context.newPage();
  }

  /** A screenshot, and nothing wider than the viewport. */
  async function look(page: Page, name: string) {
    await hydrated(page);
    await screenshot(page, name);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${name} is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
  }

  it("the bidder applies on its guarantee page, choosing the demo guarantor; the guarantor approves it in its portal", async () => {
    const bidder = await newPage();
    bidderPages.push(bidder);
    await logInAs(bidder, server.url, SEALERS[0].email, DEMO_PASSWORD);
    await bidder.waitForURL(`${server.url}/dashboard`);
    await bidder.goto(`${server.url}/sections/${sectionId}/guarantee`);
    await hydrated(bidder);
    await bidder.getByTestId("guarantor-option").filter({ hasText: "兴业银行股份有限公司福州分行" }).locator("input").check();
    await bidder.getByTestId("apply-submit").click();
    await bidder.locator('[data-testid="guarantee-application"]').waitFor();
    applicationId = (
      await services.db
        .selectFrom("guarantee_applications")
        .select("id")
        .where("section_id", "=", sectionId)
        .where("status", "=", "submitted")
        .executeTakeFirstOrThrow()
    ).id;

    guarantor = await newPage();
    await logInAs(guarantor, server.url, "guarantor@demo.bidhall.cn", DEMO_PASSWORD);
    await guarantor.waitForURL(`${server.url}/dashboard`);
    await guarantor.locator('[data-kind="guarantee.underwrite"]').waitFor();
    await guarantor.goto(`${server.url}/guarantor/applications`);
    await hydrated(guarantor);
    await look(guarantor, "guarantee-portal-applications-1366");
    await guarantor.getByTestId("open-application").first().click();
    await guarantor.waitForURL(`${server.url}/guarantor/applications/${applicationId}`);
    await hydrated(guarantor);
    await expect(guarantor.getByTestId("application-terms").textContent()).resolves.toContain("福州市城市建设投资集团有限公司");
    await guarantor.getByTestId("approve").click();
    await guarantor.locator('[data-testid="application-status"][data-status="approved"]').waitFor();
  });

  it("after the bidder pays the fee, the guarantor's signer signs the letter in the browser and the ledger issues the guarantee", async () => {
    const bidder = bidderPages[0]!;
    await bidder.goto(`${server.url}/sections/${sectionId}/guarantee`);
    await hydrated(bidder);
    await bidder.getByTestId("pay-fee").getByRole("button").click();
    await bidder.getByTestId("fee-paid").waitFor();
    await enrolInBrowser(guarantor, server.url, "担保机构备份密码-2026");
    await guarantor.goto(`${server.url}/guarantor/applications/${applicationId}`);
    await hydrated(guarantor);
    await expect(guarantor.getByTestId("fee").textContent()).resolves.toContain("BHF-");
    await guarantor.getByTestId("start-issue").click();
    await guarantor.getByTestId("sign-letter").waitFor();
    await guarantor.getByTestId("sign-document-start").click();
    await guarantor.getByTestId("sign-document-confirm").click({ timeout: 60_000 });
    // Once signed, the page reloads its data: the letter no longer awaits a signature, the ledger's answer is awaited.
    // The outbox issues it on the ledger; the page looks again by itself until the answer is there.
    await guarantor
      .locator('[data-testid="guarantee-status"][data-status="issued"]')
      .waitFor({ timeout: 90_000 })
      .catch(async (e: unknown) => {
        await screenshot(guarantor, "guarantee-issue-stuck");
        throw e;
      });
    ledgerId = (await guarantor.getByTestId("ledger-id").textContent())!.trim();
    expect(ledgerId).toMatch(/^0x[0-9a-f]{64}$/);
    await look(guarantor, "guarantee-portal-issued-1366");
    await guarantor.goto(`${server.url}/guarantor/guarantees`);
    await guarantor.locator('[data-testid="guarantee"][data-status="issued"]').waitFor();
  });

  it("the guarantor's portal fits a 390 px phone", async () => {
    const phone = await newPage(390);
    await logInAs(phone, server.url, "guarantor@demo.bidhall.cn", DEMO_PASSWORD);
    await phone.waitForURL(`${server.url}/dashboard`);
    for (const [name, url] of [
      ["applications", "/guarantor/applications"],
      ["application", `/guarantor/applications/${applicationId}`],
      ["guarantees", "/guarantor/guarantees"],
      ["claims", "/guarantor/claims"],
      ["products", "/guarantor/products"],
    ] as const) {
      await phone.goto(`${server.url}${url}`);
      await look(phone, `guarantee-portal-${name}-390`);
    }
  });

  /** One bidder: log in, enrol a certificate in this browser, seal and submit, declaring `reference` as its security. */
  async function sealAndSubmit(page: Page, b: (typeof SEALERS)[number], reference: string | "platform") {
    if (reference !== "platform") {
      await logInAs(page, server.url, b.email, DEMO_PASSWORD);
      await page.waitForURL(`${server.url}/dashboard`);
    }
    await enrolInBrowser(page, server.url, `备份密码-${b.manager}-2026`);
    await page.goto(`${server.url}/sections/${sectionId}/bid`);
    await hydrated(page);
    const form = page.getByTestId("opening-form");
    await form.getByLabel("投标报价").fill(b.price);
    await form.getByLabel("工期（日历天）").fill("360");
    await form.getByLabel("质量标准").selectOption("合格");
    await form.getByLabel("项目经理 · 姓名").fill(b.manager);
    await form.getByLabel("项目经理 · 身份证号码").fill(makeCitizenId(`350102198001${10 + SEALERS.indexOf(b)}123`));
    if (reference === "platform") {
      // The sealing page offers the organisation's issued guarantee: choosing it declares its ledger id.
      await page.getByTestId("declarable-guarantee").filter({ hasText: ledgerId }).locator("input").check();
      await page.getByTestId("guarantee-chosen").waitFor();
      await expect(page.getByLabel("保函编号 / 信用承诺书编号").inputValue()).resolves.toBe(ledgerId);
    } else await page.getByLabel("保函编号 / 信用承诺书编号").fill(reference);
    await page.getByRole("button", { name: "封装并加密" }).click();
    await page.getByTestId("upload").click({ timeout: 60_000 });
    await page.waitForURL(/\/receipts\//, { timeout: 60_000 });
  }

  it("the bidder declares the guarantee's ledger id in its sealed bid and submits; two more bidders submit", async () => {
    for (let i = 1; i < SEALERS.length; i++) bidderPages.push(await newPage());
    await Promise.all([sealAndSubmit(bidderPages[0]!, SEALERS[0], "platform"), sealAndSubmit(bidderPages[1]!, SEALERS[1], "BG-2026-0002")]);
    await sealAndSubmit(bidderPages[2]!, SEALERS[2], "BG-2026-0003");
    // The bidder's sealing page on a phone.
    const phone = await newPage(390);
    await logInAs(phone, server.url, SEALERS[0].email, DEMO_PASSWORD);
    await phone.waitForURL(`${server.url}/dashboard`);
    await phone.goto(`${server.url}/sections/${sectionId}/bid`);
    await look(phone, "guarantee-bidder-bid-390");
    await phone.goto(`${server.url}/sections/${sectionId}/guarantee`);
    await phone.locator('[data-testid="guarantee-application"][data-status="issued"]').waitFor();
    await look(phone, "guarantee-bidder-guarantee-390");
    await phone.goto(`${server.url}/guarantees`);
    await look(phone, "guarantee-bidder-guarantees-390");
  });

  it("at the opening the guarantee is verified and bound: the hall shows it to the host and to the bidder", async () => {
    agency = await newPage();
    await logInAs(agency, server.url, "agency@demo.bidhall.cn", DEMO_PASSWORD);
    await agency.waitForURL(`${server.url}/dashboard`);
    await clockTo(new Date(deadline.getTime() - 4 * 60_000));
    for (const page of bidderPages) {
      await page.goto(hall());
      await hydrated(page);
      await page.getByRole("button", { name: "证书签到" }).click();
      await page.getByTestId("signed-in").waitFor();
    }
    await clockTo(new Date(deadline.getTime() + 1000));
    await agency.goto(hall());
    await hydrated(agency);
    await agency.getByRole("button", { name: "公布投标人名单" }).click();
    await agency.getByRole("button", { name: "开启解密" }).click();
    await agency.getByTestId("window-remaining").waitFor();
    for (const page of bidderPages) {
      await page.locator('[data-testid="live"][data-connected="true"]').waitFor({ timeout: 30_000 });
      await page.getByTestId("decrypt").click();
      await expect(page.getByTestId("bidder-message").textContent({ timeout: 60_000 })).resolves.toContain("解密成功");
    }
    const own = bidderPages[0]!.locator('[data-testid="security-verification"]');
    await own.waitFor({ timeout: 30_000 });
    await expect(own.getAttribute("data-outcome")).resolves.toBe("verified");
    await expect(own.textContent()).resolves.toContain("已核验");
    await agency.reload();
    await hydrated(agency);
    const verification = agency.getByTestId(`credit-${bidder1Uscc}`).getByTestId("security-verification");
    await verification.waitFor({ timeout: 30_000 });
    await expect(verification.getAttribute("data-outcome")).resolves.toBe("verified");
    await screenshot(agency, "guarantee-hall-verified-1366");
    // The bidder's hall on a phone.
    const phone = await newPage(390);
    await logInAs(phone, server.url, SEALERS[0].email, DEMO_PASSWORD);
    await phone.waitForURL(`${server.url}/dashboard`);
    await phone.goto(hall());
    await look(phone, "guarantee-bidder-hall-390");
    // The guarantor sees it bound, on the ledger's word.
    await guarantor.goto(`${server.url}/guarantor/guarantees`);
    await guarantor.locator('[data-testid="guarantee"][data-status="bound"]').waitFor({ timeout: 60_000 });
  });

  it("the tenderer sees the bound guarantee verified; the opening record says 已核验", async () => {
    const tenderer = await newPage();
    await logInAs(tenderer, server.url, "tenderer@demo.bidhall.cn", DEMO_PASSWORD);
    await tenderer.waitForURL(`${server.url}/dashboard`);
    await tenderer.goto(`${server.url}/section-guarantees`);
    await hydrated(tenderer);
    await tenderer.getByTestId("guarantee-section").filter({ hasText: "道路工程施工" }).getByTestId("open-section-guarantees").click();
    await tenderer.waitForURL(`${server.url}/sections/${sectionId}/guarantees`);
    await hydrated(tenderer);
    const row = tenderer.getByTestId("section-guarantee").first();
    await expect(row.getByTestId("verification").getAttribute("data-outcome")).resolves.toBe("verified");
    await look(tenderer, "guarantee-tenderer-section-1366");

    await clockTo(new Date(deadline.getTime() + 61 * 60_000)); // the decryption window is over
    await agency.reload();
    await hydrated(agency);
    await agency.getByRole("button", { name: "唱标（公布唱标记录）" }).click();
    await agency.getByTestId(`reading-out-${bidder1Uscc}`).waitFor({ timeout: 30_000 });
    await clockTo(new Date(deadline.getTime() + 95 * 60_000)); // the confirmation period is over
    await agency.reload();
    await hydrated(agency);
    const link = agency.getByTestId("opening-record-pdf");
    await link.waitFor({ timeout: 60_000 });
    const download = agency.waitForEvent("download");
    await link.click();
    const file = path.join(dir, "opening-record.pdf");
    await (await download).saveAs(file);
    const text = execFileSync("pdftotext", ["-raw", file, "-"]).toString().replace(/\s+/g, "");
    expect(text).toContain("已核验");
    // The two bidders who named no platform guarantee fail verification, each with its reason.
    expect(text).toContain("核验未通过");
  });
});
