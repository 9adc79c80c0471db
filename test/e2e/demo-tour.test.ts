import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_BIDS } from "#db/seed/bids.ts";
import { DEMO_BACKUP_PASSWORD, DEMO_ORGANISATIONS, DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

/**
 * Issue 13's tour from a fresh `npm start` data directory (embedded mode, PGlite): the development
 * page hands out the demo bidders' key backups; bidders 2–4 import them in three browsers, sign
 * in to the section whose deadline passed just before start-up, and decrypt once the agency opens
 * it; the reading-out and its signed record follow, and the finished section's records are there
 * too. Then, with the server stopped, `bidhall audit verify` walks the data directory's chain and
 * the signed records verify against the platform root.
 */
const SEATS = ["bidder2", "bidder3", "bidder4"] as const;
const emailOf = (key: string) => DEMO_ORGANISATIONS.find((o) => o.key === key)!.people[0]!.email;
const usccOf = (key: string) => DEMO_ORGANISATIONS.find((o) => o.key === key)!.uscc;
/** 8,432,100.00 — how the hall prints fen. */
const yuan = (fen: bigint) => `${(fen / 100n).toLocaleString("en-US")}.${String(fen % 100n).padStart(2, "0")}`;

describe("the demo tour, from a fresh embedded start", () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const seats = new Map<string, Page>();
  let agency: Page;
  let readyToOpen: string;
  let finished: string;
  let serverNow: Date;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-demo-tour-"));
  const hall = (sectionId: string) => `${server.url}/sections/${sectionId}/opening`;

  beforeAll(async () => {
    serverNow = new Date(Math.floor(Date.now() / 1000) * 1000);
    [server, browser] = await Promise.all([
      startServer({ clock: `fixed:${serverNow.toISOString()}`, database: "pglite" }),
      launchBrowser(),
    ]);
    expect(server.logs.join("")).toContain("database: pglite");
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    return context.newPage();
  }

  it("the development page lists every seat and offers the demo bidders' backups, with a plain warning", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/dev/demo`);
    await hydrated(page);
    await expect(page.getByTestId("demo-warning").textContent()).resolves.toContain("演示数据");
    await expect(page.getByTestId("demo-password").textContent()).resolves.toBe(DEMO_PASSWORD);
    await expect(page.getByTestId("demo-backup-password").textContent()).resolves.toBe(DEMO_BACKUP_PASSWORD);
    for (const o of DEMO_ORGANISATIONS) for (const p of o.people) await page.getByText(p.email, { exact: true }).first().waitFor();
    const href = (key: string) =>
      page.getByTestId(`demo-section-${key}`).getByRole("link", { name: "开标大厅" }).getAttribute("href") as Promise<string>;
    readyToOpen = (await href("readyToOpen")).split("/")[2]!;
    finished = (await href("finished")).split("/")[2]!;
    await screenshot(page, "demo-tour-dev-page");
    for (const key of SEATS) {
      const row = page.getByTestId(`demo-backup-${key}`);
      await expect(row.getAttribute("data-status")).resolves.toBe("valid");
      const download = page.waitForEvent("download");
      await row.getByRole("link", { name: "下载备份" }).click();
      await (await download).saveAs(path.join(dir, `${key}.p12`));
    }
    // Only what the kit lists, by its name: no path, no other file of the data directory, no NUL.
    for (const probe of ["bidder1", "..%2Fsecrets.json", "kit", "bidder2%00", "BIDDER2", "x".repeat(200)]) {
      const res = await fetch(`${server.url}/dev/demo/backups/${probe}`);
      // A NUL character is refused as bad input before any route runs (decision 25).
      expect(res.status, probe).toBe(probe.includes("%00") ? 400 : 404);
    }
  });

  it("bidders 2–4 import their backups in three browsers and sign in to the section whose deadline has passed", async () => {
    await Promise.all(
      SEATS.map(async (key) => {
        const page = await newPage();
        seats.set(key, page);
        await logInAs(page, server.url, emailOf(key), DEMO_PASSWORD);
        await page.waitForURL(`${server.url}/dashboard`);
        await page.goto(`${server.url}/certificates`);
        await hydrated(page);
        const panel = page.getByTestId("import-panel");
        await panel.locator("#import-file").setInputFiles(path.join(dir, `${key}.p12`));
        await panel.getByLabel("备份密码", { exact: true }).fill(DEMO_BACKUP_PASSWORD);
        await panel.getByRole("button", { name: "导入", exact: true }).click();
        await panel.getByTestId("import-done").waitFor({ timeout: 60_000 });
        await page.goto(hall(readyToOpen));
        await hydrated(page);
        await expect(page.getByTestId("opening-phase").getAttribute("data-phase")).resolves.toBe("awaiting-window");
        await page.getByRole("button", { name: "证书签到" }).click();
        await page.getByTestId("signed-in").waitFor({ timeout: 30_000 });
      }),
    );
    await screenshot(seats.get("bidder2")!, "demo-tour-bidder-signed-in");
  });

  it("the agency publishes the bidders and opens decryption; each bidder decrypts its sealed bid in its browser", async () => {
    agency = await newPage();
    await logInAs(agency, server.url, emailOf("agency"), DEMO_PASSWORD);
    await agency.goto(hall(readyToOpen));
    await hydrated(agency);
    await agency.getByTestId("sign-ins").locator("tbody tr").nth(2).waitFor({ timeout: 30_000 });
    await agency.getByRole("button", { name: "公布投标人名单" }).click();
    await agency.getByRole("button", { name: "开启解密" }).click();
    await agency.getByTestId("window-remaining").waitFor();
    for (const key of SEATS) {
      const page = seats.get(key)!;
      await page.getByTestId("decrypt").click({ timeout: 30_000 });
      await expect(page.getByTestId("bidder-message").textContent({ timeout: 60_000 })).resolves.toContain("解密成功");
    }
    for (const key of SEATS)
      await agency.locator(`[data-testid="bidder-${usccOf(key)}"][data-result="decrypted"]`).waitFor({ timeout: 30_000 });
    await screenshot(agency, "demo-tour-agency-decrypted");
  });

  it("the agency ends decryption and reads out; every screen shows the prices, and the bidders sign the platform-signed record", async () => {
    await agency.getByRole("button", { name: "提前结束解密" }).click();
    await agency.getByRole("button", { name: "唱标（公布唱标记录）" }).click();
    for (const [i, key] of SEATS.entries()) {
      const row = agency.getByTestId(`reading-out-${usccOf(key)}`);
      await row.waitFor({ timeout: 30_000 });
      await expect(row.textContent()).resolves.toContain(yuan(DEMO_BIDS.readyToOpen[i]!.priceFen));
    }
    for (const key of SEATS) {
      const page = seats.get(key)!;
      await page.getByRole("button", { name: "确认无误并签名" }).click({ timeout: 30_000 });
      await expect(page.getByTestId("bidder-message").textContent()).resolves.toContain("已签名");
    }
    await agency.getByTestId("confirmations").locator("li").nth(2).waitFor({ timeout: 30_000 });
    await screenshot(agency, "demo-tour-agency-read-out");
    const record = await fetch(`${server.url}/sections/${readyToOpen}/opening/record.pdf?kind=reading-out`);
    expect(record.status).toBe(200);
    fs.writeFileSync(path.join(dir, "reading-out.pdf"), Buffer.from(await record.arrayBuffer()));
  });

  it("the finished section shows its reading-out and offers its signed opening record", async () => {
    const page = await newPage();
    await page.goto(hall(finished));
    await hydrated(page);
    await expect(page.getByTestId("opening-phase").getAttribute("data-phase")).resolves.toBe("closed");
    await expect(page.getByTestId(`reading-out-${usccOf("bidder3")}`).textContent()).resolves.toContain(
      yuan(DEMO_BIDS.finished[1]!.priceFen),
    );
    await screenshot(page, "demo-tour-finished-public");
    const record = await fetch(`${server.url}/sections/${finished}/opening/record.pdf?kind=opening`);
    expect(record.status).toBe(200);
    fs.writeFileSync(path.join(dir, "opening-record.pdf"), Buffer.from(await record.arrayBuffer()));
    fs.writeFileSync(path.join(dir, "root.pem"), await (await fetch(`${server.url}/pki/root-ca.pem`)).text());
    const text = (await run("pdftotext", ["-raw", path.join(dir, "opening-record.pdf"), "-"])).stdout.replace(/\s/g, "");
    expect(text).toContain("开标记录表");
    expect(text).toContain("与唱标记录一致");
  });

  it("with the server stopped, `bidhall audit verify` passes on the data directory and the records verify against the platform root", async () => {
    await server.stop({ keepDataDir: true }); // PGlite: one process at a time
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "test",
      BIDHALL_MODE: "embedded",
      BIDHALL_DATA_DIR: server.dataDir,
    };
    const cli = (args: string[]) => run(process.execPath, ["--import", "tsx", "scripts/bidhall.ts", ...args], { cwd: root, env });
    const audit = await cli(["audit", "verify"]);
    expect(audit.stdout).toMatch(/^audit chain intact: \d+ rows$/m);
    for (const file of ["reading-out.pdf", "opening-record.pdf"]) {
      const verified = await cli(["verify", path.join(dir, file), "--trust", path.join(dir, "root.pem")]);
      expect(verified.stdout).toContain("chain trusted");
    }
  }, 120_000);
});
