import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { TempDir } from "#app/server/pki/testing/openssl.server.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

const BACKUP_PASSWORD = "备份密码-Backup-2026";

describe("enrolling for a certificate in the browser and logging in with it", () => {
  let server: RunningServer;
  let browser: Browser;
  const dir = new TempDir();
  const backup = path.join(dir.path, "backup.p12");
  let serial = "";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    dir.remove();
  });

  /** CA 登录 from the login page with the (only) certificate this browser holds. */
  async function certificateLogin(page: Page): Promise<void> {
    await page.goto(`${server.url}/login`);
    await hydrated(page);
    const panel = page.getByTestId("certificate-login");
    await panel.locator(`[data-serial="${serial}"]`).waitFor();
    await panel.getByRole("button", { name: "CA 登录" }).click();
  }

  it("enrols, downloads a backup openssl opens with the chosen password, and logs in with the certificate", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInAs(page, server.url, "bidder1@demo.bidhall.cn", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByRole("button", { name: "本单位" }).click();
    await page.getByRole("link", { name: "数字证书" }).click();
    await page.waitForURL(`${server.url}/certificates`);
    await hydrated(page);

    const enrol = page.getByTestId("enrol-panel");
    await enrol.getByLabel("备份密码（至少 10 位）").fill("short");
    await enrol.getByLabel("再次输入备份密码").fill("short");
    await enrol.getByRole("button", { name: "生成密钥并申请证书" }).click();
    await enrol.getByText("备份密码至少 10 位。").waitFor();

    await enrol.getByLabel("备份密码（至少 10 位）").fill(BACKUP_PASSWORD);
    await enrol.getByLabel("再次输入备份密码").fill(BACKUP_PASSWORD);
    const download = page.waitForEvent("download", { timeout: 60_000 });
    await enrol.getByRole("button", { name: "生成密钥并申请证书" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^bidhall-张伟-[0-9a-f]{8}\.p12$/);
    await file.saveAs(backup);
    // Until the person confirms the backup is saved, nothing is stored in this browser.
    await expect(page.getByTestId("local-certificates").textContent()).resolves.toContain("本机尚未导入证书");
    await screenshot(page, "certificates-enrol-downloaded");
    await enrol.getByRole("button", { name: "我已保存备份文件，导入本机" }).click();
    await page.getByTestId("enrol-done").waitFor({ timeout: 30_000 });

    const row = page.getByTestId("certificate-table").locator("tbody tr").first();
    serial = (await row.getAttribute("data-testid"))!.replace("certificate-", "");
    expect(serial).toMatch(/^[0-9a-f]{32}$/);
    await expect(row.getAttribute("data-state")).resolves.toBe("valid");
    await expect(row.getByTestId("on-this-computer").textContent()).resolves.toBe("已导入本机");
    await page.getByTestId("local-certificates").locator(`[data-serial="${serial}"]`).waitFor();
    await screenshot(page, "certificates-page");

    // The backup opens with the chosen password (and not with another one).
    const opened = dir.openssl(["pkcs12", "-info", "-in", backup, "-passin", `pass:${BACKUP_PASSWORD}`, "-nokeys"]);
    expect(opened.status, opened.output).toBe(0);
    expect(opened.stdout).toContain("BEGIN CERTIFICATE");
    // openssl 3.0 prints the subject with UTF-8 escaped: CN = 张伟
    expect(opened.output).toContain("CN = \\E5\\BC\\A0\\E4\\BC\\9F");
    expect(dir.openssl(["pkcs12", "-info", "-in", backup, "-passin", "pass:wrong-password", "-nokeys"]).status).not.toBe(0);

    // The certificate-issued mail went to the development mailbox, which only the operator reads.
    await page.goto(`${server.url}/dev/mailbox?to=bidder1@demo.bidhall.cn`);
    await expect(page.locator(".error-page").getAttribute("data-status")).resolves.toBe("403");
    const operatorContext = await newContext(browser);
    const operatorPage = await operatorContext.newPage();
    await logInAs(operatorPage, server.url, "operator@demo.bidhall.cn", DEMO_PASSWORD);
    await operatorPage.goto(`${server.url}/dev/mailbox?to=bidder1@demo.bidhall.cn`);
    await operatorPage.getByText(`Certificate issued (${serial.toUpperCase()})`, { exact: false }).first().waitFor({ timeout: 30_000 });
    await operatorContext.close();

    // Log out, then log in with the certificate instead of the password.
    await page.goto(`${server.url}/dashboard`);
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL(/\/login/);
    await certificateLogin(page);
    await page.waitForURL(`${server.url}/dashboard`);
    await expect(page.getByTestId("whoami").textContent()).resolves.toContain("张伟");
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL(/\/login/);
    await hydrated(page);
    await page.getByTestId("certificate-login").locator(`[data-serial="${serial}"]`).waitFor();
    await screenshot(page, "login-certificate");
    await context.close();
  });

  it("imports the backup in a second browser, logs in there, and is refused once the certificate is revoked", async () => {
    const other = await newContext(browser);
    const page = await other.newPage();
    await page.goto(`${server.url}/login`);
    await hydrated(page);
    const panel = page.getByTestId("certificate-login");
    await panel.getByTestId("no-local-certificates").waitFor();
    await panel.getByText("在本机导入证书备份").click();
    await panel.getByLabel("备份文件（.p12）").setInputFiles(backup);
    await panel.getByLabel("备份密码").fill("not-the-password");
    await panel.getByRole("button", { name: "导入" }).click();
    await expect(panel.locator('[data-error-code="WRONG_PASSWORD"]').textContent()).resolves.toBe("备份密码错误。");
    await panel.getByLabel("备份密码").fill(BACKUP_PASSWORD);
    await panel.getByRole("button", { name: "导入" }).click();
    await panel.getByTestId("import-done").waitFor({ timeout: 30_000 });
    await certificateLogin(page);
    await page.waitForURL(`${server.url}/dashboard`);
    await expect(page.getByTestId("whoami").textContent()).resolves.toContain("张伟");

    // The holder revokes it (from this second computer)…
    await page.goto(`${server.url}/certificates`);
    await hydrated(page);
    page.once("dialog", (d) => void d.accept());
    const row = page.getByTestId(`certificate-${serial}`);
    await row.getByLabel("吊销原因").selectOption("keyCompromise");
    await row.getByRole("button", { name: "吊销" }).click();
    await page.getByTestId("revoked").waitFor();
    await page.locator(`[data-testid="certificate-${serial}"][data-state="revoked"]`).waitFor();

    // …the public CRL lists it…
    const crl = await other.request.get(`${server.url}/pki/crl`);
    expect(crl.headers()["content-type"]).toBe("application/pkix-crl");
    fs.writeFileSync(path.join(dir.path, "served.crl"), await crl.body());
    expect(dir.openssl(["crl", "-inform", "DER", "-in", "served.crl", "-noout", "-text"]).stdout).toContain(serial.toUpperCase());

    // …and certificate login is refused, saying why.
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL(/\/login/);
    await certificateLogin(page);
    const alert = page.getByTestId("certificate-login").locator('[data-error-code="CERTIFICATE_REVOKED"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/^CA 登录失败：该数字证书已于 .+ 被吊销，不能再使用。/);
    expect(page.url()).toContain("/login");
    await screenshot(page, "login-certificate-revoked");
    await other.close();
  });

  it("publishes the CA certificates on a public page", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/pki`);
    await hydrated(page);
    await expect(page.getByTestId("pki-root").getByTestId("fingerprint").textContent()).resolves.toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const root = await context.request.get(`${server.url}/pki/root-ca.pem`);
    expect(await root.text()).toContain("BEGIN CERTIFICATE");
    await screenshot(page, "pki-page");
    await context.close();
  });

  it("lets the operator browse the audit log and verify its chain", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInAs(page, server.url, "operator@demo.bidhall.cn", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByRole("button", { name: "审计与账本" }).click();
    await page.getByRole("link", { name: "审计日志" }).click();
    await page.waitForURL(`${server.url}/operator/audit`);
    await hydrated(page);
    await page.getByLabel("事件类型").selectOption("certificate.revoked");
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL(/type=certificate.revoked/);
    await page.getByText("共 1 条，第 1/1 页").waitFor();
    await expect(page.getByTestId("audit-table").locator("tbody tr").count()).resolves.toBe(1);
    await expect(page.getByTestId("audit-table").textContent()).resolves.toContain(serial);
    await page.getByTestId("verify-chain").click();
    await page.getByTestId("audit-verified").waitFor();
    await screenshot(page, "operator-audit");
    await context.close();
  });
});
