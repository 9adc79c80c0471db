import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Tendering in the browser, with the platform clock standing still at Monday 2026-11-23 09:00
 * (Beijing time) until the test moves it: an agency creates and publishes a project with two
 * sections, the public reads it, bidders register and download, a black-rated bidder is refused
 * with the reason, another bidder cannot learn who registered, and a late clarification is
 * refused until the deadline moves.
 */
const PROJECT = "福州市鼓楼区学校改扩建工程";
const PDF = Buffer.from("%PDF-1.7\n1 0 obj<<>>endobj\n% bidhall e2e tender documents\n%%EOF\n");

describe("tendering", () => {
  let server: RunningServer;
  let browser: Browser;
  let projectPath = "";

  const pageAs = async (email: string | null): Promise<Page> => {
    const context = await newContext(browser);
    const page = await context.newPage();
    if (email) await logInAs(page, server.url, email, DEMO_PASSWORD);
    return page;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ clock: "fixed:2026-11-23T09:00:00+08:00" }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("the operator imports credit data: one demo bidder is rated black", async () => {
    const page = await pageAs("operator@demo.bidhall.cn");
    await page.goto(`${server.url}/dashboard`);
    await expect(page.getByTestId("calendar-warning").textContent()).resolves.toContain("2026 年");
    await page.goto(`${server.url}/operator/credit`);
    await hydrated(page);
    await page.locator('input[type="file"]').setInputFiles({
      name: "credit.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        "uscc,grade,effective_from,effective_to,source,reason,ban_scope,ban_until\n91350500MA2Y00006M,black,2026-03-02,,泉州市中级人民法院,列入失信被执行人名单,,\n",
      ),
    });
    await page.getByRole("button", { name: "导入" }).click();
    await page.getByTestId("credit-imported").waitFor();
    await expect(page.getByTestId("standing-91350500MA2Y00006M").textContent()).resolves.toContain("泉州市中级人民法院");
    await page.context().close();
  });

  it("an agency creates a project with two sections, uploads the documents and publishes", async () => {
    const page = await pageAs("agency@demo.bidhall.cn");
    await page.goto(`${server.url}/projects/new`);
    await hydrated(page);
    await page.locator("#name").fill(PROJECT);
    await page.locator("#description").fill("两所小学教学楼改扩建，含室外工程。");
    for (const [i, estimate, security] of [
      [0, "12,345,678.90", "200000"],
      [1, "8000000", "160000"],
    ] as const) {
      await page.locator(`#s${i}-estimate`).fill(estimate);
      await page.locator(`#s${i}-security`).fill(security);
    }
    await expect(page.getByTestId("s0-estimate-capitals").textContent()).resolves.toBe("大写：壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整");
    await screenshot(page, "tendering-agency-form");
    await page.getByRole("button", { name: "保存项目（草稿）" }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    projectPath = new URL(page.url()).pathname.replace("/projects/", "/announcements/");
    await hydrated(page);

    // Publishing without documents is refused, saying so.
    await page.getByRole("button", { name: "发布公告并发出招标文件" }).click();
    await page.locator('[data-error-code="TENDER_DOCUMENTS_MISSING"]').waitFor();

    await page.locator("#doc-file").setInputFiles({ name: "招标文件.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByRole("button", { name: "上传", exact: true }).click();
    await page.getByText(/已上传第 1 版/).waitFor();
    await page.getByRole("button", { name: "发布公告并发出招标文件" }).click();
    await page.getByTestId("published").waitFor();
    // The phase comes from the loader, which revalidates just after the action's answer arrives.
    await page
      .getByTestId("section-E3501002026000002001")
      .getByTestId("phase")
      .filter({ hasText: /^公告中$/ })
      .waitFor();
    await page.context().close();
  });

  it("the public sees the announcement, the sections with a countdown, and the documents' SHA-256 but not the files", async () => {
    const page = await pageAs(null);
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/announcements$/);
    await hydrated(page);
    await page.getByRole("link", { name: `${PROJECT}招标公告` }).waitFor();
    await screenshot(page, "tendering-public-list");
    await page.locator('input[name="q"]').fill("学校");
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL(/q=/);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=announcements] tbody tr").length === 1);

    await page.getByRole("link", { name: `${PROJECT}招标公告` }).click();
    await page.waitForURL(`${server.url}${projectPath}`);
    await hydrated(page);
    await expect(page.getByTestId("countdown").first().textContent()).resolves.toMatch(/^25天 00:(30:00|29:5\d)$/);
    const sha = await page.getByTestId("sha256").textContent();
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    await expect(page.getByRole("link", { name: "下载" }).count()).resolves.toBe(0);
    await expect(page.getByTestId("registrations").count()).resolves.toBe(0);
    await screenshot(page, "tendering-public-project");
    await page.context().close();
  });

  it("a bidder registers and downloads the documents", async () => {
    const page = await pageAs("bidder1@demo.bidhall.cn");
    await page.goto(`${server.url}${projectPath}`);
    await hydrated(page);
    await page.getByTestId("section-E3501002026000002001").getByRole("button", { name: "报名" }).click();
    await page.getByText("报名成功：标段 E3501002026000002001").waitFor();
    const href = await page.getByRole("link", { name: "下载" }).getAttribute("href");
    const res = await page.context().request.get(`${server.url}${href}`);
    expect(res.status()).toBe(200);
    expect(Buffer.from(await res.body()).equals(PDF)).toBe(true);
    await page.context().close();
  });

  it("a black-rated bidder is refused, with the grade, its source and date", async () => {
    const page = await pageAs("bidder4@demo.bidhall.cn");
    await page.goto(`${server.url}${projectPath}`);
    await hydrated(page);
    await page.getByTestId("section-E3501002026000002002").getByRole("button", { name: "报名" }).click();
    const alert = page.locator('[data-error-code="CREDIT_BLACK"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(
      /泉州安平建设有限公司 的信用等级为“黑”.*泉州市中级人民法院.*2026\/03\/02.*不得报名或投标/,
    );
    await screenshot(page, "tendering-black-refused");
    await page.context().close();
  });

  it("another bidder cannot learn who registered, nor download before registering", async () => {
    const page = await pageAs("bidder2@demo.bidhall.cn");
    await page.goto(`${server.url}${projectPath}`);
    await hydrated(page);
    await expect(page.getByTestId("registrations").count()).resolves.toBe(0);
    await expect(page.locator("body").textContent()).resolves.not.toContain("福建海峡建设工程有限公司");
    await expect(page.getByText("已报名", { exact: true }).count()).resolves.toBe(0);
    await expect(page.getByRole("link", { name: "下载" }).count()).resolves.toBe(0);
    await page.context().close();

    const agency = await pageAs("agency@demo.bidhall.cn");
    await agency.goto(`${server.url}${projectPath.replace("/announcements/", "/projects/")}`);
    await expect(agency.getByTestId("registrations").textContent()).resolves.toContain("福建海峡建设工程有限公司");
    await agency.context().close();
  });

  it("a clarification affecting preparation 13 days before the deadline is refused until the deadline moves", async () => {
    await server.advanceClock(12 * 86400); // Saturday 2026-12-05; the deadline is 2026-12-18
    const page = await pageAs("agency@demo.bidhall.cn");
    await page.goto(`${server.url}${projectPath.replace("/announcements/", "/projects/")}`);
    await hydrated(page);
    await page.locator("#cl-body").fill("图纸第 3 册修改，见附件。");
    await page.getByRole("button", { name: "发出", exact: true }).click();
    const refused = page.locator('[data-error-code="CLARIFICATION_TOO_LATE"]');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toContain("顺延至 2026-12-20 或以后");
    await screenshot(page, "tendering-clarification-refused");

    await page.locator("#cl-body").fill("图纸第 3 册修改，见附件；投标截止时间顺延。");
    await page.locator("#cl-deadline").fill("2026-12-21T09:30");
    await page.getByRole("button", { name: "发出", exact: true }).click();
    await page.getByTestId("clarified").waitFor();
    await screenshot(page, "tendering-agency-project");
    await page.context().close();

    const visitor = await pageAs(null);
    await visitor.goto(`${server.url}${projectPath}`);
    await expect(visitor.getByTestId("clarification-1").getByTestId("deadline-moved").textContent()).resolves.toBe(
      "截止时间由 2026/12/18 09:30 顺延至 2026/12/21 09:30",
    );
    await visitor.context().close();
  });

  it("the regulator sees the moved deadline; the operator's rule sets and calendar pages render", async () => {
    const regulator = await pageAs("regulator@demo.bidhall.cn");
    await regulator.goto(`${server.url}/regulator/projects`);
    await expect(regulator.getByTestId("moves").textContent()).resolves.toContain(PROJECT);
    await expect(regulator.getByTestId("jurisdiction-projects").textContent()).resolves.toContain("福州滨海新城市政道路及配套工程");
    await screenshot(regulator, "tendering-regulator");
    await regulator.context().close();

    const operator = await pageAs("operator@demo.bidhall.cn");
    await operator.goto(`${server.url}/operator/rule-sets`);
    await expect(operator.getByTestId("rule-set-government").textContent()).resolves.toContain("87号令");
    await operator.goto(`${server.url}/operator/calendar?year=2026`);
    await expect(operator.getByTestId("calendar-days").textContent()).resolves.toContain("国庆节");
    await expect(operator.getByTestId("calendar-warning").count()).resolves.toBe(1);
    await expect(operator.getByTestId("calendar-warning").textContent()).resolves.toContain("暂定");
    // 2027 is not published: the page shows the provisional year and the statutory days it must hold.
    await operator.goto(`${server.url}/operator/calendar?year=2027`);
    await operator.getByTestId("provisional-year").waitFor();
    await expect(operator.getByTestId("calendar-days").textContent()).resolves.toContain("春节（补假）");
    await expect(operator.getByTestId("statutory-days").textContent()).resolves.toContain("春节（除夕）");
    await operator.context().close();
  });
});
