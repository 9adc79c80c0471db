import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCitizenId } from "#app/domain/shared/citizen-id.ts";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot, watchCsp } from "./helpers/browser.ts";
import { enrolInBrowser } from "./helpers/certificates.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * The Content-Security-Policy (decision 26: scripts from this origin or with the response's nonce,
 * no inline styles, connections to this origin only, no frames, no objects) must not break the
 * app. Chromium walks the main pages as the public, a bidder, the agency and the operator —
 * including certificate enrolment (WebCrypto, IndexedDB, a PKCS#12 download), sealing and a tus
 * upload, and the opening hall's live stream (EventSource) — and reports no violation.
 */
describe("the Content-Security-Policy in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const watchers: (() => string[])[] = [];
  let projectId: string;
  let sectionId: string;

  beforeAll(async () => {
    // A clock that stands still: the demo section's deadline stays ten minutes away throughout.
    [server, browser] = await Promise.all([startServer({ clock: `fixed:${new Date().toISOString()}` }), launchBrowser()]);
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    const row = (await db.query<{ id: string; project_id: string }>("select id, project_id from sections where name = '道路工程施工'"))
      .rows[0]!;
    await db.end();
    sectionId = row.id;
    projectId = row.project_id;
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function watchedPage(): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    watchers.push(await watchCsp(context));
    return context.newPage();
  }
  const violations = () => watchers.flatMap((w) => w());

  async function visit(page: Page, paths: string[]) {
    for (const p of paths) {
      const res = await page.goto(`${server.url}${p}`);
      expect(res?.status(), p).toBeLessThan(400);
      await hydrated(page);
    }
  }

  it("notices a violation when there is one (the watcher works)", async () => {
    const page = await watchedPage();
    await visit(page, ["/announcements"]);
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = true"; // an inline script without the nonce
      document.body.append(s);
    });
    await expect.poll(() => violations().length).toBeGreaterThan(0);
    expect(violations()[0]).toContain("script-src");
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    watchers.length = 0; // the control's own violation is not the app's
  });

  it("the public pages and the opening hall's live stream", async () => {
    const page = await watchedPage();
    await visit(page, ["/", "/announcements", `/announcements/${projectId}`, "/login", "/signup", "/pki"]);
    await visit(page, [`/sections/${sectionId}/opening`]);
    await page.locator('[data-testid="live"][data-connected="true"]').waitFor({ timeout: 30_000 });
    expect(violations()).toEqual([]);
  });

  it("a bidder: dashboard, certificate enrolment (WebCrypto, IndexedDB, download), sealing and a tus upload, the receipt, the hall", async () => {
    const page = await watchedPage();
    await logInAs(page, server.url, "bidder1@demo.bidhall.cn", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    await visit(page, ["/dashboard", "/bids", "/api-tokens"]);
    await enrolInBrowser(page, server.url, "备份密码-CSP-2026");
    await visit(page, [`/sections/${sectionId}/bid`]);
    const form = page.getByTestId("opening-form");
    await form.getByLabel("投标报价").fill("12,345,678.90");
    await form.getByLabel("工期（日历天）").fill("540");
    await form.getByLabel("质量标准").selectOption("合格");
    await form.getByLabel("项目经理 · 姓名").fill("李建国");
    await form.getByLabel("项目经理 · 身份证号码").fill(makeCitizenId("35010219800101123"));
    await page.getByLabel("保函编号 / 信用承诺书编号").fill("BG-2026-000123");
    await page.getByRole("button", { name: "封装并加密" }).click();
    await page.getByTestId("sealed").waitFor({ timeout: 90_000 });
    const backup = page.waitForEvent("download");
    await page.getByTestId("backup-download").click(); // a blob: URL
    await (await backup).path();
    await page.getByTestId("upload").click();
    await page.waitForURL(/\/receipts\/[0-9A-Z]{26}$/, { timeout: 120_000 }).catch(async (e: unknown) => {
      await screenshot(page, "csp-upload-stuck");
      throw e;
    });
    await hydrated(page);
    await page.getByTestId("receipt-signature").waitFor();
    await visit(page, [`/sections/${sectionId}/opening`]);
    await page.locator('[data-testid="live"][data-connected="true"]').waitFor({ timeout: 30_000 });
    expect(violations()).toEqual([]);
  });

  it("the agency, the regulator and the operator at their pages", async () => {
    for (const [email, paths] of [
      ["agency@demo.bidhall.cn", ["/projects", `/projects/${projectId}`, "/projects/new", `/sections/${sectionId}/opening`]],
      ["regulator@demo.bidhall.cn", ["/regulator/projects", "/regulator/openings", "/ledger"]],
      [
        "operator@demo.bidhall.cn",
        ["/operator/approvals", "/operator/audit", "/operator/rule-sets", "/operator/calendar", "/operator/credit", "/operator/incidents"],
      ],
    ] as const) {
      const page = await watchedPage();
      await logInAs(page, server.url, email, DEMO_PASSWORD);
      await page.waitForURL(`${server.url}/dashboard`);
      await visit(page, [...paths]);
    }
    expect(violations()).toEqual([]);
  });
});
