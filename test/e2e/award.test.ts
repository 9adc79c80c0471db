import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { nssDatabaseTrusting, pdfsig } from "../fixtures/pdf/poppler.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { enrolInBrowser } from "./helpers/certificates.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 16 in Chromium, on the demo's finished section (004, opened and closed with the bids of
 * bidders 2–4; comprehensive scoring with the average-based deviation formula): the agency sees
 * the machine's price scores with the working and records the committee's result (a bad score
 * refused first), the candidates appear on the public announcement with the objection window,
 * the tenderer's award is refused during the publicity, the clock moves past it, the tenderer
 * awards and signs every notice in the browser, the agency signs second and issues them, the
 * winner downloads its notice (pdfsig: two valid signatures, the second covering the whole file)
 * and acknowledges receipt with a signature, and a losing bidder reads its result notice.
 */
const FINISHED_SECTION = "E3501002026000001004";
const EMAIL_OF: Record<string, string> = {
  闽江路桥集团有限公司: "bidder2@demo.bidhall.cn",
  厦门鹭岛建筑有限公司: "bidder3@demo.bidhall.cn",
  泉州安平建设有限公司: "bidder4@demo.bidhall.cn",
};
const REPORT = Buffer.from("%PDF-1.7\n% evaluation report of the committee\n%%EOF\n");

describe("evaluation, publicity, award and signed notices in the browser", () => {
  let server: RunningServer;
  let browser: Browser;
  let sectionId: string;
  let projectId: string;
  const pages = new Map<string, Page>();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-award-e2e-"));

  /** One browser context per person, kept: the certificate enrolled there stays in its IndexedDB. */
  const pageOf = async (email: string): Promise<Page> => {
    let page = pages.get(email);
    if (!page) {
      page = await (await newContext(browser)).newPage();
      pages.set(email, page);
    }
    await logInAs(page, server.url, email, DEMO_PASSWORD);
    return page;
  };
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows as T[];
    } finally {
      await db.end();
    }
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ clock: "fixed:2026-11-23T09:00:00+08:00" }), launchBrowser()]);
    const [s] = await query<{ id: string; project_id: string }>("select id, project_id from sections where code = $1", [FINISHED_SECTION]);
    sectionId = s!.id;
    projectId = s!.project_id;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let candidates: string[] = [];

  it("the agency sees the machine's price scores and records the committee's result; the publicity is public", async () => {
    const agency = await pageOf("agency@demo.bidhall.cn");
    await enrolInBrowser(agency, server.url, "agency-backup-password");
    await agency.goto(`${server.url}/evaluations`);
    await hydrated(agency);
    const row = agency.getByTestId(`evaluation-${FINISHED_SECTION}`);
    await expect(row.textContent()).resolves.toContain("待录入评标结果");
    await row.getByRole("link", { name: "评标结果" }).click();
    await agency.waitForURL(new RegExp(`/sections/${sectionId}/evaluation$`));
    await hydrated(agency);

    // The published formula with the numbers put in, every decrypted bid scored.
    await expect(agency.getByTestId("terms-text").textContent()).resolves.toContain("评标基准价 = 有效投标报价算术平均值 × 97%");
    await expect(agency.getByTestId("machine-working").textContent()).resolves.toMatch(/平均价 = .+ ÷ 3 = .+评标基准价 = .+ × 97.00% = /);
    const machineRows = agency.getByTestId("machine-row");
    await expect(machineRows.count()).resolves.toBe(3);
    const scored: { name: string; points: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const text = (await machineRows.nth(i).locator("td").nth(1).textContent())!;
      const name = Object.keys(EMAIL_OF).find((n) => text.includes(n))!;
      const points = Number(await machineRows.nth(i).getByTestId("machine-points").textContent());
      expect(name).toBeTruthy();
      expect(points).toBeGreaterThan(0);
      expect(points).toBeLessThanOrEqual(60);
      scored.push({ name, points });
    }
    await expect(machineRows.first().locator("td").nth(4).textContent()).resolves.toMatch(/偏差|基准价/);
    await screenshot(agency, "award-machine-scores");

    // Equal technical and commercial points: the price points decide the ranking.
    candidates = [...scored].sort((a, b) => b.points - a.points).map((s) => s.name);
    const fill = async (firstTechnical: string) => {
      await agency
        .getByLabel("评标报告（PDF，不超过 20 MB）")
        .setInputFiles({ name: "评标报告.pdf", mimeType: "application/pdf", buffer: REPORT });
      await agency.getByLabel(/^评标委员会成员/).fill("张一\n王二\n李三\n赵四\n钱五");
      for (const [i, name] of candidates.entries()) {
        await agency.getByLabel(`${name} 的技术分`).fill(i === 0 ? firstTechnical : "25");
        await agency.getByLabel(`${name} 的商务分`).fill("8.5");
        await agency.getByLabel(`${name} 的推荐名次`).selectOption(String(i + 1));
      }
      await agency.getByRole("button", { name: "录入评标结果并开始公示" }).click();
    };
    await fill("35");
    const error = agency.locator("[data-error-code=EVALUATION_RESULT_INVALID]");
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain(`${candidates[0]} 的技术分须在 0 至 30 分之间`);
    await fill("25");
    await agency.getByTestId("result-recorded").waitFor();
    await expect(agency.getByTestId("committee").textContent()).resolves.toContain("张一");
    const ranked = agency.getByTestId("result-row");
    await expect(ranked.first().textContent()).resolves.toContain(candidates[0]!);
    await expect(agency.getByTestId("evaluation-phase").textContent()).resolves.toBe("中标候选人公示中");
    await screenshot(agency, "award-result-recorded");

    // The public announcement: the terms, the candidates, the period and the objection window; no committee names yet.
    const anyone = await (await newContext(browser)).newPage();
    await anyone.goto(`${server.url}/announcements/${projectId}`);
    const card = anyone.getByTestId(`section-${FINISHED_SECTION}`);
    await card.getByTestId("candidate-publicity").waitFor();
    await expect(card.getByTestId("evaluation-terms").textContent()).resolves.toContain("每高于基准价 1% 扣 1 分");
    await expect(card.getByTestId("candidate").first().textContent()).resolves.toContain(candidates[0]!);
    await expect(card.getByTestId("objection-window").getByRole("link", { name: "提出异议" }).getAttribute("href")).resolves.toBe(
      `/sections/${sectionId}/objection`,
    );
    await expect(anyone.content()).resolves.not.toContain("张一");
    await screenshot(anyone, "award-publicity-public");
    await anyone.context().close();
  }, 300_000);

  it("keeps the pages to the project's parties", async () => {
    const bidder = await pageOf("bidder2@demo.bidhall.cn");
    for (const to of [`/sections/${sectionId}/evaluation`, `/sections/${sectionId}/award`, "/evaluations"]) {
      const res = await bidder.goto(`${server.url}${to}`);
      expect([to, res!.status()]).toEqual([to, 403]);
    }
  }, 60_000);

  it("refuses the award during the publicity; after it the tenderer awards and signs every notice in the browser", async () => {
    const tenderer = await pageOf("tenderer@demo.bidhall.cn");
    await enrolInBrowser(tenderer, server.url, "tenderer-backup-password");
    await tenderer.goto(`${server.url}/sections/${sectionId}/award`);
    await hydrated(tenderer);
    await expect(tenderer.getByTestId("award-block").textContent()).resolves.toContain("公示期满前不得定标");
    await tenderer.getByTestId("decide-award").click();
    const refused = tenderer.locator("[data-error-code=AWARD_BLOCKED]");
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toContain("中标候选人公示期至");

    // Past the publicity (3 calendar days, counted by the calendar rules).
    const [e] = await query<{ ends: Date }>("select publicity_ends_at as ends from evaluations where section_id = $1", [sectionId]);
    const now = new Date(await server.advanceClock(1));
    await server.advanceClock(Math.ceil((e!.ends.getTime() - now.getTime()) / 1000) + 60);

    await pageOf("tenderer@demo.bidhall.cn");
    await tenderer.goto(`${server.url}/sections/${sectionId}/award`);
    await hydrated(tenderer);
    await expect(tenderer.getByTestId("evaluation-phase").textContent()).resolves.toBe("待定标");
    // The first candidate is chosen by default; another would need a reason.
    await tenderer.getByLabel(new RegExp(`第 2 名 ${candidates[1]}`)).check();
    await tenderer.getByLabel("不选第一名的法定理由").waitFor();
    await tenderer.getByLabel(new RegExp(`第 1 名 ${candidates[0]}`)).check();
    await tenderer.getByTestId("decide-award").click();
    await tenderer.getByTestId("award-done").waitFor();
    await expect(tenderer.getByTestId("award-winner").textContent()).resolves.toContain(candidates[0]!);
    await signAll(tenderer, "tenderer");
    await screenshot(tenderer, "award-tenderer-signed");
  }, 300_000);

  it("the agency signs second and issues the notices; the award result is announced", async () => {
    const agency = await pageOf("agency@demo.bidhall.cn");
    await agency.goto(`${server.url}/sections/${sectionId}/award`);
    await hydrated(agency);
    await expect(agency.getByTestId("issue-notices").isDisabled()).resolves.toBe(true);
    await signAll(agency, "agency");
    await agency.getByTestId("issue-notices").click();
    await agency.getByTestId("notices-issued").waitFor();
    await screenshot(agency, "award-notices-issued");

    const anyone = await (await newContext(browser)).newPage();
    await anyone.goto(`${server.url}/announcements/${projectId}`);
    const result = anyone.getByTestId(`section-${FINISHED_SECTION}`).getByTestId("award-result");
    await result.waitFor();
    await expect(result.textContent()).resolves.toContain(candidates[0]!);
    // The committee's names are public with the result (法 44).
    await expect(result.textContent()).resolves.toContain("张一、王二、李三、赵四、钱五");
    await anyone.context().close();
  }, 300_000);

  it("the winner downloads its notice (two valid signatures) and acknowledges receipt with a signature", async () => {
    const winnerEmail = EMAIL_OF[candidates[0]!]!;
    const winner = await pageOf(winnerEmail);
    await enrolInBrowser(winner, server.url, "winner-backup-password");
    await winner.goto(`${server.url}/notices`);
    await hydrated(winner);
    await winner
      .getByTestId("notices")
      .getByRole("link", { name: /中标通知书 ZBTZ-/ })
      .click();
    await winner.getByTestId("open-award-notice").click();
    await winner.getByTestId("award-notice").waitFor();
    await hydrated(winner);

    const download = winner.waitForEvent("download");
    await winner.getByTestId("download-notice").click();
    const file = path.join(dir, "award-notice.pdf");
    await (await download).saveAs(file);
    const root = await (await fetch(`${server.url}/pki/root-ca.pem`)).text();
    const signatures = await pdfsig(await nssDatabaseTrusting(path.join(dir, "nss"), root), file);
    expect(signatures.map((s) => s.fieldName)).toEqual(["tenderer", "agency"]);
    for (const s of signatures) {
      expect(s.text).toContain("Signature is Valid");
      expect(s.text).toContain("Certificate is Trusted");
    }
    expect(signatures[0]!.text).toContain("Not total document signed");
    expect(signatures[1]!.text).toContain("Total document signed");

    await winner.getByTestId("acknowledge").click();
    await winner.getByTestId("acknowledged").waitFor();
    const [ack] = await query<{ acknowledged_at: Date | null }>(
      "select n.acknowledged_at from award_notices n join awards a on a.id = n.award_id where a.section_id = $1 and n.kind = 'award'",
      [sectionId],
    );
    expect(ack!.acknowledged_at).not.toBeNull();
    await screenshot(winner, "award-winner-acknowledged");
  }, 300_000);

  it("a losing bidder reads its result notice, and cannot open the winner's", async () => {
    const loser = await pageOf(EMAIL_OF[candidates[2]!]!);
    await loser.goto(`${server.url}/notices`);
    await hydrated(loser);
    await loser
      .getByTestId("notices")
      .getByRole("link", { name: /中标结果通知书 ZBJG-/ })
      .click();
    await loser.getByTestId("open-award-notice").click();
    await loser.getByTestId("award-notice").waitFor();
    await expect(loser.locator("h1").textContent()).resolves.toContain("中标结果通知书");
    await expect(loser.getByTestId("acknowledgement").isVisible()).resolves.toBe(true);
    await screenshot(loser, "award-result-notice");
    const [winnerNotice] = await query<{ id: string }>(
      "select n.id from award_notices n join awards a on a.id = n.award_id where a.section_id = $1 and n.kind = 'award'",
      [sectionId],
    );
    const res = await loser.goto(`${server.url}/award-notices/${winnerNotice!.id}`);
    expect(res!.status()).toBe(404);
    const pdf = await loser.request.get(`${server.url}/award-notices/${winnerNotice!.id}.pdf`);
    expect(pdf.status()).toBe(404);
  }, 120_000);
});

/** Signs, in this browser, every notice that waits for `step`, one after the other. */
async function signAll(page: Page, step: "tenderer" | "agency"): Promise<void> {
  const waiting = page.getByTestId("notices-panel").locator(`tr[data-next-step=${step}]`);
  const count = await waiting.count();
  expect(count).toBe(3);
  for (let left = count; left > 0; left--) {
    const row = waiting.first();
    await row.getByTestId("sign-document-start").click();
    await row.getByTestId("sign-document-confirm").click({ timeout: 30_000 });
    await page.waitForFunction(
      ([s, n]) => document.querySelectorAll(`[data-testid=notices-panel] tr[data-next-step=${s}]`).length === n,
      [step, left - 1] as const,
      { timeout: 30_000 },
    );
  }
}
