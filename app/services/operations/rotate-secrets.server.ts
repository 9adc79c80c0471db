import { Wallet } from "ethers";
import { AppError } from "#app/domain/shared/app-error.ts";
import { appendAudit, SYSTEM_ACTOR } from "#app/server/audit.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { MIN_SECRET_LENGTH, secretWeakness } from "#app/server/secret-strength.server.ts";
import { decryptPrivateKey as openLedgerKey, encryptPrivateKey as sealLedgerKey } from "#app/server/ledger/keys.server.ts";
import { decryptPrivateKey as openPkiKey, encryptPrivateKey as sealPkiKey } from "#app/server/pki/key-storage.server.ts";

/** One secret's change: the value that encrypts the keys today, and the one that will. */
export interface SecretChange {
  from: string;
  to: string;
}

export interface RotateSecretsOptions {
  /** PKI_PASSPHRASE: the root, issuing and platform signing keys (table pki_authorities). */
  pki?: SecretChange;
  /** LEDGER_KEY_SECRET: the platform's and the organisations' ledger account keys (table ledger_accounts). */
  ledger?: SecretChange;
  /** Open and re-encrypt everything in memory, write nothing. */
  dryRun: boolean;
}

export interface RotateSecretsResult {
  /** Roles of the PKI keys re-encrypted (or that would be). */
  pkiKeys: string[];
  /** Ledger account keys re-encrypted (or that would be). */
  ledgerKeys: number;
  /** Ledger accounts whose key the platform does not hold (an organisation's own signer): nothing to do. */
  externalSigners: number;
  dryRun: boolean;
}

/** The CA keys by role, for the Chinese message (the English names the role). */
const PKI_ROLE_ZH: Record<string, string> = { root: "根 CA", issuing: "签发 CA", platform: "平台签名证书" };

/**
 * Re-encrypts every private key the database keeps under PKI_PASSPHRASE and LEDGER_KEY_SECRET
 * from the old secret to the new one (decision 69), in one transaction: either every key opens
 * with the old secret and is stored under the new one, or nothing changes. Each key is opened
 * with the old secret first (a secret that does not open one key refuses the whole rotation,
 * naming the key) and the new ciphertext is opened again before it is written. The key pairs
 * themselves do not change: certificates, addresses and signatures stay valid.
 *
 * The rows are locked for the transaction, so a process that creates a ledger account meanwhile
 * waits; but a process still running with the old secret would encrypt a new account's key under
 * it afterwards: every instance and worker must be stopped first (docs/operations.md §8).
 */
export async function rotateSecrets(app: AppContext, opts: RotateSecretsOptions): Promise<RotateSecretsResult> {
  for (const [name, change] of [
    ["PKI_PASSPHRASE", opts.pki],
    ["LEDGER_KEY_SECRET", opts.ledger],
  ] as const)
    if (change && change.from === change.to)
      throw new AppError("SECRET_ROTATION_INVALID", {
        reasonZh: `新的 ${name} 与当前的相同`,
        reasonEn: `the new ${name} is the old one`,
      });
  if (!opts.pki && !opts.ledger)
    throw new AppError("SECRET_ROTATION_INVALID", { reasonZh: "没有提供新的口令", reasonEn: "no new secret was given" });
  for (const [name, change] of [
    ["PKI_PASSPHRASE", opts.pki],
    ["LEDGER_KEY_SECRET", opts.ledger],
  ] as const) {
    const weakness = change && secretWeakness(change.to);
    // The weakness itself is worded in English only (config.server.ts shares it); the operator sees it there.
    if (weakness)
      throw new AppError("SECRET_ROTATION_INVALID", {
        reasonZh: `新的 ${name} 强度不足（至少 ${MIN_SECRET_LENGTH} 个随机字符，例如 openssl rand -base64 33 的输出）`,
        reasonEn: `the new ${name} is too weak: ${weakness}`,
      });
  }

  const now = app.clock.now();
  return app.db.transaction().execute(async (trx) => {
    // A worker in the middle of a job holds decrypted keys and may create accounts: refuse while one runs.
    const busy = await trx
      .selectFrom("outbox")
      .select(["locked_by", "kind"])
      .where("status", "=", "running")
      .where("locked_until", ">", now)
      .executeTakeFirst();
    if (busy)
      throw new AppError("SECRET_ROTATION_INVALID", {
        reasonZh: "有后台任务进程正在执行任务，请先停止所有任务进程和实例",
        reasonEn: `a worker (${busy.locked_by ?? "unknown"}) is running a ${busy.kind} job; stop every worker and instance first`,
      });

    const pkiKeys: string[] = [];
    if (opts.pki) {
      const { from, to } = opts.pki;
      const rows = await trx
        .selectFrom("pki_authorities")
        .select(["role", "encrypted_private_key_pem"])
        .orderBy("role")
        .forUpdate()
        .execute();
      for (const row of rows) {
        let plain: string;
        try {
          plain = openPkiKey(row.encrypted_private_key_pem, from);
        } catch {
          throw new AppError("SECRET_DOES_NOT_OPEN_KEY", {
            secret: "PKI_PASSPHRASE",
            keyZh: `${PKI_ROLE_ZH[row.role] ?? row.role}的私钥`,
            keyEn: `the ${row.role} CA key`,
          });
        }
        const sealed = sealPkiKey(plain, to);
        if (openPkiKey(sealed, to) !== plain) throw new Error(`re-encrypting the ${row.role} key did not round-trip`);
        if (!opts.dryRun)
          await trx.updateTable("pki_authorities").set({ encrypted_private_key_pem: sealed }).where("role", "=", row.role).execute();
        pkiKeys.push(row.role);
      }
    }

    let ledgerKeys = 0;
    let externalSigners = 0;
    if (opts.ledger) {
      const { from, to } = opts.ledger;
      const rows = await trx
        .selectFrom("ledger_accounts")
        .select(["holder", "address", "encrypted_key"])
        .orderBy("holder")
        .forUpdate()
        .execute();
      for (const row of rows) {
        if (!row.encrypted_key) {
          externalSigners++;
          continue;
        }
        let plain: string;
        try {
          plain = openLedgerKey(row.encrypted_key, from);
        } catch {
          throw new AppError("SECRET_DOES_NOT_OPEN_KEY", {
            secret: "LEDGER_KEY_SECRET",
            keyZh: `${row.holder === "platform" ? "平台" : "单位"}区块链账户 ${row.address} 的私钥`,
            keyEn: `the ledger key of ${row.holder} (${row.address})`,
          });
        }
        // The key must still be the account's: a swapped ciphertext would sign as somebody else.
        if (new Wallet(plain).address !== row.address) throw new Error(`the stored key of ${row.holder} is not the key of ${row.address}`);
        const sealed = sealLedgerKey(plain, to);
        if (openLedgerKey(sealed, to) !== plain) throw new Error(`re-encrypting the ledger key of ${row.holder} did not round-trip`);
        if (!opts.dryRun)
          await trx.updateTable("ledger_accounts").set({ encrypted_key: sealed }).where("holder", "=", row.holder).execute();
        ledgerKeys++;
      }
    }

    if (!opts.dryRun)
      await appendAudit(trx, {
        event: {
          type: "secrets.rotated",
          data: {
            secrets: [...(opts.pki ? (["PKI_PASSPHRASE"] as const) : []), ...(opts.ledger ? (["LEDGER_KEY_SECRET"] as const) : [])],
            pkiKeys: pkiKeys.length,
            ledgerKeys,
          },
        },
        actor: { ...SYSTEM_ACTOR, userAgent: "bidhall-cli" },
        at: now,
      });
    return { pkiKeys, ledgerKeys, externalSigners, dryRun: opts.dryRun };
  });
}
