import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import pg from "pg";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "#db/seed/demo.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Issue 13: a bidder-side tool built from docs/api.md and docs/openapi.json alone — Python's
 * standard library and openssl, no project code (test/fixtures/api-client/bidtool.py) — seals
 * and submits bids over tus, then signs in and opens them through the API with its token
 * (decision 51); and every /api refusal is JSON with the AppError code (decision 50).
 */
const root = path.resolve(import.meta.dirname, "../..");
const TOOL = path.join(root, "test/fixtures/api-client/bidtool.py");
const SEATS = ["bidder2", "bidder3", "bidder4"] as const;
type Seat = (typeof SEATS)[number];

interface Kit {
  backupPassword: string;
  sections: { today: string; nextWeek: string; readyToOpen: string };
}

describe("a tool built from the API documents alone", () => {
  let server: RunningServer;
  let browser: Browser;
  let kit: Kit;
  const tokens = new Map<Seat, string>();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-api-"));
  const openapi = JSON.parse(fs.readFileSync(path.join(root, "docs/openapi.json"), "utf8")) as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  };

  const tool = (seat: Seat, args: string[]) =>
    promisify(execFile)(
      "python3",
      ["-B", TOOL, ...args, "--server", server.url, "--p12", path.join(server.dataDir, "demo", `${seat}.p12`)],
      {
        env: { PATH: process.env.PATH, NODE_ENV: "test", BIDHALL_TOKEN: tokens.get(seat)!, BIDHALL_P12_PASSWORD: kit.backupPassword },
      },
    ).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  const get = (url: string, token?: string) => fetch(`${server.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    kit = JSON.parse(fs.readFileSync(path.join(server.dataDir, "demo", "kit.json"), "utf8")) as Kit;
    // Each demo bidder's member holds an API token, as one made on the page /api-tokens (tested in offline-tool.test.ts).
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    for (const seat of SEATS) {
      const token = `bh_${randomBytes(32).toString("base64url")}`;
      await db.query(
        `insert into api_tokens (organisation_id, person_id, name, scope, token_hash, created_at, expires_at)
         select m.organisation_id, p.id, 'bidtool.py', 'submit:bid', $2, now(), now() + interval '90 days'
         from people p join memberships m on m.person_id = p.id where p.email = $1`,
        [`${seat}@demo.bidhall.cn`, createHash("sha256").update(token).digest("hex")],
      );
      tokens.set(seat, token);
    }
    await db.end();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers every refusal as JSON with the AppError code: 401, 403, 404, 405, 409, 412", async () => {
    const token = tokens.get("bidder2")!;
    const refusals: [Response, number, string][] = [
      [await get(`/api/sections/${kit.sections.today}/sealing`), 401, "UNAUTHENTICATED"],
      [await get(`/api/sections/${kit.sections.today}/sealing`, "bh_not-a-token"), 401, "UNAUTHENTICATED"],
      // Only bidder 1 registered for next week's section.
      [await get(`/api/sections/${kit.sections.nextWeek}/sealing`, token), 403, "BID_NOT_REGISTERED"],
      [await get(`/api/sections/00000000-0000-4000-8000-000000000000/sealing`, token), 404, "NOT_FOUND"],
      [await get(`/api/sections/not-a-uuid/sealing`, token), 404, "NOT_FOUND"],
      [await get(`/api/no-such-endpoint`, token), 404, "NOT_FOUND"],
      [await get(`/api/auth/challenge`), 405, "METHOD_NOT_ALLOWED"],
      // Its deadline passed before start-up.
      [await get(`/api/sections/${kit.sections.readyToOpen}/sealing`, token), 409, "SECTION_UNEXPECTED_PHASE"],
    ];
    // The tus endpoint too, for tus's own protocol refusals.
    const tus = (method: string, url: string, headers: Record<string, string>) =>
      fetch(`${server.url}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...headers } });
    refusals.push(
      [await tus("POST", "/api/uploads", { "upload-length": "10" }), 412, "UPLOAD_PROTOCOL_ERROR"],
      [await tus("GET", "/api/uploads/no-such-upload", { "tus-resumable": "1.0.0" }), 404, "NOT_FOUND"],
    );
    expect((await tus("HEAD", "/api/uploads/no-such-upload", { "tus-resumable": "1.0.0" })).status).toBe(404); // a HEAD has no body
    for (const [res, status, code] of refusals) {
      expect(res.status, `${res.url} ${code}`).toBe(status);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).not.toMatch(/Unexpected Server Error/);
    }
  });

  it("serves the committed OpenAPI document, and the sealing kit matches its schema, offering only what the upload takes", async () => {
    const served = (await (await get("/api/openapi.json")).json()) as unknown;
    expect(served).toEqual(openapi);
    const res = await get(`/api/sections/${kit.sections.today}/sealing`, tokens.get("bidder2"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { security: { forms: string[]; kinds: string[] } };
    const schema = openapi.paths["/api/sections/{sectionId}/sealing"]!.get!.responses["200"]!.content!["application/json"]!.schema;
    const ajv = new Ajv2020({ strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(schema);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    // The demo section accepts a guarantee or a transfer; a bid can declare only the guarantee.
    expect(body.security).toMatchObject({ forms: ["guarantee"], kinds: ["guarantee"] });
  });

  it("builds, seals and submits a bid for each of three bidders with python and openssl, and gets signed receipts", async () => {
    fs.writeFileSync(path.join(dir, "技术标.pdf"), "%PDF-1.4 technical proposal");
    for (const [i, seat] of SEATS.entries()) {
      const fields = {
        price: String(1_000_000_00 + i * 1_000_00),
        durationDays: 300 + i,
        quality: "合格",
        projectManager: { name: "王建国", idNumber: "11010519491231002X" },
      };
      const r = await tool(seat, [
        "submit",
        "--section",
        kit.sections.today,
        "--work",
        path.join(dir, seat),
        "--fields",
        JSON.stringify(fields),
        "--security-kind",
        "guarantee",
        "--security-reference",
        `BG-2026-000${i + 1}`,
        "--doc",
        path.join(dir, "技术标.pdf"),
      ]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { status: number; receipt: { version: number; sectionId: string } };
      expect(out).toMatchObject({ status: 200, receipt: { version: 1, sectionId: kit.sections.today } });
    }
  });

  it("signs in and opens each bid through the API with the token and the key; the platform finds every package sound", async () => {
    // Past the section's deadline (ten minutes after start-up): three bids stand, the opening awaits its window.
    await server.advanceClock(15 * 60);
    for (const seat of SEATS) {
      const r = await tool(seat, ["open", "--step", "sign-in", "--section", kit.sections.today, "--work", path.join(dir, seat)]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toHaveProperty("signedInAt");
    }
    const context = await newContext(browser);
    const agency = await context.newPage();
    await logInAs(agency, server.url, "agency@demo.bidhall.cn", DEMO_PASSWORD);
    await agency.goto(`${server.url}/sections/${kit.sections.today}/opening`);
    await hydrated(agency);
    await agency.getByRole("button", { name: "公布投标人名单" }).click();
    await agency.getByRole("button", { name: "开启解密" }).click();
    await agency.getByTestId("window-remaining").waitFor();
    for (const seat of SEATS) {
      const r = await tool(seat, ["open", "--step", "decrypt", "--section", kit.sections.today, "--work", path.join(dir, seat)]);
      expect(r.code, r.stderr).toBe(0);
      // A package built from the documents passes every check: digest, manifest signature and entries, the form.
      expect(JSON.parse(r.stdout)).toEqual({ decrypted: true });
    }
    await agency.locator('[data-result="decrypted"]').nth(2).waitFor({ timeout: 30_000 });
    await screenshot(agency, "api-tool-bids-decrypted");
    await context.close();
  });
});
