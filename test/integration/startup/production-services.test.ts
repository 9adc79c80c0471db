import { execFile } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, S3RVER_CREDENTIALS, type TestS3Server } from "#test/setup/s3-server.ts";
import { startSmtpServer, type TestSmtpServer } from "#test/setup/smtp-server.ts";
import { createTestDatabase } from "../helpers/test-app.ts";

/**
 * Production start-up against real services (decision 52): `server.ts` in production mode with
 * every setting given, one service at a time wrong. Each stops the process with exit code 2 and one
 * line naming the setting to fix: a bucket that does not exist (STORAGE_URL), an SMTP server that
 * does not answer (SMTP_URL), a chain node that does not answer (LEDGER_RPC_URL).
 */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

describe("production start-up checks the services it needs", () => {
  let s3: TestS3Server;
  let smtp: TestSmtpServer;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let nowhere: number;

  beforeAll(async () => {
    [s3, smtp, db, nowhere] = await Promise.all([startS3Server(["bidhall-prod"]), startSmtpServer(), createTestDatabase(), closedPort()]);
  });
  afterAll(async () => {
    await Promise.all([s3?.stop(), smtp?.stop(), db?.drop()]);
  });

  const production = () => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production" as const,
    BIDHALL_MODE: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    PUBLIC_URL: "https://bidhall.example.cn",
    DATABASE_URL: db.url,
    LEDGER_RPC_URL: `http://127.0.0.1:${nowhere}`,
    LEDGER_DEPLOYMENT: "/nonexistent/deployment.json",
    STORAGE_URL: "s3://bidhall-prod/centre",
    STORAGE_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    SMTP_URL: smtp.url,
    SESSION_SECRET: "Qm7vX2pL9sK4tR8wE1yU6iO3aZ5cV0bN-f",
    PKI_PASSPHRASE: "tangerine velvet harbour quietly 47 orbit slate",
    LEDGER_KEY_SECRET: "b3f1c9a0e7d24f68a5c1093e7b2d4f6a8c0e1d3b5f7a9c2e",
    ID_HASH_SECRET: "Zr8Kq2Wm5Xn7Bv1Lc4Hj6Gf9Dt3Sy0Pa-_Ue",
  });
  const start = (env: NodeJS.ProcessEnv) =>
    run(process.execPath, ["--import", "tsx", "server.ts"], { cwd: root, env, timeout: 90_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
  /**
   * The one plain line the process wrote to stderr. Production logs are JSON objects, one a line,
   * and a warning among them (a slow machine can cause one) is not part of the refusal.
   */
  const refusal = (stderr: string) => {
    const isJsonLog = (l: string) => {
      try {
        return typeof (JSON.parse(l) as { level?: unknown }).level === "string";
      } catch {
        return false;
      }
    };
    const lines = stderr
      .trim()
      .split("\n")
      .filter((l) => !isJsonLog(l));
    expect(lines, stderr).toHaveLength(1);
    return lines[0];
  };

  it("refuses a bucket that does not exist, naming it and STORAGE_URL", async () => {
    const result = await start({ ...production(), STORAGE_URL: "s3://no-such-bucket/centre" });
    expect(result.code).toBe(2);
    expect(refusal(result.stderr)).toBe(`bidhall cannot start: the bucket "no-such-bucket" does not exist at ${s3.endpoint} (STORAGE_URL)`);
  });

  it("refuses an SMTP server that does not answer, naming SMTP_URL but never its password", async () => {
    const result = await start({ ...production(), SMTP_URL: `smtp://mailer:pw-never-shown-4d1@127.0.0.1:${nowhere}` });
    expect(result.code).toBe(2);
    expect(refusal(result.stderr)).toMatch(
      new RegExp(
        `^bidhall cannot start: cannot use the SMTP server at smtp://mailer@127\\.0\\.0\\.1:${nowhere} \\(SMTP_URL\\): ESOCKET connect ECONNREFUSED`,
      ),
    );
    expect(result.stderr).not.toContain("pw-never-shown");
  });

  it("refuses a chain node that does not answer, naming LEDGER_RPC_URL", async () => {
    const result = await start(production());
    expect(result.code).toBe(2);
    expect(refusal(result.stderr)).toBe(
      `bidhall cannot start: cannot reach the chain node at http://127.0.0.1:${nowhere}/ (LEDGER_RPC_URL): ECONNREFUSED`,
    );
  });
});
