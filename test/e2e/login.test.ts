import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

describe("logging in (demo people of several kinds)", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows each kind its own dashboard, in Chinese, then in English", async () => {
    const cases = [
      {
        email: "bidder1@demo.bidhall.cn",
        org: "福建海峡建设工程有限公司",
        todo: "bid.not_submitted",
        permission: "submit:bid:own",
      },
      {
        email: "agency@demo.bidhall.cn",
        org: "福州建工招标代理有限公司",
        todo: "opening.today",
        permission: "host:opening:own",
      },
      {
        email: "regulator@demo.bidhall.cn",
        org: "福州市住房和城乡建设局",
        todo: null,
        permission: "suspend:section:jurisdiction",
      },
    ];
    for (const c of cases) {
      const context = await newContext(browser);
      const page = await context.newPage();
      await logInAs(page, server.url, c.email, DEMO_PASSWORD);
      await page.waitForURL(`${server.url}/dashboard`);
      await expect(page.getByTestId("dashboard-title").textContent()).resolves.toContain(c.org);
      // The dashboard is a to-do list (issue 13); the permissions moved to the profile page.
      await page.getByRole("heading", { name: "待办事项" }).waitFor();
      if (c.todo) await expect(page.locator(`[data-testid="todo"] [data-kind="${c.todo}"]`).count()).resolves.toBeGreaterThan(0);
      await expect(page.locator("html").getAttribute("lang")).resolves.toBe("zh-CN");
      if (c.todo === "bid.not_submitted") await screenshot(page, "dashboard-bidder-zh");
      await page.goto(`${server.url}/profile`);
      await expect(page.locator(`[data-permission="${c.permission}"]`).count()).resolves.toBe(1);
      await context.close();
    }
  });

  it("switches the language to English and back", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInAs(page, server.url, "bidder1@demo.bidhall.cn", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByTestId("switch-language").click();
    await page.getByRole("heading", { name: "To do" }).waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");
    await expect(page.getByTestId("dashboard-title").textContent()).resolves.toContain("Dashboard");
    await screenshot(page, "dashboard-bidder-en");
    await page.getByTestId("switch-language").click();
    await page.getByRole("heading", { name: "待办事项" }).waitFor();
    await context.close();
  });

  it("explains a wrong password without saying which part was wrong", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInAs(page, server.url, "agency@demo.bidhall.cn", "not-the-password");
    const alert = page.locator('[data-error-code="LOGIN_FAILED"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe("邮箱或密码错误。");
    await expect(page.getByLabel("邮箱").inputValue()).resolves.toBe("agency@demo.bidhall.cn"); // nothing typed is lost but the password
    await screenshot(page, "login-wrong-password");
    await context.close();
  });

  it("answers 403 for another organisation's page", async () => {
    const agency = await newContext(browser);
    const agencyPage = await agency.newPage();
    await logInAs(agencyPage, server.url, "agency@demo.bidhall.cn", DEMO_PASSWORD);
    await agencyPage.waitForURL(`${server.url}/dashboard`);
    const agencyOrgPath = await agencyPage.locator('[data-nav="organisation"]').getAttribute("href");
    expect(agencyOrgPath).toMatch(/^\/organisations\/[0-9a-f-]{36}$/);

    const bidder = await newContext(browser);
    const page = await bidder.newPage();
    await logInAs(page, server.url, "bidder1@demo.bidhall.cn", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    for (const path of [agencyOrgPath!, `${agencyOrgPath}/members`]) {
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status()).toBe(403);
      await expect(page.locator(".error-page").getAttribute("data-status")).resolves.toBe("403");
      await expect(page.locator(".error-page p").first().textContent()).resolves.toContain("无权");
    }
    // The agency itself can read its page.
    const own = await agencyPage.goto(`${server.url}${agencyOrgPath}`);
    expect(own?.status()).toBe(200);
    await agency.close();
    await bidder.close();
  });

  it("refuses a POST without the CSRF token", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInAs(page, server.url, "bidder1@demo.bidhall.cn", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    // The session cookie goes along (a cross-site form would carry it too); the token does not.
    const noToken = await context.request.post(`${server.url}/logout`, { form: { intent: "logout" }, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
    const wrongToken = await context.request.post(`${server.url}/settings/language`, {
      form: { csrf: "forged-token-value-forged-token-value", lang: "en" },
      maxRedirects: 0,
    });
    expect(wrongToken.status()).toBe(403);
    // Still logged in: nothing happened.
    await page.reload();
    await expect(page.getByTestId("whoami").textContent()).resolves.toContain("张伟");
    await context.close();
  });

  it("lets the operator approve a waiting organisation, whose member then gets permissions", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInAs(page, server.url, "operator@demo.bidhall.cn", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByRole("button", { name: "平台管理" }).click();
    await page.getByRole("link", { name: "入驻审核" }).click();
    const row = page.getByTestId("pending-91350300MA2Y00008H");
    await row.waitFor();
    await screenshot(page, "operator-approvals");
    await row.getByRole("button", { name: "通过" }).click();
    await page.getByText("已通过“莆田新兴建材有限公司”的入驻申请。").waitFor();

    const member = await newContext(browser);
    const memberPage = await member.newPage();
    await logInAs(memberPage, server.url, "pending@demo.bidhall.cn", DEMO_PASSWORD);
    await memberPage.waitForURL(`${server.url}/dashboard`);
    await screenshot(memberPage, "approved-member-dashboard");
    await memberPage.goto(`${server.url}/profile`);
    await expect(memberPage.locator('[data-permission="submit:bid:own"]').count()).resolves.toBe(1);
    await context.close();
    await member.close();
  });
});
