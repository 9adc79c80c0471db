import { execFile } from "node:child_process";
import { createPublicKey, randomBytes, X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Wallet } from "ethers";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "#app/domain/shared/app-error.ts";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { decryptPrivateKey as openLedgerKey, LedgerAccounts, organisationHolder } from "#app/server/ledger/keys.server.ts";
import { decryptPrivateKey as openPkiKey } from "#app/server/pki/key-storage.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { rotateSecrets, type RotateSecretsOptions } from "#app/services/operations/rotate-secrets.server.ts";
import type { Database } from "#db/schema.ts";
import { createOrganisation } from "#test/factories/organisations.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * `bidhall secrets rotate` (decision 69): the CA keys and the ledger account keys move from the old
 * PKI_PASSPHRASE / LEDGER_KEY_SECRET to the new ones in one transaction; a dry run changes nothing;
 * an old secret that does not open every key changes nothing; the CLI runs it as an operator
 * would, and on PGlite (embedded mode) the generated secrets in secrets.json follow the keys.
 */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");
const secret = () => randomBytes(33).toString("base64");

const bidhall = (env: Record<string, string | undefined>, ...args: string[]) =>
  run(process.execPath, ["--import", "tsx", "scripts/bidhall.ts", ...args], { cwd: root, env: env as NodeJS.ProcessEnv }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

async function snapshot(db: Kysely<Database>) {
  return {
    pki: await db.selectFrom("pki_authorities").select(["role", "encrypted_private_key_pem", "certificate_pem"]).orderBy("role").execute(),
    ledger: await db.selectFrom("ledger_accounts").select(["holder", "address", "encrypted_key"]).orderBy("holder").execute(),
  };
}

/** The English message of the AppError `fn` throws (or the Chinese one). */
async function refusal(fn: () => Promise<unknown>, lang: "en" | "zh-CN" = "en"): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (isAppError(e)) return e.messageIn(lang);
    throw e;
  }
  throw new Error("not refused");
}

/** A Chinese message names the secret and may cite an address, but carries no English words. */
const chineseOnly = (message: string) =>
  message.replace(/PKI_PASSPHRASE|LEDGER_KEY_SECRET|0x[0-9a-fA-F]{40}|openssl rand -base64 33|CA/g, "");

describe("rotating PKI_PASSPHRASE and LEDGER_KEY_SECRET on PostgreSQL", () => {
  let app: TestApp;
  const [oldPki, oldLedger, newPki, newLedger] = [secret(), secret(), secret(), secret()];

  beforeAll(async () => {
    app = await createTestApp();
    app.config = { ...app.config, pkiPassphrase: oldPki, ledgerKeySecret: oldLedger };
    await ensurePlatformPki(app);
    // The platform's account, an organisation's, and one organisation that signs with its own signer.
    const accounts = new LedgerAccounts(app.db, oldLedger, () => new Date());
    await accounts.signerFor("platform");
    const org = await createOrganisation(app.db, { name: "福建海峡建设工程有限公司", kinds: ["bidder"] });
    await accounts.signerFor(organisationHolder(org.id));
    const own = await createOrganisation(app.db, { name: "自有签名机有限公司", kinds: ["guarantor"] });
    await app.db
      .insertInto("ledger_accounts")
      .values({
        holder: organisationHolder(own.id),
        organisation_id: own.id,
        address: Wallet.createRandom().address,
        encrypted_key: null,
        created_at: new Date(),
      })
      .execute();
  });
  afterAll(() => app?.close());

  const both = (over: Partial<RotateSecretsOptions> = {}): RotateSecretsOptions => ({
    pki: { from: oldPki, to: newPki },
    ledger: { from: oldLedger, to: newLedger },
    dryRun: false,
    ...over,
  });

  it("a dry run opens every key with the current secrets and changes nothing", async () => {
    const before = await snapshot(app.db);
    expect(await rotateSecrets(app, both({ dryRun: true }))).toEqual({
      pkiKeys: ["issuing", "platform", "root"],
      ledgerKeys: 2,
      externalSigners: 1,
      dryRun: true,
    });
    expect(await snapshot(app.db)).toEqual(before);
  });

  it("refuses, changing nothing, when an old secret does not open every key (even when the other secret would)", async () => {
    const before = await snapshot(app.db);
    expect(await refusal(() => rotateSecrets(app, both({ pki: { from: secret(), to: newPki } })))).toBe(
      "The current PKI_PASSPHRASE does not open the issuing CA key; nothing was changed.",
    );
    // The PKI passphrase is right, the ledger secret is not: the PKI keys are not re-encrypted alone.
    expect(await refusal(() => rotateSecrets(app, both({ ledger: { from: secret(), to: newLedger } })))).toMatch(
      /^The current LEDGER_KEY_SECRET does not open the ledger key of (platform|organisation:)/,
    );
    // In Chinese, in Chinese (it read "无法解开the issuing CA key").
    expect(await refusal(() => rotateSecrets(app, both({ pki: { from: secret(), to: newPki } })), "zh-CN")).toBe(
      "当前的 PKI_PASSPHRASE 无法解开签发 CA的私钥，未做任何更改。",
    );
    const ledgerZh = await refusal(() => rotateSecrets(app, both({ ledger: { from: secret(), to: newLedger } })), "zh-CN");
    expect(ledgerZh).toMatch(/^当前的 LEDGER_KEY_SECRET 无法解开(平台|单位)区块链账户 0x[0-9a-fA-F]{40} 的私钥，未做任何更改。$/);
    expect(chineseOnly(ledgerZh)).not.toMatch(/[A-Za-z]/);
    expect(await snapshot(app.db)).toEqual(before);
  });

  it("refuses a weak or unchanged new secret, no new secret at all, and a worker in the middle of a job", async () => {
    const before = await snapshot(app.db);
    expect(await refusal(() => rotateSecrets(app, both({ pki: { from: oldPki, to: "changeme-changeme-changeme-changeme" } })))).toContain(
      "the new PKI_PASSPHRASE is too weak",
    );
    expect(await refusal(() => rotateSecrets(app, both({ ledger: { from: oldLedger, to: oldLedger } })))).toContain(
      "the new LEDGER_KEY_SECRET is the old one",
    );
    expect(await refusal(() => rotateSecrets(app, { dryRun: false }))).toContain("no new secret was given");
    for (const opts of [
      both({ pki: { from: oldPki, to: "changeme-changeme-changeme-changeme" } }),
      both({ ledger: { from: oldLedger, to: oldLedger } }),
      { dryRun: false },
    ]) {
      const zh = await refusal(() => rotateSecrets(app, opts), "zh-CN");
      expect(zh).toMatch(/^无法更换密钥加密口令：/);
      expect(chineseOnly(zh), zh).not.toMatch(/[A-Za-z]/);
    }
    const job = await app.db
      .insertInto("outbox")
      .values({
        kind: "ledger.send",
        key: `rotate-test-${randomBytes(4).toString("hex")}`,
        payload: JSON.stringify({}),
        status: "running",
        max_attempts: 10,
        run_after: app.clock.now(),
        created_at: app.clock.now(),
        locked_by: "worker-1:4242",
        locked_until: new Date(app.clock.now().getTime() + 60_000),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(await refusal(() => rotateSecrets(app, both()))).toContain("a worker (worker-1:4242) is running a ledger.send job");
    await app.db.deleteFrom("outbox").where("id", "=", job.id).execute();
    expect(await snapshot(app.db)).toEqual(before);
  });

  it("re-encrypts every key under the new secrets in one go: the same key pairs, opened by the new secrets only, and an audit row", async () => {
    const before = await snapshot(app.db);
    await rotateSecrets(app, both());
    const after = await snapshot(app.db);
    for (const [i, row] of after.pki.entries()) {
      expect(row.encrypted_private_key_pem).not.toBe(before.pki[i]!.encrypted_private_key_pem);
      expect(() => openPkiKey(row.encrypted_private_key_pem, oldPki)).toThrow();
      // Still the key of the certificate it signs with.
      expect(createPublicKey(openPkiKey(row.encrypted_private_key_pem, newPki)).export({ type: "spki", format: "pem" })).toBe(
        new X509Certificate(row.certificate_pem).publicKey.export({ type: "spki", format: "pem" }),
      );
    }
    const held = after.ledger.filter((row) => row.encrypted_key !== null);
    expect(held).toHaveLength(2);
    for (const row of held) {
      expect(() => openLedgerKey(row.encrypted_key!, oldLedger)).toThrow();
      expect(new Wallet(openLedgerKey(row.encrypted_key!, newLedger)).address).toBe(row.address);
    }
    expect(after.ledger.find((row) => row.encrypted_key === null)).toEqual(before.ledger.find((row) => row.encrypted_key === null));
    const audit = await app.db.selectFrom("audit_log").select(["type", "data"]).where("type", "=", "secrets.rotated").execute();
    expect(audit.map((a) => a.data)).toEqual([{ secrets: ["PKI_PASSPHRASE", "LEDGER_KEY_SECRET"], pkiKeys: 3, ledgerKeys: 2 }]);
    expect((await verifyAuditChain(app.db)).ok).toBe(true);
    // The old secrets no longer open anything; the new ones open everything.
    expect(await refusal(() => rotateSecrets(app, both({ dryRun: true })))).toContain("does not open");
    await rotateSecrets(app, { pki: { from: newPki, to: secret() }, ledger: { from: newLedger, to: secret() }, dryRun: true });
  });

  it(
    "bidhall secrets rotate runs it from the environment: old values as the platform runs with, new ones in NEW_…",
    { timeout: 180_000 },
    async () => {
      const env: Record<string, string | undefined> = {
        NODE_ENV: "test",
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BIDHALL_MODE: "embedded",
        BIDHALL_DATA_DIR: app.config.dataDir,
        DATABASE_URL: app.databaseUrl,
        PKI_PASSPHRASE: newPki,
        LEDGER_KEY_SECRET: newLedger,
        NEW_LEDGER_KEY_SECRET: secret(),
      };
      const r = await bidhall(env, "secrets", "rotate", "--dry-run");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("dry run: the current secrets open every key; nothing was changed.");
      expect(r.stdout).toContain("LEDGER_KEY_SECRET: 2 ledger account key(s), 1 external signer(s) left as they are");
      const wrong = await bidhall({ ...env, LEDGER_KEY_SECRET: oldLedger }, "secrets", "rotate");
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/^bidhall: The current LEDGER_KEY_SECRET does not open the ledger key of/);
    },
  );
});

describe("bidhall secrets rotate in embedded mode (PGlite, generated secrets)", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-rotate-pglite-"));
  const env: Record<string, string | undefined> = {
    NODE_ENV: "test",
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BIDHALL_MODE: "embedded",
    BIDHALL_DATA_DIR: dataDir,
  };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 }));

  it("re-encrypts the CA keys and writes the new passphrase into secrets.json", { timeout: 240_000 }, async () => {
    const init = await bidhall(env, "ca", "init");
    expect(init.code, init.stderr).toBe(0);
    const file = path.join(dataDir, "secrets.json");
    const generated = (JSON.parse(fs.readFileSync(file, "utf8")) as { pki: string }).pki;
    const fresh = secret();
    const r = await bidhall({ ...env, NEW_PKI_PASSPHRASE: fresh }, "secrets", "rotate");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`updated ${file}`);
    expect((JSON.parse(fs.readFileSync(file, "utf8")) as { pki: string }).pki).toBe(fresh);
    const handle = await createDb({ databaseUrl: undefined, dataDir });
    try {
      const rows = await handle.db.selectFrom("pki_authorities").select(["encrypted_private_key_pem"]).execute();
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(() => openPkiKey(row.encrypted_private_key_pem, generated)).toThrow();
        expect(openPkiKey(row.encrypted_private_key_pem, fresh)).toContain("PRIVATE KEY");
      }
    } finally {
      await handle.close();
    }
  });
});
