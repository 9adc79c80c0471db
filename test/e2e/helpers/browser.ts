import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium, never a downloaded one (STACK.md). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** playwright's launch() gives every browser a fresh temporary profile (the --user-data-dir of STACK.md). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1366, height: 800 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
}

/** Screenshots land in test-results/ for people to look at (ignored by git). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.resolve(import.meta.dirname, "../../../test-results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Waits until React has hydrated the page (root.tsx sets the marker). */
export async function hydrated(page: Page): Promise<void> {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** Logs in through the form, as a person would; a refused login leaves the page showing why. */
export async function logInAs(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await hydrated(page);
  await page.getByLabel(/邮箱|Email/).fill(email);
  await page.getByLabel(/^密码$|^Password$/).fill(password);
  await page.getByRole("button", { name: /^登录$|^Log in$/ }).click();
  await page
    .waitForFunction(
      () => !location.pathname.startsWith("/login") || document.querySelector("[data-error-code], .errors li") !== null,
      undefined,
      { timeout: 15_000 },
    )
    .catch(async (e: unknown) => {
      await screenshot(page, `login-stuck-${email}`);
      throw e;
    });
}

/**
 * Records every Content-Security-Policy violation in the context's pages (decision 26): the DOM's
 * `securitypolicyviolation` events, and Chromium's console reports of refused scripts, styles,
 * connections or frames (some, like a refused `eval`, only reach the console).
 */
export async function watchCsp(context: BrowserContext): Promise<() => string[]> {
  const seen: string[] = [];
  await context.exposeBinding("__reportCspViolation", ({ page }, text: string) => void seen.push(`${page.url()}: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCspViolation: (t: string) => void }).__reportCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
    });
  });
  const onPage = (page: Page) =>
    page.on("console", (m) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) seen.push(`${page.url()}: console ${m.type()}: ${m.text()}`);
    });
  context.pages().forEach(onPage);
  context.on("page", onPage);
  return () => [...seen];
}
