import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCitizenId } from "#app/domain/shared/citizen-id.ts";
import { createDb } from "#app/server/db.server.ts";
import { enqueueLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { testDatabaseUrl, withDatabase } from "#test/integration/helpers/pg-urls.ts";
import { startChainNode, type TestChainNode } from "#test/setup/chain-node.ts";
import { startLoadBalancer, type TestLoadBalancer } from "#test/setup/load-balancer.ts";
import { startS3Server, S3RVER_CREDENTIALS, type TestS3Server } from "#test/setup/s3-server.ts";
import { startSmtpServer, type TestSmtpServer } from "#test/setup/smtp-server.ts";
import { hydrated, launchBrowser, logInAs, newContext, screenshot } from "./helpers/browser.ts";
import { enrolInBrowser } from "./helpers/certificates.ts";
import { SCENE_PASSWORD, SCENE_PEOPLE, setUpProductionScene, type ProductionScene } from "./helpers/production-scene.ts";

/**
 * Production mode started the way docs/operations.md tells an operator to (issue 17): a
 * PostgreSQL database, an S3-protocol server, an SMTP server and a separate chain node, then
 * `npm run db:migrate`, `npm run bidhall -- ca init`, `npm run ledger:deploy` against the node,
 * two app instances on different ports (one through `npm start`) and one `npm run worker`, all with
 * the same settings and secrets. `npm start` naming a bucket that does not exist refuses, naming it.
 * Both instances are ready (database, object store, chain node), log JSON lines carrying the request
 * id, serve metrics to the token holder only. The worker is SIGKILLed while a ledger write waits
 * for its block and restarted: every outbox item lands on the chain exactly once (decision 69).
 * Everything stops cleanly on SIGTERM.
 *
 * In Chromium (decision 79): a bidder behind a load balancer seals a bid and uploads it through
 * instance A; the connection is cut half-way and the same tus upload finishes on instance B. The
 * agency watches the hall on A, the bidder on B: sign-ins, the window, decryptions and the
 * reading-out cross between them live (PostgreSQL LISTEN/NOTIFY). The signed reading-out record is
 * read back from the object store (its SHA-256 the recorded one) and its anchor found on the
 * separate chain node; an invitation mail reaches the SMTP server. Production mode has no test
 * clock: the section is published 35 days in the past through the services (as the demo seed
 * tells its story) with its deadline a little ahead in real time, and the test waits for it.
 */
const root = path.resolve(import.meta.dirname, "../..");
const MB = 1024 * 1024;
/**
 * From the section's publication to its bid deadline: enough for sealing, the cut upload and the
 * sign-ins in Chromium and two sealed bids on two heavily loaded cores; the rest is waited out.
 */
const DEADLINE_IN_SECONDS = 120;

describe("production mode on real services", () => {
  let s3: TestS3Server;
  let smtp: TestSmtpServer;
  let chain: TestChainNode;
  let dbName: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-production-"));
  const metricsToken = randomBytes(33).toString("base64");
  const children: ChildProcess[] = [];
  let env: NodeJS.ProcessEnv;
  let scene: ProductionScene | undefined;
  let lb: TestLoadBalancer;
  let browser: Browser | undefined;

  /** Runs an npm script to its end; resolves with its output, rejects with it on a non-zero exit. */
  const npm = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", ...args], { cwd: root, env: { ...env, ...extra }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr.on("data", (b: Buffer) => (out += b.toString()));
      child.once("exit", (code) =>
        code === 0 ? resolve(out) : reject(Object.assign(new Error(`npm run ${args.join(" ")} exited ${code}:\n${out}`), { out })),
      );
    });

  /** Starts a long-running process; resolves once `ready` matches its output. */
  const launch = (script: string[], extra: Record<string, string>, ready: RegExp) =>
    new Promise<{ child: ChildProcess; lines: string[]; match: RegExpExecArray }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", ...script], {
        cwd: root,
        env: { ...env, ...extra },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      const lines: string[] = [];
      let buffer = "";
      const timer = setTimeout(() => reject(new Error(`${script.join(" ")} did not start:\n${lines.join("\n")}`)), 300_000);
      const onData = (b: Buffer) => {
        buffer += b.toString();
        const parts = buffer.split("\n");
        buffer = parts.pop()!;
        for (const line of parts) {
          lines.push(line);
          const match = ready.exec(line);
          if (match) {
            clearTimeout(timer);
            resolve({ child, lines, match });
          }
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${script.join(" ")} exited (${code}) while starting:\n${lines.join("\n")}`));
      });
    });

  const exitOf = (child: ChildProcess) =>
    new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code)),
    );

  beforeAll(async () => {
    [s3, smtp, chain] = await Promise.all([startS3Server(["bidhall-records"]), startSmtpServer(), startChainNode()]);
    dbName = `bidhall_prod_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`create database "${dbName}"`);
    await admin.end();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      BIDHALL_MODE: "production",
      HOST: "127.0.0.1",
      PUBLIC_URL: "https://bidhall.example.cn",
      DATABASE_URL: withDatabase(dbName),
      LEDGER_RPC_URL: chain.url,
      LEDGER_DEPLOYMENT: path.join(work, "ledger-deployment.json"),
      STORAGE_URL: "s3://bidhall-records/centre-a",
      STORAGE_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      SMTP_URL: smtp.url,
      BIDHALL_DATA_DIR: path.join(work, "data"),
      BIDHALL_UPLOADS_DIR: path.join(work, "shared-uploads"),
      METRICS_TOKEN: metricsToken,
      SESSION_SECRET: randomBytes(33).toString("base64"),
      PKI_PASSPHRASE: randomBytes(33).toString("base64"),
      LEDGER_KEY_SECRET: randomBytes(33).toString("base64"),
      ID_HASH_SECRET: randomBytes(33).toString("base64"),
      HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
    };
  });
  afterAll(async () => {
    await browser?.close();
    await lb?.stop();
    await scene?.close();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await Promise.all([s3?.stop(), smtp?.stop(), chain?.stop()]);
    if (dbName) {
      const admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      await admin.query(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  const started = Date.now();
  const step = (name: string) => process.stderr.write(`production test: ${name} at ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  /** One JSON-RPC call to the separate chain node. */
  const rpc = async (method: string, params: unknown[] = []) => {
    const res = await fetch(chain.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  };

  type Launched = Awaited<ReturnType<typeof launch>>;
  let a: Launched, b: Launched, worker: Launched;
  let urls: string[];
  let deployment: { chainId: string; contracts: Record<string, { address: string }> };

  it(
    "migrates, creates the CA, deploys the contracts, refuses a missing bucket, serves from two instances and a worker",
    { timeout: 600_000 },
    async () => {
      step("db:migrate");
      expect(await npm(["db:migrate"])).toContain("0021_upload_locks Success");
      step("ca init");
      await npm(["bidhall", "--", "ca", "init"]);
      step("ledger:deploy");
      // The platform's ledger account is made on the first run; on a network that charges gas the
      // operator funds it (the command prints it) and runs the command again (it is idempotent).
      const first = await npm(["ledger:deploy"]).catch((e: { out: string }) => e.out);
      const platform = /platform account (0x[0-9a-fA-F]{40})/.exec(first)?.[1];
      expect(platform, first).toBeDefined();
      if (!fs.existsSync(env.LEDGER_DEPLOYMENT!)) {
        await chain.fund(platform!);
        await npm(["ledger:deploy"]);
      }
      deployment = JSON.parse(fs.readFileSync(env.LEDGER_DEPLOYMENT!, "utf8")) as typeof deployment;
      expect(deployment.chainId).toBe("20261205");

      step("npm start refuses a bucket that does not exist; the instances and the worker start");
      // At the same time (two cores, and nothing shared between them but the database).
      const refusal = npm(["start"], { STORAGE_URL: "s3://no-such-bucket/centre-a", PORT: "0" }).then(
        (out) => ({ code: 0, out }),
        (e: { out: string }) => ({ code: 1, out: e.out }),
      );
      const listening = /listening on http:\/\/localhost:(\d+)/;
      [a, b, worker] = await Promise.all([
        // Instance A exactly as `npm start` runs it (scripts/start.ts: build when stale, then serve).
        launch(["scripts/start.ts"], { PORT: "0" }, listening),
        launch(["server.ts"], { PORT: "0" }, listening),
        launch(["scripts/worker.ts"], {}, /bidhall worker started/),
      ]);
      const refused = await refusal;
      expect(refused.code, refused.out).not.toBe(0);
      expect(refused.out).toContain(`bidhall cannot start: the bucket "no-such-bucket" does not exist at ${s3.endpoint} (STORAGE_URL)`);
      urls = [a, b].map((s) => `http://127.0.0.1:${s.match[1]}`);
      expect(urls[0]).not.toBe(urls[1]);

      step("readiness");
      for (const url of urls) {
        const ready = await fetch(`${url}/readyz`);
        const body = (await ready.json()) as { status: string; checks: Record<string, string>; mode: string };
        expect(ready.status, JSON.stringify(body)).toBe(200);
        expect(body).toMatchObject({ status: "ready", mode: "production", checks: { database: "ok", storage: "ok", chain: "ok" } });
      }

      // Structured logs: every line of the instance is JSON, and a request's line carries the id it was answered with.
      const home = await fetch(`${urls[0]}/announcements`);
      const requestId = home.headers.get("x-request-id");
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      await expect
        .poll(() =>
          a.lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string; path?: string }).find((l) => l.requestId === requestId),
        )
        .toMatchObject({ msg: "request", path: "/announcements", status: 200, requestId });
      for (const line of [...a.lines, ...worker.lines]) expect(() => JSON.parse(line), line).not.toThrow();

      // Metrics: only for the token's holder.
      expect((await fetch(`${urls[1]}/metrics`)).status).toBe(401);
      expect((await fetch(`${urls[1]}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      const metrics = await fetch(`${urls[1]}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      for (const name of [
        "bidhall_http_request_duration_seconds_bucket",
        "bidhall_outbox_lag_seconds",
        "bidhall_live_stream_clients",
        "bidhall_jobs_failed",
      ])
        expect(text).toContain(name);
    },
  );

  it(
    "in Chromium: a bid upload cut half-way on instance A finishes on instance B; the hall watched from both instances; decryption, reading-out, the record in the object store and its anchor on the chain node; an invitation mail over SMTP",
    { timeout: 600_000 },
    async () => {
      step("the scene: organisations and people");
      scene = await setUpProductionScene(env);
      // The bidder reaches the platform through the balancer (one origin: its session, its key in
      // IndexedDB), which sends it to instance A until the upload is cut; the agency uses A directly.
      lb = await startLoadBalancer(urls[0]!);
      browser = await launchBrowser();
      const [bidderContext, agencyContext] = await Promise.all([newContext(browser), newContext(browser)]);
      const bidder = await bidderContext.newPage();
      const agency = await agencyContext.newPage();
      try {
        step("the bidder enrols a certificate in Chromium");
        await logInAs(bidder, lb.url, SCENE_PEOPLE.bidder1.email, SCENE_PASSWORD);
        await bidder.waitForURL(`${lb.url}/dashboard`);
        await enrolInBrowser(bidder, lb.url, "备份密码-Production-2026");

        step("a section published 35 days ago, closing soon; two bidders submit their bids");
        const { sectionId, deadline } = await scene.publishSection(DEADLINE_IN_SECONDS);
        const serviceBids = scene.submitServiceBids();
        serviceBids.catch(() => undefined); // awaited below

        step("the bidder seals in Chromium");
        await bidder.goto(`${lb.url}/sections/${sectionId}/bid`);
        await hydrated(bidder);
        const form = bidder.getByTestId("opening-form");
        await form.getByLabel("投标报价").fill("9,800,000.00");
        await form.getByLabel("工期（日历天）").fill("360");
        await form.getByLabel("质量标准").selectOption("合格");
        await form.getByLabel("项目经理 · 姓名").fill("李建国");
        await form.getByLabel("项目经理 · 身份证号码").fill(makeCitizenId("35010219800101123"));
        await bidder.getByLabel("保函编号 / 信用承诺书编号").fill("BG-PROD-bidder1");
        const documentPath = path.join(work, "技术标.pdf");
        fs.writeFileSync(documentPath, randomBytes(12 * MB));
        await bidder.getByTestId("documents-input").setInputFiles(documentPath);
        await bidder.getByRole("button", { name: "封装并加密" }).click();
        await bidder.getByTestId("sealed").waitFor({ timeout: 120_000 });

        step("the upload: cut half-way on A, resumed and finished on B");
        // The balancer forwards the first PATCH until 5 MB of the ~12 MB envelope have reached A,
        // then breaks the connection on both sides and sends everything after to B. Chromium itself
        // re-sends the cut PATCH (offset 0) to B, which holds A's 5 MB already and answers 409; tus
        // then asks B for the offset (HEAD) and sends the rest of the same upload there (decision 80).
        const cut = lb.cutUploadAfter(5 * MB, urls[1]!);
        await bidder.getByTestId("upload").click();
        expect(await cut).toMatchObject({ forwarded: 5 * MB, cutFrom: urls[0] });
        await bidder.waitForURL(/\/receipts\/[0-9A-Z]{26}$/, { timeout: 180_000 }).catch(async (e: unknown) => {
          await screenshot(bidder, "production-upload-stuck");
          throw new Error(`the upload did not finish on B: ${String(e)}\n${lb.log.join("\n")}`);
        });
        await expect(bidder.getByTestId("receipt-version").textContent()).resolves.toBe("1");
        await screenshot(bidder, "production-receipt-after-failover");
        const [portA, portB] = urls.map((u) => new URL(u).port);
        const uploads = lb.log.filter((l) => l.includes("/api/uploads"));
        const created = uploads.filter((l) => l.startsWith("POST "));
        expect(created, uploads.join("\n")).toHaveLength(1);
        expect(created[0]).toMatch(new RegExp(`→ ${portA}$`));
        const uploadPath = / (\/api\/uploads\/[^ ]+) /.exec(uploads.find((l) => l.startsWith("PATCH "))!)![1]!;
        const patches = uploads.filter((l) => l.startsWith("PATCH "));
        // One upload id throughout: begun on A, finished on B.
        expect(
          patches.every((l) => l.includes(` ${uploadPath} `)),
          uploads.join("\n"),
        ).toBe(true);
        expect(patches[0]).toMatch(new RegExp(`→ ${portA}$`));
        expect(patches.at(-1)).toMatch(new RegExp(`→ ${portB}$`));
        expect(
          uploads.some((l) => l.startsWith(`HEAD ${uploadPath} → ${portB}`)),
          uploads.join("\n"),
        ).toBe(true);

        await serviceBids;

        step("the hall, watched from both instances: sign-ins");
        const hallOn = (base: string) => `${base}/sections/${sectionId}/opening`;
        await logInAs(agency, urls[0]!, SCENE_PEOPLE.agency.email, SCENE_PASSWORD);
        await agency.waitForURL(`${urls[0]}/dashboard`);
        await agency.goto(hallOn(urls[0]!));
        await hydrated(agency);
        await agency.locator('[data-testid="live"][data-connected="true"]').waitFor({ timeout: 30_000 });
        await bidder.goto(hallOn(lb.url)); // through the balancer, now to B
        await hydrated(bidder);
        await bidder.locator('[data-testid="live"][data-connected="true"]').waitFor({ timeout: 30_000 });
        // Signed in on B: the agency's page on A shows it without a reload.
        await bidder.getByRole("button", { name: "证书签到" }).click();
        await bidder.getByTestId("signed-in").waitFor({ timeout: 60_000 });
        await agency.getByTestId("sign-ins").locator("tbody tr").first().waitFor({ timeout: 30_000 });
        await scene.signInServiceBidders();
        await agency.getByTestId("sign-ins").locator("tbody tr").nth(2).waitFor({ timeout: 30_000 });
        await screenshot(agency, "production-hall-agency-sign-ins");

        step("waiting for the deadline");
        const wait = deadline.getTime() + 1000 - Date.now();
        expect(wait, "the bids were in after the deadline: raise DEADLINE_IN_SECONDS").toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, wait));

        step("decryption: opened on A, done on B and here, seen live on both");
        // The worker's scheduler counts the bids standing at the deadline (it ticks every 15 s);
        // until then the agency is told the bids are not counted yet.
        await expect
          .poll(
            async () =>
              (
                await scene!.app.db
                  .selectFrom("openings")
                  .select("valid_bids_at_deadline")
                  .where("section_id", "=", sectionId)
                  .executeTakeFirst()
              )?.valid_bids_at_deadline,
            { timeout: 90_000, interval: 1000 },
          )
          .toBe(3);
        await agency.reload();
        await hydrated(agency);
        await agency.locator('[data-testid="opening-phase"][data-phase="awaiting-window"]').waitFor({ timeout: 30_000 });
        await agency.getByRole("button", { name: "公布投标人名单" }).click();
        await agency.getByRole("button", { name: "开启解密" }).click();
        await agency.getByTestId("window-remaining").waitFor();
        // The window opened on A reaches the bidder's page on B live: its decrypt button appears.
        await bidder.getByTestId("decrypt").click({ timeout: 30_000 });
        await expect(bidder.getByTestId("bidder-message").textContent({ timeout: 60_000 })).resolves.toContain("解密成功");
        await agency.locator(`[data-testid="bidder-${scene.usccOf("bidder1")}"][data-result="decrypted"]`).waitFor({ timeout: 30_000 });
        await scene.decryptServiceBids();
        for (const seat of ["bidder2", "bidder3"] as const)
          await agency.locator(`[data-testid="bidder-${scene.usccOf(seat)}"][data-result="decrypted"]`).waitFor({ timeout: 30_000 });
        expect(await bidder.textContent("body")).not.toContain("9,650,000.00"); // another's price, before the reading-out

        step("reading-out: published on A, seen live on B");
        await agency.getByRole("button", { name: "提前结束解密" }).click();
        await agency.getByRole("button", { name: "唱标（公布唱标记录）" }).click();
        for (const seat of ["bidder1", "bidder2"] as const) {
          const row = bidder.getByTestId(`reading-out-${scene.usccOf(seat)}`);
          await row.waitFor({ timeout: 30_000 });
          await expect(row.textContent()).resolves.toContain(seat === "bidder1" ? "9,800,000.00" : "9,650,000.00");
        }
        await screenshot(bidder, "production-hall-bidder-reading-out");

        step("the record in the object store");
        const opening = await scene.app.db
          .selectFrom("openings")
          .select(["reading_out_record_key", "reading_out_record_sha256"])
          .where("section_id", "=", sectionId)
          .executeTakeFirstOrThrow();
        const recordKey = opening.reading_out_record_key!;
        const recordSha256 = opening.reading_out_record_sha256!;
        const s3client = new S3Client({
          endpoint: s3.endpoint,
          region: "us-east-1",
          forcePathStyle: true,
          credentials: S3RVER_CREDENTIALS,
        });
        const listed = await s3client.send(new ListObjectsV2Command({ Bucket: "bidhall-records", Prefix: "centre-a/" }));
        const objectKey = `centre-a/${recordKey}`;
        expect(listed.Contents?.map((o) => o.Key)).toContain(objectKey);
        const object = await s3client.send(new GetObjectCommand({ Bucket: "bidhall-records", Key: objectKey }));
        const pdf = Buffer.from(await object.Body!.transformToByteArray());
        s3client.destroy();
        expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
        expect(createHash("sha256").update(pdf).digest("hex")).toBe(recordSha256);

        step("an invitation mail through SMTP");
        const invited = `new-colleague-${randomBytes(3).toString("hex")}@centre-a.bidhall.test`;
        await agency.goto(`${urls[1]}/organisations/${scene.organisationOf("agency")}/members`);
        await hydrated(agency);
        await agency.locator('input[name="email"]').fill(invited);
        await agency.locator('button[name="intent"][value="invite"]').click();
        const link = (await agency.getByTestId("invite-link").textContent({ timeout: 30_000 }))!;
        await expect.poll(() => smtp.received.find((m) => m.to.includes(invited)), { timeout: 120_000, interval: 500 }).toBeDefined();
        const mail = smtp.received.find((m) => m.to.includes(invited))!;
        expect(mail.raw.replace(/=\r?\n/g, "")).toContain(link.split("/").at(-1));

        step("the record's anchor on the chain node");
        // The anchor batcher takes the hashes queued within a minute, the worker sends the root.
        let anchor: { root: string; txHash: string; contract: string | null } | undefined;
        await expect
          .poll(
            async () => {
              const res = await fetch(`${urls[1]}/api/anchors/${recordSha256}`);
              if (res.status === 200) anchor = (await res.json()) as typeof anchor;
              return res.status;
            },
            { timeout: 240_000, interval: 2000 },
          )
          .toBe(200);
        const logs = (await rpc("eth_getLogs", [
          { fromBlock: "0x0", toBlock: "latest", address: deployment.contracts.DocumentAnchor!.address },
        ])) as { topics: string[]; transactionHash: string }[];
        const anchored = logs.filter((l) => l.topics[1] === anchor!.root);
        expect(anchored).toHaveLength(1);
        expect(anchored[0]!.transactionHash).toBe(anchor!.txHash);
      } catch (e) {
        // What each screen showed when it failed (test-results/).
        await screenshot(agency, "production-failed-agency").catch(() => undefined);
        await screenshot(bidder, "production-failed-bidder").catch(() => undefined);
        throw e;
      }
    },
  );

  it("lands every ledger write once through a killed worker, and stops on SIGTERM", { timeout: 300_000 }, async () => {
    step("worker killed during a ledger write");
    // The node holds transactions (no automining), so a ledger write is signed, recorded, sent and
    // left waiting for its block: the worker is SIGKILLed right there, then the block comes and a
    // new worker starts. Every write must be on the chain exactly once.
    const handle = await createDb({ databaseUrl: env.DATABASE_URL!, dataDir: work });
    const roots = Array.from({ length: 4 }, () => `0x${randomBytes(32).toString("hex")}`);
    const keys = roots.map((root) => `production-test:anchor:${root}`);
    try {
      await rpc("evm_setAutomine", [false]);
      await handle.db.transaction().execute(async (trx) => {
        for (const [i, root] of roots.entries())
          await enqueueLedgerWrite(
            trx,
            keys[i]!,
            { contract: "DocumentAnchor", method: "anchor", args: [root, "1024"], actor: "platform" },
            new Date(),
          );
      });
      await expect
        .poll(
          async () =>
            (await handle.db.selectFrom("ledger_sends").select("status").where("outbox_key", "in", keys).execute()).map((r) => r.status),
          { timeout: 60_000, interval: 100 },
        )
        .toContain("signed");
      worker.child.kill("SIGKILL");
      await exitOf(worker.child);
      await rpc("evm_mine");
      await rpc("evm_setAutomine", [true]);
      const again = await launch(["scripts/worker.ts"], {}, /bidhall worker started/);
      // The killed worker's job waits for its lease (30 s), then the new worker completes it from its record.
      await expect
        .poll(async () => (await handle.db.selectFrom("outbox").select("status").where("key", "in", keys).execute()).map((r) => r.status), {
          timeout: 150_000,
          interval: 1000,
        })
        .toEqual(keys.map(() => "done"));
      const sends = await handle.db.selectFrom("ledger_sends").selectAll().where("outbox_key", "in", keys).execute();
      expect(sends.map((r) => r.status)).toEqual(keys.map(() => "confirmed"));
      // On the chain: one RootAnchored event per root, and the platform account sent exactly as
      // many transactions as the database recorded for it (no write went out twice).
      const logs = (await rpc("eth_getLogs", [
        { fromBlock: "0x0", toBlock: "latest", address: deployment.contracts.DocumentAnchor!.address },
      ])) as {
        topics: string[];
      }[];
      for (const root of roots) expect(logs.filter((l) => l.topics[1] === root)).toHaveLength(1);
      const account = sends[0]!.account;
      const recorded = await handle.db.selectFrom("ledger_sends").select("status").where("account", "=", account).execute();
      expect(recorded.every((r) => r.status === "confirmed")).toBe(true);
      expect(Number(await rpc("eth_getTransactionCount", [account, "latest"]))).toBe(recorded.length);

      step("SIGTERM");
      // SIGTERM: each process stops by itself, cleanly.
      for (const p of [a, b, again]) p.child.kill("SIGTERM");
      expect(await Promise.all([a, b, again].map((p) => exitOf(p.child)))).toEqual([0, 0, 0]);
    } finally {
      await rpc("evm_setAutomine", [true]).catch(() => undefined);
      await handle.close();
    }
  });
});
