import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { enrolInBrowser } from "./helpers/certificates.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 13 in Chromium on the demo data: the agency finds its openings under 开标 and from the
 * project page; the tenderer follows with the host's read view; a bidder without its key is told
 * what it can still do; removing the only key asks first and says whether a backup was downloaded;
 * a failed (流标) hall offers no action. Screenshots at 1366 px and 390 px go to test-results/.
 */
describe("no dead ends in the hall, and the openings found", () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let sections: Record<"today" | "readyToOpen", { id: string; code: string; projectId: string; deadline: Date }>;
  let serverNow: Date;

  const hall = (id: string) => `${server.url}/sections/${id}/opening`;

  beforeAll(async () => {
    serverNow = new Date(Math.floor(Date.now() / 1000) * 1000);
    [server, browser] = await Promise.all([startServer({ clock: `fixed:${serverNow.toISOString()}` }), launchBrowser()]);
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    const row = async (name: string) => {
      const r = (
        await db.query<{ id: string; code: string; project_id: string; deadline_at: Date }>(
          "select id, code, project_id, deadline_at from sections where name = $1",
          [name],
        )
      ).rows[0]!;
      return { id: r.id, code: r.code, projectId: r.project_id, deadline: r.deadline_at };
    };
    sections = { today: await row("道路工程施工"), readyToOpen: await row("桥梁工程施工") };
    await db.end();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function pageAs(email: string): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await logInAs(page, server.url, email, DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    return page;
  }

  /** A screenshot at 1366 px and one at 390 px; the element named must not be wider than the phone's viewport. */
  async function bothWidths(page: Page, name: string, testId: string) {
    await screenshot(page, `${name}-1366`);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, `${name}-390`);
    // Nothing of it reaches past the phone's width (a wide table scrolls inside its own panel).
    const overflowing = await page
      .getByTestId(testId)
      .evaluate((el) =>
        [el, ...el.querySelectorAll("section, h1, h2, p, dl, form, .alert, .phase")]
          .filter((c) => c.getBoundingClientRect().right > window.innerWidth + 1)
          .map((c) => `${c.tagName.toLowerCase()}.${c.className}[${c.getAttribute("data-testid") ?? ""}]`),
      );
    expect(overflowing).toEqual([]);
    await page.setViewportSize({ width: 1366, height: 800 });
  }

  it("the agency finds today's openings under 开标 with their phase, and the hall from the project page", async () => {
    const agency = await pageAs("agency@demo.bidhall.cn");
    await agency.getByRole("link", { name: "开标", exact: true }).click();
    await agency.waitForURL(`${server.url}/openings`);
    await hydrated(agency);
    const ready = agency.getByTestId(`opening-${sections.readyToOpen.code}`);
    await expect(ready.getAttribute("data-phase")).resolves.toBe("awaiting-window");
    await expect(ready.textContent()).resolves.toContain("主持");
    await expect(agency.getByTestId(`opening-${sections.today.code}`).getAttribute("data-phase")).resolves.toMatch(
      /^(scheduled|signing-in)$/,
    );
    await bothWidths(agency, "openings-agency", "openings");

    await agency.goto(`${server.url}/projects/${sections.readyToOpen.projectId}`);
    await hydrated(agency);
    await agency.getByTestId(`section-${sections.readyToOpen.code}`).getByTestId("hall-link").click();
    await agency.waitForURL(hall(sections.readyToOpen.id));
    await hydrated(agency);
    await expect(agency.getByTestId("opening-hall").getAttribute("data-viewer")).resolves.toBe("host");
    // Waiting for the window: publishing the list is offered; 宣布流标 only on a ground that needs no
    // reading-out (decision 39), such as a violation affecting fairness.
    await agency.getByRole("button", { name: "公布投标人名单" }).waitFor();
    await expect(agency.getByRole("button", { name: "宣布流标" }).count()).resolves.toBe(1);
    const grounds = await agency.locator('select[name="ground"] option').allTextContents();
    expect(grounds.join("|")).toMatch(/公正/);
    await agency.getByTestId("officials").waitFor();
    await expect(agency.getByTestId("choose-recorder").locator("option").count()).resolves.toBeGreaterThan(1);
  });

  it("the tenderer follows the opening with the host's read view, without the host's controls", async () => {
    const tenderer = await pageAs("tenderer@demo.bidhall.cn");
    await tenderer.getByRole("link", { name: "开标", exact: true }).click();
    await tenderer.waitForURL(`${server.url}/openings`);
    const row = tenderer.getByTestId(`opening-${sections.readyToOpen.code}`);
    await expect(row.textContent()).resolves.toContain("招标人（查看）");
    await row.getByRole("link", { name: "进入开标大厅" }).click();
    await tenderer.waitForURL(hall(sections.readyToOpen.id));
    await hydrated(tenderer);
    await expect(tenderer.getByTestId("opening-hall").getAttribute("data-viewer")).resolves.toBe("tenderer");
    await tenderer.getByTestId("tenderer-note").waitFor();
    await tenderer.getByTestId("sign-ins").waitFor();
    await tenderer.getByTestId("officials").waitFor();
    await expect(tenderer.getByTestId("host-console").count()).resolves.toBe(0);
    await expect(tenderer.getByTestId("choose-recorder").count()).resolves.toBe(0);
  });

  it("the regulator's 开标 entry leads to its desk of openings", async () => {
    const regulator = await pageAs("regulator@demo.bidhall.cn");
    await regulator.getByRole("link", { name: "开标", exact: true }).click();
    await regulator.waitForURL(`${server.url}/regulator/openings`);
    await regulator.getByTestId(`opening-${sections.readyToOpen.code}`).waitFor();
  });

  it("a bidder without its key on this computer is told, in words, what it can still do", async () => {
    const bidder = await pageAs("bidder2@demo.bidhall.cn");
    await bidder.goto(hall(sections.readyToOpen.id));
    await hydrated(bidder);
    await expect(bidder.getByTestId("opening-hall").getAttribute("data-viewer")).resolves.toBe("bidder");
    const help = bidder.getByTestId("no-key");
    await help.waitFor();
    const text = (await help.textContent()) ?? "";
    expect(text).toContain("导入证书备份");
    expect(text).toContain("其他");
    expect(text).toMatch(/补救|未设补救措施/);
    expect(text).not.toMatch(/recipient|info/i);
    await help.getByRole("link", { name: "去导入证书备份" }).waitFor();
    await expect(bidder.getByRole("button", { name: "证书签到" }).count()).resolves.toBe(0);
    await bothWidths(bidder, "hall-bidder-without-key", "opening-hall");
    await help.getByRole("link", { name: "去导入证书备份" }).click();
    await bidder.waitForURL(`${server.url}/certificates`);
    await bidder.getByTestId("import-panel").waitFor();
  });

  it("removing the only key on this computer asks first and says that its backup was offered for download", async () => {
    const bidder = await pageAs("bidder1@demo.bidhall.cn");
    const serial = await enrolInBrowser(bidder, server.url, "备份密码-张伟-2026");
    const local = bidder.getByTestId("local-certificates");
    await local.getByRole("button", { name: "从本机移除" }).click();
    const ask = local.getByTestId("confirm-remove");
    await expect(ask.getByTestId("remove-only-key").getAttribute("data-only")).resolves.toBe("true");
    await expect(ask.getByTestId("remove-backup").getAttribute("data-origin")).resolves.toBe("enrolment");
    await expect(ask.getByTestId("remove-backup").textContent()).resolves.toContain(`bidhall-张伟-${serial.slice(0, 8)}.p12`);
    await screenshot(bidder, "certificates-confirm-remove-1366");
    await ask.getByRole("button", { name: "取消" }).click();
    await expect(local.locator(`tr[data-serial="${serial}"]`).count()).resolves.toBe(1);
    await local.getByRole("button", { name: "从本机移除" }).click();
    await local.getByRole("button", { name: "确认移除" }).click();
    await local.locator(`tr[data-serial="${serial}"]`).waitFor({ state: "detached" }); // removed from IndexedDB, then rendered
    await expect(local.textContent()).resolves.toContain("本机尚未导入证书");
  });

  it("a failed (流标) hall offers no action that can no longer work", async () => {
    // Nobody bids in today's section: at its deadline it fails for too few bids.
    const seconds = (sections.today.deadline.getTime() - serverNow.getTime()) / 1000 + 60;
    serverNow = new Date(await server.advanceClock(seconds));
    const agency = await pageAs("agency@demo.bidhall.cn");
    await agency.goto(hall(sections.today.id));
    await hydrated(agency);
    await agency.locator('[data-testid="opening-phase"][data-phase="failed"]').waitFor({ timeout: 30_000 });
    await agency.getByTestId("failure-banner").waitFor();
    await agency.getByTestId("host-console").getByTestId("hall-over").waitFor();
    for (const name of ["宣布流标", "公布投标人名单", "开启解密", "结束开标", "发送"])
      await expect(agency.getByRole("button", { name }).count()).resolves.toBe(0);
    await expect(agency.getByTestId("host-console").locator("form").count()).resolves.toBe(0);
    await expect(agency.getByTestId("choose-recorder").count()).resolves.toBe(0);
    await bothWidths(agency, "hall-failed-agency", "opening-hall");

    // Its deadline is today: the list keeps it under today, marked 流标.
    await agency.goto(`${server.url}/openings`);
    const row = agency.getByTestId(`opening-${sections.today.code}`);
    await expect(row.getAttribute("data-phase")).resolves.toBe("failed");
  });
});
