import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

const root = path.resolve(import.meta.dirname, "../..");

describe("the offline tool against a running platform", () => {
  let server: RunningServer;
  let browser: Browser;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-offline-"));
  const f = (n: string) => path.join(dir, n);
  let sectionId: string;
  let token: string;
  let digest: string;

  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/bidhall.ts", ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: server.databaseUrl, BIDHALL_DATA_DIR: server.dataDir },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    // The demo project's second section closes a week after start-up; bidder1 is registered for it.
    sectionId = (await db.query<{ id: string }>("select id from sections where name = '排水及照明工程施工'")).rows[0]!.id;
    await db.end();
    // bidder1 enrols offline: a key and CSR made with openssl, the certificate issued by `ca issue`.
    execFileSync(
      "openssl",
      ["req", "-new", "-newkey", "rsa:3072", "-nodes", "-keyout", f("key.pem"), "-out", f("req.csr"), "-subj", "/CN=bidder1"],
      { stdio: "ignore" },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("issues a certificate offline for a member", async () => {
    const issued = await cli(["ca", "issue", "--csr", f("req.csr"), "--member", "bidder1@demo.bidhall.cn", "--out", f("cert.pem")]);
    expect(issued.code, issued.stderr).toBe(0);
    expect(execFileSync("openssl", ["x509", "-in", f("cert.pem"), "-noout", "-subject", "-nameopt", "utf8"]).toString()).toContain("张伟");
  });

  it("creates an API token in the web UI, shown once", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInAs(page, server.url, "bidder1@demo.bidhall.cn", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByRole("button", { name: "本单位" }).click(); // the header's grouped menu (decision 48)
    await page.getByRole("link", { name: "API 令牌" }).click();
    await page.waitForURL(`${server.url}/api-tokens`);
    await hydrated(page);
    await page.getByLabel(/令牌名称/).fill("投标专用电脑");
    await page.getByRole("button", { name: "生成令牌" }).click();
    token = (await page.getByTestId("new-token").textContent())!;
    expect(token).toMatch(/^bh_/);
    await screenshot(page, "api-tokens");
    await context.close();
  });

  it("downloads the sealing kit, packages, seals for the organisation's certificates, and openssl opens it", async () => {
    const kit = await cli(["section", "--server", server.url, "--token", token, "--section", sectionId, "--out", f("kit")]);
    expect(kit.code, kit.stderr).toBe(0);
    const recipients = fs.readdirSync(f("kit/recipients"));
    expect(recipients).toHaveLength(1);
    const template = JSON.parse(fs.readFileSync(f("kit/bid.template.json"), "utf8")) as {
      fields: Record<string, unknown>;
      security: { reference: string };
    };
    template.fields = {
      price: "1234567890",
      durationDays: 365,
      quality: "合格",
      projectManager: { name: "王建国", idNumber: "11010519491231002X" },
    };
    template.security.reference = "BG-2026-0001";
    fs.writeFileSync(f("bid.json"), JSON.stringify(template));
    fs.writeFileSync(f("技术标.pdf"), "%PDF-1.4 technical proposal");
    const pkg = await cli([
      "package",
      "--form",
      f("bid.json"),
      "--schema",
      f("kit/schema.json"),
      "--doc",
      f("技术标.pdf"),
      "--key",
      f("key.pem"),
      "--cert",
      f("cert.pem"),
      "--chain",
      f("kit/issuing-ca.pem"),
      "--out",
      f("package.zip"),
    ]);
    expect(pkg.code, pkg.stderr).toBe(0);
    digest = pkg.stdout.trim();
    const sealed = await cli([
      "seal",
      ...recipients.flatMap((r) => ["--recipient", f(`kit/recipients/${r}`)]),
      "--in",
      f("package.zip"),
      "--out",
      f("bid.p7m"),
    ]);
    expect(sealed.code, sealed.stderr).toBe(0);
    const opened = execFileSync("openssl", [
      "cms",
      "-decrypt",
      "-inform",
      "DER",
      "-binary",
      "-recip",
      f("cert.pem"),
      "-inkey",
      f("key.pem"),
      "-in",
      f("bid.p7m"),
    ]);
    expect(opened.equals(fs.readFileSync(f("package.zip")))).toBe(true);
  });

  it("submits over tus and gets a receipt the platform signed, which bidhall verify trusts", async () => {
    const submitted = await cli([
      "submit",
      "--server",
      server.url,
      "--token",
      token,
      "--section",
      sectionId,
      "--envelope",
      f("bid.p7m"),
      "--digest",
      digest,
      "--receipt",
      f("receipt.jws"),
    ]);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(submitted.stdout).toMatch(/^receipt [0-9A-Z]{26}: version 1,/);
    const exported = await cli(["ca", "export", "--out", f("ca")]);
    expect(exported.code, exported.stderr).toBe(0);
    const verified = await cli(["verify", f("receipt.jws"), "--trust", f("ca/root-ca.pem")]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain("chain: trusted");
    expect(verified.stdout).toContain(digest);
  });

  it("resumes an upload cut halfway and completes it", async () => {
    const tus = await import("tus-js-client");
    const bytes = fs.readFileSync(f("bid.p7m"));
    const big = Buffer.concat([bytes]); // the same envelope again: a replacement, version 2
    const endpoint = `${server.url}/api/uploads`;
    const options = {
      endpoint,
      chunkSize: Math.ceil(big.length / 4),
      metadata: { sectionId, packageDigest: digest },
      headers: { authorization: `Bearer ${token}` },
    };
    let cut = false;
    const first = new tus.Upload(big, {
      ...options,
      onChunkComplete: (_chunk, sent, total) => {
        if (!cut && sent >= total / 2) {
          cut = true;
          void first.abort();
        }
      },
      onError: () => undefined,
    });
    first.start();
    await expect.poll(() => cut && first.url !== null).toBe(true);
    const resumed = await new Promise<string>((resolve, reject) => {
      const again = new tus.Upload(big, {
        ...options,
        uploadUrl: first.url,
        onError: reject,
        onSuccess: (p) => resolve(p.lastResponse.getBody() ?? ""),
      });
      again.start();
    });
    expect((JSON.parse(resumed) as { receipt: { version: number } }).receipt.version).toBe(2);
  });

  it("refuses an upload after the deadline, naming it", async () => {
    await server.advanceClock(8 * 86400);
    const late = await cli([
      "submit",
      "--server",
      server.url,
      "--token",
      token,
      "--section",
      sectionId,
      "--envelope",
      f("bid.p7m"),
      "--digest",
      digest,
    ]);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain("投标截止时间");
  });

  it("stops working once the token is revoked, saying why in one line", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInAs(page, server.url, "bidder1@demo.bidhall.cn", DEMO_PASSWORD);
    await page.goto(`${server.url}/api-tokens`);
    await hydrated(page);
    await page.getByTestId("token-投标专用电脑").getByRole("button", { name: "吊销" }).click();
    await page.getByTestId("token-投标专用电脑").getByText("已吊销").waitFor();
    await context.close();
    const refused = await cli(["section", "--server", server.url, "--token", token, "--section", sectionId, "--out", f("kit2")]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toContain("(401)");
  });
});
