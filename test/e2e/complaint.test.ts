import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_BACKUP_PASSWORD, DEMO_ORGANISATIONS, DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { enrolInBrowser } from "./helpers/certificates.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 15's whole story through the pages (decisions 61–64, 74), the test clock at Monday
 * 2026-09-14 09:00 Beijing: bidder 4's unanswered objection to the documents holds the opening of
 * the demo section whose deadline has just passed (条例 22, the hall says why) until the agency answers
 * it on the objection's page; bidders 2–4 then open the section; in the
 * hall bidder 2 objects to the opening and the agency answers there (条例 44). Bidder 2 then files a
 * real-name complaint with an evidence PDF; it reaches the demo regulator through its declared
 * jurisdiction. The regulator accepts it, suspends the section (the hall names the complaint),
 * asks bidder 2 for documents (answered on /complaint-requests), drafts the decision and a `sign`
 * member signs it in the browser (SignDocument): the section resumes. The public list shows the
 * decision without the natural person's name, ID number or phone; the ledger explorer shows every
 * step and the decision PDF verifies against its anchor. Bidder 3's complaint is withdrawn from
 * 我的投诉 (on the ledger, the regulator told). Twelve days on, bidder 2's new complaint is refused
 * with the day its window closed.
 */
const CLOCK = "2026-09-14T09:00:00+08:00";
const SEATS = ["bidder2", "bidder3", "bidder4"] as const;
const emailOf = (key: string) => DEMO_ORGANISATIONS.find((o) => o.key === key)!.people[0]!.email;
const usccOf = (key: string) => DEMO_ORGANISATIONS.find((o) => o.key === key)!.uscc;

/** Personal data the complaint's facts carry and the public list must not show. */
const PERSON = { name: "黄磊", id: "350102199001011234", phone: "13812345678" };
const FACTS = `开标时第三名投标人的报价在唱标记录中被读错，本单位当场提出异议，代理机构的答复未核对原始投标文件。联系人${PERSON.name}，身份证号码 ${PERSON.id}，电话 ${PERSON.phone}。`;

/** A tiny but real PDF (the evidence check reads the magic bytes). */
function evidencePdf(): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((n) => `${String(n).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

describe("a complaint from the objection in the hall to the signed decision on the ledger", () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const seats = new Map<string, Page>();
  let agency: Page;
  let regulator: Page;
  let sectionId: string;
  let complaintUrl: string;
  let receiptNo: string;
  let ledgerId: string;
  let decisionSha256: string;
  let withdrawnLedgerId: string;
  let documentsObjectionId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-complaint-e2e-"));
  const hall = () => `${server.url}/sections/${sectionId}/opening`;

  async function pageAs(key: string): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await logInAs(page, server.url, key.includes("@") ? key : emailOf(key), DEMO_PASSWORD);
    return page;
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ clock: `fixed:${CLOCK}` }), launchBrowser()]);
    const kit = await fetch(`${server.url}/dev/demo`).then((r) => r.text());
    sectionId = /demo-section-readyToOpen[\s\S]*?href="\/sections\/([0-9a-f-]{36})\/opening"/.exec(kit)![1]!;
    fs.writeFileSync(path.join(dir, "evidence.pdf"), evidencePdf());
    // Bidder 4's objection to the documents, raised in time twelve days ago and still unanswered
    // (written as the objection page would have left it): the opening must wait for its answer.
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(
        `select m.organisation_id, m.person_id from memberships m join people p on p.id = m.person_id where p.email = $1`,
        [emailOf("bidder4")],
      );
      const raisedAt = new Date(new Date(CLOCK).getTime() - 12 * 86_400_000);
      const { rows: o } = await db.query(
        `insert into objections (section_id, subject, raised_by_organisation_id, raised_by_person_id, content, raised_at, answer_due_at)
         values ($1, 'documents', $2, $3, '招标文件的资格条件排斥潜在投标人。', $4, $5) returning id`,
        [sectionId, rows[0].organisation_id, rows[0].person_id, raisedAt, new Date(raisedAt.getTime() + 3 * 86_400_000)],
      );
      documentsObjectionId = o[0].id;
    } finally {
      await db.end();
    }
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("bidders 2–4 decrypt in the hall and the agency reads out", async () => {
    await Promise.all(
      SEATS.map(async (key) => {
        const page = await pageAs(key);
        seats.set(key, page);
        const p12 = Buffer.from(await (await fetch(`${server.url}/dev/demo/backups/${key}`)).arrayBuffer());
        fs.writeFileSync(path.join(dir, `${key}.p12`), p12);
        await page.goto(`${server.url}/certificates`);
        await hydrated(page);
        const panel = page.getByTestId("import-panel");
        await panel.locator("#import-file").setInputFiles(path.join(dir, `${key}.p12`));
        await panel.getByLabel("备份密码", { exact: true }).fill(DEMO_BACKUP_PASSWORD);
        await panel.getByRole("button", { name: "导入", exact: true }).click();
        await panel.getByTestId("import-done").waitFor({ timeout: 60_000 });
        await page.goto(hall());
        await hydrated(page);
        await page.getByRole("button", { name: "证书签到" }).click();
        await page.getByTestId("signed-in").waitFor({ timeout: 30_000 });
      }),
    );
    agency = await pageAs("agency");
    await agency.goto(hall());
    await hydrated(agency);
    await agency.getByTestId("sign-ins").locator("tbody tr").nth(2).waitFor({ timeout: 30_000 });
    // 条例 22: the unanswered objection to the documents holds the opening; the hall says why.
    await expect(agency.getByTestId("objection-stop-banner").textContent()).resolves.toContain("对招标（采购）文件的异议尚有 1 项未答复");
    await agency.getByRole("button", { name: "公布投标人名单" }).click();
    await expect(agency.locator("[data-error-code]").getAttribute("data-error-code")).resolves.toBe("OPENING_STOPPED_BY_OBJECTION");
    await screenshot(agency, "complaint-hall-held-by-objection");
    // The agency answers on the objection's page; the hall goes on.
    await agency.goto(`${server.url}/objections/${documentsObjectionId}`);
    await hydrated(agency);
    await agency.getByLabel("答复").fill("资格条件符合法律规定，不作修改。");
    await agency.getByRole("button", { name: "作出答复（平台签章生成答复文件）" }).click();
    await agency.getByTestId("objection-answer").waitFor({ timeout: 30_000 });
    await agency.goto(hall());
    await hydrated(agency);
    await expect(agency.getByTestId("objection-stop-banner").count()).resolves.toBe(0);
    await agency.getByRole("button", { name: "公布投标人名单" }).click();
    await agency.getByRole("button", { name: "开启解密" }).click();
    await agency.getByTestId("window-remaining").waitFor();
    for (const key of SEATS) {
      const page = seats.get(key)!;
      await page.getByTestId("decrypt").click({ timeout: 30_000 });
      await expect(page.getByTestId("bidder-message").textContent({ timeout: 60_000 })).resolves.toContain("解密成功");
    }
    await agency.getByRole("button", { name: "提前结束解密" }).click();
    await agency.getByRole("button", { name: "唱标（公布唱标记录）" }).click();
    for (const key of SEATS) await agency.getByTestId(`reading-out-${usccOf(key)}`).waitFor({ timeout: 30_000 });
  }, 300_000);

  it("bidders 2 and 3 object to the opening in the hall and the agency answers each there", async () => {
    for (const key of ["bidder2", "bidder3"]) {
      const page = seats.get(key)!;
      const panel = page.getByTestId("objections");
      await panel.getByLabel("异议内容").fill(`${key}：第三名投标人的报价读错，请核对原始投标文件。`);
      await panel.getByRole("button", { name: "提出异议" }).click();
      await agency
        .getByTestId("objection")
        .filter({ hasText: `${key}：` })
        .waitFor({ timeout: 30_000 });
      const item = agency.getByTestId("objection").filter({ hasText: `${key}：` });
      await item.getByRole("textbox", { name: "答复" }).fill("经核对原始投标文件，唱标记录无误。");
      await item.getByRole("button", { name: "答复", exact: true }).click();
      await page
        .getByTestId("objection")
        .filter({ hasText: `${key}：` })
        .getByTestId("objection-answer")
        .waitFor({ timeout: 30_000 });
    }
    await expect(seats.get("bidder2")!.getByTestId("objections").textContent()).resolves.toContain("经核对原始投标文件，唱标记录无误。");
    await screenshot(seats.get("bidder2")!, "complaint-hall-objection-answered");
  }, 120_000);

  it("bidder 2 files a real-name complaint with an evidence PDF and gets its receipt; it reaches the regulator of the jurisdiction", async () => {
    const page = seats.get("bidder2")!;
    await page.goto(`${server.url}/complaints/new?section=${sectionId}`);
    await hydrated(page);
    const form = page.getByTestId("complaint-form");
    await form.getByLabel(/以本单位名义/).check();
    await form.getByLabel("投诉事项").selectOption("opening");
    await form.getByLabel("投诉事实").fill(FACTS);
    await form.getByLabel("投诉请求").fill("请求责令重新核对唱标记录并更正。");
    await form.getByLabel("法律依据").fill("《招标投标法实施条例》第四十四条、第六十条");
    await form.getByLabel(/证据材料/).setInputFiles(path.join(dir, "evidence.pdf"));
    await screenshot(page, "complaint-form");
    await form.getByRole("button", { name: "提交投诉" }).click();
    const filed = page.getByTestId("complaint-filed");
    await filed.waitFor({ timeout: 60_000 });
    receiptNo = /回执编号 (TS[0-9A-Z]+)/.exec((await filed.textContent())!)![1]!;
    const receipt = await fetch(`${server.url}${await filed.getByRole("link", { name: "下载投诉回执" }).getAttribute("href")}`, {
      headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
    });
    expect(receipt.status).toBe(200);
    expect(
      Buffer.from(await receipt.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    await page.goto(`${server.url}/complaints`);
    await hydrated(page);
    const mine = page.getByTestId(`my-complaint-${receiptNo}`);
    await expect(mine.textContent()).resolves.toContain("福州市住房和城乡建设局");
    ledgerId = /区块链登记编号 (0x[0-9a-f]{64})/.exec((await mine.textContent())!)![1]!;
  }, 120_000);

  it("bidder 3 files a complaint too and withdraws it from 我的投诉 before any decision", async () => {
    const page = seats.get("bidder3")!;
    await page.goto(`${server.url}/complaints/new?section=${sectionId}`);
    await hydrated(page);
    const form = page.getByTestId("complaint-form");
    await form.getByLabel("投诉事项").selectOption("opening");
    await form.getByLabel("投诉事实").fill("唱标记录中第三名投标人的报价与其投标文件不符。");
    await form.getByLabel("投诉请求").fill("请求核对。");
    await form.getByLabel("法律依据").fill("《招标投标法实施条例》第六十条");
    await form.getByRole("button", { name: "提交投诉" }).click();
    await page.getByTestId("complaint-filed").waitFor({ timeout: 60_000 });
    const own = /回执编号 (TS[0-9A-Z]+)/.exec((await page.getByTestId("complaint-filed").textContent())!)![1]!;

    await page.goto(`${server.url}/complaints`);
    await hydrated(page);
    const item = page.getByTestId(`my-complaint-${own}`);
    withdrawnLedgerId = /区块链登记编号 (0x[0-9a-f]{64})/.exec((await item.textContent())!)![1]!;
    await item.getByText("撤回投诉").first().click(); // opens the <details>
    await item.getByLabel("撤回理由").fill("代理机构已更正唱标记录，撤回投诉。");
    await item.getByRole("button", { name: "撤回投诉" }).click();
    await page.getByTestId("complaint-withdrawn").waitFor();
    await page.getByTestId(`my-complaint-${own}`).getByTestId("my-complaint-state").filter({ hasText: "已撤回" }).waitFor();
    await expect(page.getByTestId(`my-complaint-${own}`).getByRole("button", { name: "撤回投诉" }).count()).resolves.toBe(0);
    await screenshot(page, "complaint-withdrawn");

    regulator = await pageAs("regulator");
    await regulator.goto(`${server.url}/regulator/complaints`);
    await hydrated(regulator);
    await expect(regulator.getByTestId(`complaint-${own}`).getByTestId("state").textContent()).resolves.toContain("已撤回");
    await regulator.goto(`${server.url}/notices`);
    await expect(regulator.locator("body").textContent()).resolves.toContain(`投诉已撤回（回执号 ${own}）`);
  }, 120_000);

  it("the regulator's queue shows who has the complaint; it accepts, suspends (the hall names the complaint) and asks for documents", async () => {
    await regulator.goto(`${server.url}/regulator/complaints`);
    await hydrated(regulator);
    const row = regulator.getByTestId(`complaint-${receiptNo}`);
    await expect(row.getByTestId("state").textContent()).resolves.toContain("待受理审查");
    await expect(row.textContent()).resolves.toContain("福州市住房和城乡建设局");
    await expect(row.textContent()).resolves.toContain("3 个工作日，至 2026-09-17");
    await screenshot(regulator, "complaint-queue");

    await row.getByRole("link", { name: receiptNo }).click();
    await regulator.waitForURL(/\/regulator\/complaints\/[0-9a-f-]{36}$/);
    complaintUrl = regulator.url();
    await hydrated(regulator);
    await regulator.getByLabel("理由").fill("投诉人已先行提出异议，投诉在法定期限内提出，予以受理。");
    await regulator.getByRole("button", { name: "受理", exact: true }).click();
    await regulator.getByTestId("complaint-state").filter({ hasText: "已受理" }).waitFor();
    await regulator.getByRole("button", { name: "暂停标段" }).click();
    await regulator.getByTestId("complaint-state").filter({ hasText: "标段暂停中" }).waitFor();

    const bidder = seats.get("bidder2")!;
    await bidder.goto(hall());
    await hydrated(bidder);
    const banner = bidder.getByTestId("suspension-banner");
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain("因投诉暂停");
    await expect(banner.textContent()).resolves.toContain(receiptNo);
    await screenshot(bidder, "complaint-hall-suspended");

    await regulator.getByLabel("当事人").selectOption("complainant");
    await regulator.getByLabel("需提交的材料").fill("请提交唱标时的屏幕录像或截图。");
    await regulator.getByLabel("提交期限").fill("2026-09-18");
    await regulator.getByRole("button", { name: "发出通知" }).click();
    await regulator.getByTestId("document-request").first().waitFor();

    await bidder.goto(`${server.url}/complaint-requests`);
    await hydrated(bidder);
    const request = bidder.getByTestId("my-request");
    await expect(request.textContent()).resolves.toContain("请提交唱标时的屏幕录像或截图。");
    await request.getByRole("textbox").fill("唱标截图见附件。");
    await request.locator('input[type="file"]').setInputFiles(path.join(dir, "evidence.pdf"));
    await request.getByRole("button", { name: "提交材料" }).click();
    await bidder.getByTestId("request-answered").waitFor();

    await regulator.reload();
    await hydrated(regulator);
    await expect(regulator.getByTestId("document-request").first().textContent()).resolves.toContain("唱标截图见附件。");
    await screenshot(regulator, "complaint-detail-suspended");
  }, 120_000);

  it("a sign member signs the decision in the browser; the decision takes effect and the section resumes", async () => {
    await enrolInBrowser(regulator, server.url, "complaint-e2e-backup");
    await regulator.goto(complaintUrl);
    await hydrated(regulator);
    await regulator.getByLabel("处理结果").selectOption("dismissed");
    await regulator.getByLabel("处理意见（事实认定与理由）").fill("经调查，唱标记录与投标文件一致，投诉事项缺乏事实依据，驳回投诉。");
    await regulator.getByRole("button", { name: "保存决定书草稿" }).click();
    const sign = regulator.getByTestId("sign-decision");
    await sign.getByTestId("sign-document-start").click();
    await sign.getByTestId("sign-document-sha256").waitFor({ timeout: 30_000 });
    await expect(sign.getByTestId("sign-document-title").textContent()).resolves.toContain("投诉处理决定书");
    await screenshot(regulator, "complaint-sign-decision");
    await sign.getByTestId("sign-document-confirm").click();
    await regulator.getByTestId("decided").waitFor({ timeout: 60_000 });
    await expect(regulator.getByTestId("complaint-state").textContent()).resolves.toContain("已决定");
    await expect(regulator.getByTestId("decided").textContent()).resolves.toContain("驳回投诉");
    decisionSha256 = /SHA-256 ([0-9a-f]{64})/.exec((await regulator.getByTestId("decision").textContent())!)![1]!;
    await screenshot(regulator, "complaint-decided");

    const bidder = seats.get("bidder2")!;
    await bidder.goto(hall());
    await hydrated(bidder);
    await expect(bidder.getByTestId("suspension-banner").count()).resolves.toBe(0);
    await bidder.goto(`${server.url}/notices`);
    await expect(bidder.locator("body").textContent()).resolves.toContain(`投诉处理决定书（回执号 ${receiptNo}）`);
  }, 180_000);

  it("the public list shows the decision without the natural person's name, ID number or phone", async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/complaints/decisions`);
    await hydrated(page);
    const list = page.getByTestId("complaint-decisions");
    const text = (await list.textContent())!;
    expect(text).toContain("闽江路桥集团有限公司");
    expect(text).toContain("驳回投诉");
    expect(text).toContain(decisionSha256);
    expect(text).toContain("黄＊");
    expect(text).toContain("350102********1234");
    expect(text).toContain("138****5678");
    for (const secret of Object.values(PERSON)) expect(text).not.toContain(secret);
    await screenshot(page, "complaint-public-decisions");
  }, 60_000);

  it("the ledger explorer shows every step, and the decision PDF verifies against its anchor", async () => {
    const steps = ["ComplaintFiled", "ComplaintAccepted", "SectionSuspended", "SectionResumed", "ComplaintDecided"];
    let history = "";
    for (let i = 0; i < 30; i++) {
      await regulator.goto(`${server.url}/ledger?complaint=${ledgerId}`);
      history = (await regulator.locator("main").textContent()) ?? "";
      if (steps.every((s) => history.includes(s))) break;
      await server.advanceClock(30); // outbox retries and the indexer follow the test clock
      await regulator.waitForTimeout(1000);
    }
    for (const s of steps) expect(history).toContain(s);
    await screenshot(regulator, "complaint-ledger");
    await regulator.goto(`${server.url}/ledger?complaint=${withdrawnLedgerId}`);
    const withdrawn = (await regulator.locator("main").textContent()) ?? "";
    expect(withdrawn).toContain("ComplaintFiled");
    expect(withdrawn).toContain("ComplaintWithdrawn");

    const cookie = (await regulator.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const pdf = Buffer.from(
      await (await fetch(`${server.url}/complaints/${complaintUrl.split("/").pop()}/decision.pdf`, { headers: { cookie } })).arrayBuffer(),
    );
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    let verdict: { valid: boolean; anchoredAt: string | null; sha256: string; signers: { description: string }[] } | undefined;
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${server.url}/api/documents/verify`, { method: "POST", body: pdf });
      expect(res.status).toBe(200);
      verdict = (await res.json()) as typeof verdict;
      if (verdict!.anchoredAt) break;
      await server.advanceClock(60); // the anchor batcher runs on the clock
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(verdict).toMatchObject({ valid: true, sha256: decisionSha256 });
    expect(verdict!.anchoredAt).not.toBeNull();
    expect(verdict!.signers.map((s) => s.description).join("\n")).toContain("福州市住房和城乡建设局");
    const anchor = (await (await fetch(`${server.url}/api/anchors/${decisionSha256}`)).json()) as { status: string };
    expect(anchor.status).toBe("anchored");
  }, 180_000);

  it("twelve days on, a new complaint is refused, naming the day its window closed", async () => {
    await server.advanceClock(12 * 86_400);
    const page = await pageAs("bidder2"); // the session of twelve days ago has lapsed
    await page.goto(`${server.url}/complaints/new?section=${sectionId}`);
    await hydrated(page);
    const form = page.getByTestId("complaint-form");
    await form.getByLabel("投诉事项").selectOption("opening");
    await form.getByLabel("投诉事实").fill("唱标记录仍未更正，再次投诉。");
    await form.getByLabel("投诉请求").fill("请求更正。");
    await form.getByLabel("法律依据").fill("《招标投标法实施条例》第六十条");
    await form.getByRole("button", { name: "提交投诉" }).click();
    const error = page.locator("[data-error-code]");
    await error.waitFor({ timeout: 30_000 });
    await expect(error.getAttribute("data-error-code")).resolves.toBe("COMPLAINT_WINDOW_CLOSED");
    // 10 days from the answer on Monday 14 September: the window ends with Thursday 24 September,
    // at 00:00 on the 25th (条例 60).
    await expect(error.textContent()).resolves.toContain("2026/09/25 00:00:00");
    await expect(page.getByTestId("complaint-filed").count()).resolves.toBe(0);
    await screenshot(page, "complaint-window-closed");
  }, 120_000);
});
