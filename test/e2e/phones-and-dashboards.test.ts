import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 13: every role's dashboard and the bidder's pages at a desk (1366 px) and on a phone
 * (390 px): screenshots in test-results/ (ui-*.png), no page wider than its viewport, no React
 * hydration error in the console, the header on one line at a desk and behind a menu on a phone.
 */
const WIDTHS = [1366, 390] as const;
const ROLES = [
  { role: "bidder", email: "bidder1@demo.bidhall.cn" },
  { role: "agency", email: "agency@demo.bidhall.cn" },
  { role: "tenderer", email: "tenderer@demo.bidhall.cn" },
  { role: "operator", email: "operator@demo.bidhall.cn" },
  { role: "regulator", email: "regulator@demo.bidhall.cn" },
  { role: "guarantor", email: "guarantor@demo.bidhall.cn" },
  { role: "finance", email: "finance@demo.bidhall.cn" },
] as const;

/** React's hydration complaints, in development words and as production's minified error numbers. */
const HYDRATION = /hydrat|did not match|Minified React error #(418|419|421|422|423|425)/i;

describe("dashboards and the bidder's pages at 1366 px and on a 390 px phone", () => {
  let server: RunningServer;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(width: number) {
    const context = await browser.newContext({
      viewport: { width, height: width < 600 ? 844 : 800 },
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
      ...(width < 600 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" && HYDRATION.test(m.text())) problems.push(`${page.url()} @${width}: ${m.text()}`);
    });
    page.on("pageerror", (e) => {
      if (HYDRATION.test(String(e))) problems.push(`${page.url()} @${width}: ${String(e)}`);
    });
    return { context, page };
  }

  /** Looks at the page as it stands: screenshot, nothing wider than the viewport, no hydration error. */
  async function look(page: Page, name: string, width: number) {
    await hydrated(page);
    // A hydration error is reported right after hydrating; give it the same turn to arrive.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    await screenshot(page, `ui-${name}-${width}`);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${name} at ${width}px is ${scrollWidth}px wide`).toBeLessThanOrEqual(innerWidth);
  }

  // Generous limits: seven logins per width on two cores shared with other engineers' runs.
  it.each(WIDTHS)(
    "shows every role its to-do list at %i px, fitting the screen, with no hydration error",
    async (width) => {
      {
        for (const { role, email } of ROLES) {
          const { context, page } = await open(width);
          await logInAs(page, server.url, email, DEMO_PASSWORD);
          await page.waitForURL(`${server.url}/dashboard`);
          await page.getByRole("heading", { name: "待办事项" }).waitFor();
          await look(page, `dashboard-${role}`, width);
          if (width === 1366 && (role === "operator" || role === "regulator")) {
            // One line: every top-level link and menu sits on the same row as the brand.
            const rows = await page.evaluate(() => {
              const tops = [...document.querySelectorAll(".topbar .brand, .nav > a, .nav-group__button, .topbar__right")].map((e) =>
                Math.round(e.getBoundingClientRect().top / 10),
              );
              return new Set(tops).size;
            });
            expect(rows, `${role}'s header rows at 1366px`).toBe(1);
          }
          if (width === 390) {
            await expect(page.locator(".nav").isVisible()).resolves.toBe(false);
            await page.getByTestId("menu-button").click();
            await expect(page.locator(".nav").isVisible()).resolves.toBe(true);
            await look(page, `menu-${role}`, width);
          }
          if (role === "operator") {
            await page.goto(`${server.url}/operator/audit`);
            await look(page, "audit", width);
            // Event types in words; every row with a person carries the client's address.
            await expect(page.locator('[data-type="person.logged_in"] .audit-type').first().textContent()).resolves.toContain("登录");
            const ips = await page.locator('tr:not([data-sealed]) [data-testid="audit-ip"]').allTextContents();
            expect(ips.length).toBeGreaterThan(0);
          }
          await context.close();
        }
      }
      expect(problems).toEqual([]);
    },
    600_000,
  );

  it.each(WIDTHS)(
    "lets a bidder work at %i px: announcements, registration, my bids, sealing, the receipt and the hall",
    async (width) => {
      {
        const { context, page } = await open(width);
        await page.goto(`${server.url}/announcements`);
        await look(page, "bidder-announcements-public", width);
        await logInAs(page, server.url, "bidder2@demo.bidhall.cn", DEMO_PASSWORD);
        await page.waitForURL(`${server.url}/dashboard`);
        await page.goto(`${server.url}/announcements`);
        await look(page, "bidder-announcements", width);
        const announcement = await page.locator('main a[href^="/announcements/"]').first().getAttribute("href");
        await page.goto(`${server.url}${announcement}`);
        await look(page, "bidder-announcement-registration", width);
        await page.goto(`${server.url}/bids`);
        await look(page, "bidder-my-bids", width);
        const sealing = await page.locator('main a[href$="/bid"]').allTextContents();
        expect(sealing.length).toBeGreaterThan(0);
        const hrefs = await page.locator('main a[href$="/bid"]').evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
        for (const [i, href] of hrefs.entries()) {
          await page.goto(`${server.url}${href}`);
          await look(page, `bidder-sealing-${i}`, width);
          const receipt = await page
            .locator('a[href^="/receipts/"]')
            .first()
            .getAttribute("href")
            .catch(() => null);
          if (receipt && !receipt.endsWith(".jws")) {
            await page.goto(`${server.url}${receipt}`);
            await look(page, `bidder-receipt-${i}`, width);
          }
          await page.goto(`${server.url}${href.replace(/\/bid$/, "/opening")}`);
          await look(page, `bidder-hall-${i}`, width);
        }
        await context.close();
      }
      expect(problems).toEqual([]);
    },
    600_000,
  );

  it("answers a non-SSE request to the hall's event stream with 406 and a sentence", async () => {
    const res = await fetch(`${server.url}/sections/00000000-0000-0000-0000-000000000000/opening/events`, {
      headers: { accept: "text/html" },
    });
    expect(res.status).toBe(406);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("EVENT_STREAM_ONLY");
    expect(body.error.message).toContain("text/event-stream");
  });
});
