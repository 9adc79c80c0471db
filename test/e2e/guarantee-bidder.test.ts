import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 14, the bidder's side in Chromium (decision 0072), at a desk (1366 px) and on a phone
 * (390 px): from the sealing page to the section's guarantee page, an application to a guarantor
 * the bidder chose, the fee paid, the issued guarantee shown with its ledger id and preselected on
 * the sealing page, 我的保函, and the dashboard's to-do. The guarantor's own steps (approve, issue on
 * the ledger) belong to its portal and the full e2e test (test/e2e/guarantee.test.ts); here they
 * are written straight into the database.
 */
const SECTION = "E3501002026000001002"; // closes a week after the demo's start
const BIDDER = "bidder2@demo.bidhall.cn"; // holds a certificate, so the sealing page offers its form
const hex32 = () => `0x${randomBytes(32).toString("hex")}`;

describe("a bidder's electronic guarantee, from the sealing page to its declaration", () => {
  let server: RunningServer;
  let browser: Browser;
  let db: pg.Client;
  let sectionId: string;
  let bidderOrg: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    sectionId = (await db.query("select id from sections where code = $1", [SECTION])).rows[0].id;
    const bidder = (
      await db.query("select id, organisation_id from memberships where person_id = (select id from people where email = $1)", [BIDDER])
    ).rows[0];
    bidderOrg = bidder.organisation_id;
    const person = (await db.query("select id from people where email = $1", [BIDDER])).rows[0].id;
    // bidder 2 registers for section 002 too (the demo registered only bidder 1 there).
    await db.query("insert into registrations (section_id, organisation_id, registered_by, registered_at) values ($1, $2, $3, now())", [
      sectionId,
      bidderOrg,
      person,
    ]);
    const guarantor = (
      await db.query(
        "select m.organisation_id, m.person_id from memberships m join people p on p.id = m.person_id where p.email = 'guarantor@demo.bidhall.cn'",
      )
    ).rows[0];
    // The demo guarantor's own product (decision 0070) is withdrawn: this test's product, with its fee, is the one offered.
    await db.query("update guarantee_products set active = false");
    await db.query(
      `insert into guarantee_products (guarantor_organisation_id, name, kind, fee_rate_bp, minimum_fee_fen, procurement_types, region_codes, created_by, created_at, updated_at)
       values ($1, '电子投标保函（福建）', 'bid', 15, 50000, '{engineering,government}', '{35}', $2, now(), now())`,
      [guarantor.organisation_id, guarantor.person_id],
    );
  }, 300_000);
  afterAll(async () => {
    await db?.end();
    await browser?.close();
    await server?.stop();
  });

  async function pageAt(width: number): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width, height: width < 600 ? 844 : 800 },
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
      ...(width < 600 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    const page = await context.newPage();
    await logInAs(page, server.url, BIDDER, DEMO_PASSWORD);
    return page;
  }

  async function look(page: Page, name: string, width: number) {
    await hydrated(page);
    await screenshot(page, `guarantee-bidder-${name}-${width}`);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${name} at ${width}px is ${scrollWidth}px wide`).toBeLessThanOrEqual(innerWidth);
  }

  it("applies, pays the fee and declares the issued guarantee", async () => {
    const page = await pageAt(1366);
    await page.goto(`${server.url}/sections/${sectionId}/bid`);
    await page.getByTestId("guarantee-panel").waitFor();
    await look(page, "sealing-before", 1366);
    await page.getByTestId("guarantee-panel-link").click();
    await page.getByTestId("guarantee-apply").waitFor();
    expect(await page.getByTestId("guarantor-option").count()).toBe(1);
    await look(page, "apply", 1366);

    // An amount below the section's requirement is refused, saying both amounts.
    await page.getByLabel("保函金额（元）").fill("1.00");
    await page.getByTestId("apply-submit").click();
    await page.locator('[data-error-code="GUARANTEE_AMOUNT_TOO_LOW"]').waitFor();
    expect((await db.query("select count(*)::int as n from guarantee_applications")).rows[0].n).toBe(0);

    await page.goto(`${server.url}/sections/${sectionId}/guarantee`);
    await hydrated(page);
    await page.getByTestId("apply-submit").click();
    await page.getByTestId("applied").waitFor();
    expect(await page.getByTestId("application-status").textContent()).toBe("已提交，待审核");
    await look(page, "submitted", 1366);

    // The guarantor asks for documents (its portal's step); the bidder answers.
    const application = (await db.query("select id from guarantee_applications where applicant_organisation_id = $1", [bidderOrg])).rows[0]
      .id;
    await db.query(
      "update guarantee_applications set status = 'more_documents_requested', documents_requested = '请补充近三年财务报表' where id = $1",
      [application],
    );
    await page.goto(`${server.url}/sections/${sectionId}/guarantee`);
    await page.getByTestId("supplement").waitFor();
    await hydrated(page);
    await page.getByTestId("supplement").locator("textarea").fill("已通过邮件发送 2023–2025 年审计报告");
    await page.getByTestId("supplement").getByRole("button").click();
    await page.getByTestId("supplemented").waitFor();
    await page.locator('[data-testid="guarantee-application"][data-status="submitted"]').waitFor();
    expect(await page.getByTestId("application-status").textContent()).toBe("已提交，待审核");

    // The guarantor approves (its portal's step).
    await db.query("update guarantee_applications set status = 'approved', decided_at = now() where id = $1", [application]);
    await db.query("insert into guarantee_application_events (application_id, step, at) values ($1, 'approved', now())", [application]);
    await page.goto(`${server.url}/sections/${sectionId}/guarantee`);
    await page.getByTestId("pay-fee").waitFor();
    await hydrated(page);
    await page.getByTestId("pay-fee").getByRole("button").click();
    await page.getByTestId("paid").waitFor();
    expect(await page.getByTestId("fee-paid").textContent()).toMatch(/已缴费：500\.00 元.*缴费编号 BHF-/);
    await look(page, "paid", 1366);

    // Issued on the ledger (the guarantor's portal and the chain's answer).
    const ledgerId = hex32();
    const app = (await db.query("select * from guarantee_applications where id = $1", [application])).rows[0];
    await db.query(
      `insert into guarantees (application_id, kind, guarantor_organisation_id, applicant_organisation_id, section_id, beneficiary_organisation_id,
         amount_fen, valid_from, valid_until, claim_period_days, ledger_id, salt, applicant_ref, subject_ref, beneficiary_ref, document_sha256,
         status, issued_at, created_at)
       values ($1, 'bid', $2, $3, $4, $5, $6, $7, $8, 30, $9, $10, $11, $12, $13, $14, 'issued', now(), now())`,
      [
        application,
        app.guarantor_organisation_id,
        bidderOrg,
        sectionId,
        app.beneficiary_organisation_id,
        app.amount_fen,
        app.valid_from,
        app.valid_until,
        ledgerId,
        randomBytes(32).toString("hex"),
        hex32(),
        hex32(),
        hex32(),
        randomBytes(32).toString("hex"),
      ],
    );
    await db.query("update guarantee_applications set status = 'issued', issued_at = now() where id = $1", [application]);
    await page.goto(`${server.url}/sections/${sectionId}/guarantee`);
    await page.getByTestId("declare-hint").waitFor();
    expect(await page.getByTestId("guarantee-ledger-id").textContent()).toBe(ledgerId);
    await look(page, "issued", 1366);

    // The way back to the sealing page preselects it as the declared security.
    await page.getByTestId("declare-hint").getByRole("link").click();
    await page.getByTestId("guarantee-choice").waitFor();
    await hydrated(page);
    expect(await page.getByTestId("declarable-guarantee").locator("input").isChecked()).toBe(true);
    expect(await page.locator("#security-reference").inputValue()).toBe(ledgerId);
    await look(page, "sealing-declared", 1366);

    await page.goto(`${server.url}/guarantees`);
    await page.getByTestId(`my-guarantee-${SECTION}`).waitFor();
    expect(await page.getByTestId(`my-guarantee-${SECTION}`).textContent()).toContain(ledgerId);
    await look(page, "list", 1366);

    await page.goto(`${server.url}/dashboard`);
    await page.getByText("电子保函已开立，待声明").waitFor();
    await page.context().close();
  }, 240_000);

  it("fits a 390 px phone", async () => {
    const page = await pageAt(390);
    for (const [name, path] of [
      ["guarantee", `/sections/${sectionId}/guarantee`],
      ["sealing", `/sections/${sectionId}/bid`],
      ["list", "/guarantees"],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await look(page, name, 390);
    }
    await page.context().close();
  }, 120_000);
});
