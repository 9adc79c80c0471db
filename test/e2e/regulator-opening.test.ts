import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * The opening's desks in the browser, the platform clock standing at 2026-11-23 09:00 Beijing
 * time: the operator records a platform incident; the regulator suspends the opening of the demo
 * project's first section (closing ten minutes after start-up) with a reason and resumes it.
 */
const FIRST_SECTION = "E3501002026000001001";

describe("the regulator's and the operator's opening desks", () => {
  let server: RunningServer;
  let browser: Browser;

  const pageAs = async (email: string): Promise<Page> => {
    const page = await (await newContext(browser)).newPage();
    await logInAs(page, server.url, email, DEMO_PASSWORD);
    return page;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ clock: "fixed:2026-11-23T09:00:00+08:00" }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("the operator records a platform incident, after a span ending before it starts is refused, and sees it in the table", async () => {
    const page = await pageAs("operator@demo.bidhall.cn");
    await page.getByRole("navigation", { name: "main" }).getByRole("button", { name: "平台管理" }).click();
    await page.getByRole("navigation", { name: "main" }).getByRole("link", { name: "平台故障" }).click();
    await page.waitForURL(/\/operator\/incidents$/);
    await hydrated(page);
    await page.getByLabel("故障开始").fill("2026-11-23T08:30");
    await page.getByLabel("故障结束").fill("2026-11-23T08:00");
    await page.getByLabel("故障说明").fill("对象存储服务不可用");
    await page.getByRole("button", { name: "记录故障" }).click();
    await page.getByText("结束时间须晚于开始时间。").waitFor();
    await screenshot(page, "regulator-opening-incident-refused");

    await page.getByLabel("故障结束").fill("2026-11-23T08:45");
    await page.getByRole("button", { name: "记录故障" }).click();
    await page.getByTestId("incident-recorded").waitFor();
    const row = page.getByTestId("incidents").locator("tbody tr");
    await row.first().waitFor(); // the table re-renders after the action's revalidation
    await expect(row.count()).resolves.toBe(1);
    const text = await row.first().textContent();
    expect(text).toContain("2026/11/23 08:30:00 – 2026/11/23 08:45:00");
    expect(text).toContain("对象存储服务不可用");
    expect(text).toContain("王敏");
    expect(text).toContain("2026/11/23 09:00:00");
    await screenshot(page, "regulator-opening-incidents");
    await page.context().close();
  });

  it("the regulator suspends the first section's opening with a reason, sees it suspended, and resumes it", async () => {
    const page = await pageAs("regulator@demo.bidhall.cn");
    await page.getByRole("navigation", { name: "main" }).getByRole("link", { name: "开标", exact: true }).click();
    await page.waitForURL(/\/regulator\/openings$/);
    await hydrated(page);
    const row = page.getByTestId(`opening-${FIRST_SECTION}`);
    await expect(row.getByTestId("phase").textContent()).resolves.toBe("待开标（签到尚未开始）");
    await expect(row.textContent()).resolves.toContain("2026/11/23 09:10:00");
    await expect(row.getByRole("link", { name: "进入" }).getAttribute("href")).resolves.toMatch(/^\/sections\/[0-9a-f-]{36}\/opening$/);
    // The demo project's four sections (db/seed/tendering.ts): two open, one ready to open, one finished.
    await expect(page.getByTestId("regulator-openings").locator("tbody tr").count()).resolves.toBe(4);
    await screenshot(page, "regulator-opening-list");

    await row.getByLabel(`理由 ${FIRST_SECTION}`).fill("收到投诉，暂停开标调查");
    await row.getByRole("button", { name: "暂停开标" }).click();
    await page.getByTestId("opening-action-done").filter({ hasText: "已暂停" }).waitFor();
    await row.getByTestId("phase").filter({ hasText: "暂停" }).waitFor();
    await expect(row.getByTestId("suspension").textContent()).resolves.toContain("收到投诉，暂停开标调查");
    await expect(row.getByLabel(`理由 ${FIRST_SECTION}`).inputValue()).resolves.toBe("");
    await screenshot(page, "regulator-opening-suspended");

    await row.getByLabel(`理由 ${FIRST_SECTION}`).fill("调查结束，恢复开标");
    await row.getByRole("button", { name: "恢复开标" }).click();
    await page.getByTestId("opening-action-done").filter({ hasText: "已恢复" }).waitFor();
    await row
      .getByTestId("phase")
      .filter({ hasText: /^待开标（签到尚未开始）$/ })
      .waitFor();
    await expect(row.getByTestId("suspension").count()).resolves.toBe(0);
    await screenshot(page, "regulator-opening-resumed");
    await page.context().close();
  });
});
