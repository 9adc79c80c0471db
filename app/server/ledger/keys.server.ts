import fs from "node:fs";
import path from "node:path";
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import type { Kysely } from "kysely";
import { Transaction as EthTransaction, Wallet, type TransactionLike } from "ethers";
import type { Database } from "#db/schema.ts";
import type { Config } from "../config.server.ts";
import type { Logger } from "../context.server.ts";

/**
 * Ledger accounts (ARCHITECTURE.md §3): every organisation acts on the chain with an account of
 * its own, and the platform with its account. In embedded mode (and until an organisation runs
 * its own signer) the platform keeps the private keys, encrypted with LEDGER_KEY_SECRET.
 */

/** Signs transactions for one account; an organisation's own signer (HSM, wallet) implements it too. */
export interface LedgerSigner {
  readonly address: string;
  /** Returns the signed transaction as `0x…` bytes, ready for eth_sendRawTransaction. */
  signTransaction(tx: TransactionLike<string>): Promise<string>;
}

export const PLATFORM_HOLDER = "platform";
export const organisationHolder = (organisationId: string) => `organisation:${organisationId}`;

/** A signer whose key is in this process (decrypted from the database). */
export class LocalLedgerSigner implements LedgerSigner {
  readonly #wallet: Wallet;
  constructor(privateKey: string) {
    this.#wallet = new Wallet(privateKey);
  }
  get address() {
    return this.#wallet.address;
  }
  signTransaction(tx: TransactionLike<string>): Promise<string> {
    return this.#wallet.signTransaction(EthTransaction.from(tx));
  }
}

/**
 * LEDGER_KEY_SECRET in production; in embedded mode generated once into the data directory's
 * secrets.json (mode 0600) with a warning, like the session secret and the PKI passphrase.
 */
export function resolveLedgerKeySecret(config: Config, log: Logger): string {
  if (config.ledgerKeySecret) return config.ledgerKeySecret;
  if (config.mode === "production") throw new Error("LEDGER_KEY_SECRET is required in production");
  const file = path.join(config.dataDir, "secrets.json");
  let stored: Record<string, string> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  if (!stored.ledger) {
    stored.ledger = randomBytes(32).toString("base64url");
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    log.warn(`generated a development ledger key secret in ${file}; keep it with the database, and set LEDGER_KEY_SECRET in production`);
  }
  return stored.ledger;
}

const keyFrom = (secret: string, salt: Buffer) => scryptSync(secret, salt, 32, { N: 2 ** 14, r: 8, p: 1 });

/** `v1.<salt>.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM under a key scrypt derives from the secret. */
export function encryptPrivateKey(privateKey: string, secret: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(secret, salt), iv);
  const ct = Buffer.concat([cipher.update(privateKey, "utf8"), cipher.final()]);
  return ["v1", salt, iv, cipher.getAuthTag(), ct].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptPrivateKey(sealed: string, secret: string): string {
  const [version, salt, iv, tag, ct] = sealed.split(".");
  if (version !== "v1" || !salt || !iv || !tag || !ct) throw new Error("unknown ledger key format");
  const decipher = createDecipheriv("aes-256-gcm", keyFrom(secret, Buffer.from(salt, "base64url")), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("cannot decrypt a ledger account key: LEDGER_KEY_SECRET differs from the one that encrypted it");
  }
}

/**
 * The accounts of the platform and the organisations, created on first use. External signers
 * can be registered by `registerSigner` (their account row then has no key).
 */
export class LedgerAccounts {
  readonly #signers = new Map<string, LedgerSigner>();
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secret: string,
    private readonly now: () => Date,
  ) {}

  registerSigner(holder: string, signer: LedgerSigner) {
    this.#signers.set(holder, signer);
  }

  /** The signer of `holder`, creating its account (a fresh key, encrypted) on first use. */
  async signerFor(holder: string): Promise<LedgerSigner> {
    const cached = this.#signers.get(holder);
    if (cached) return cached;
    let row = await this.db.selectFrom("ledger_accounts").selectAll().where("holder", "=", holder).executeTakeFirst();
    if (!row) {
      const wallet = Wallet.createRandom();
      const organisationId = holder.startsWith("organisation:") ? holder.slice("organisation:".length) : null;
      await this.db
        .insertInto("ledger_accounts")
        .values({
          holder,
          organisation_id: organisationId,
          address: wallet.address,
          encrypted_key: encryptPrivateKey(wallet.privateKey, this.secret),
          created_at: this.now(),
        })
        .onConflict((oc) => oc.column("holder").doNothing())
        .execute();
      row = await this.db.selectFrom("ledger_accounts").selectAll().where("holder", "=", holder).executeTakeFirstOrThrow();
    }
    if (!row.encrypted_key)
      throw new Error(`the ledger account of ${holder} (${row.address}) has an external signer that is not connected`);
    const signer = new LocalLedgerSigner(decryptPrivateKey(row.encrypted_key, this.secret));
    this.#signers.set(holder, signer);
    return signer;
  }

  async addressOf(holder: string): Promise<string> {
    return (await this.signerFor(holder)).address;
  }
}
