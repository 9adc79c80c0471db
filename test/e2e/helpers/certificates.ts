import type { Page } from "playwright-core";
import { hydrated } from "./browser.ts";

/**
 * Enrols a certificate for the logged-in person as a person would (certificates page: key pair
 * in the browser, CSR, PKCS#12 backup download, import into this browser) and returns its serial.
 */
export async function enrolInBrowser(page: Page, baseUrl: string, backupPassword: string): Promise<string> {
  await page.goto(`${baseUrl}/certificates`);
  await hydrated(page);
  const enrol = page.getByTestId("enrol-panel");
  await enrol.getByLabel("备份密码（至少 10 位）").fill(backupPassword);
  await enrol.getByLabel("再次输入备份密码").fill(backupPassword);
  const download = page.waitForEvent("download", { timeout: 60_000 });
  await enrol.getByRole("button", { name: "生成密钥并申请证书" }).click();
  await (await download).path();
  await enrol.getByRole("button", { name: "我已保存备份文件，导入本机" }).click();
  await page.getByTestId("enrol-done").waitFor({ timeout: 30_000 });
  const row = page.getByTestId("certificate-table").locator("tbody tr").first();
  return (await row.getAttribute("data-testid"))!.replace("certificate-", "");
}
