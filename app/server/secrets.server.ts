import fs from "node:fs";
import path from "node:path";
import { createHmac, randomBytes } from "node:crypto";
import type { Config } from "./config.server.ts";
import type { Logger } from "./context.server.ts";

/**
 * Embedded mode generates the secrets it needs once and keeps them in the data directory
 * (mode 0600), warning that this is for development; production takes them from the
 * environment (loadConfig refuses to start without them).
 */
export function resolveSecrets(config: Config, log: Logger): { session: string } {
  if (config.sessionSecret) return { session: config.sessionSecret };
  if (config.mode === "production") throw new Error("SESSION_SECRET is required in production");
  const file = path.join(config.dataDir, "secrets.json");
  let stored: Record<string, string> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  if (!stored.session) {
    stored.session = randomBytes(32).toString("base64url");
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    log.warn(`generated a development session secret in ${file}; set SESSION_SECRET in production`);
  }
  return { session: stored.session };
}

/**
 * The passphrase that encrypts the CA and platform private keys (ARCHITECTURE.md §1 "keys"):
 * PKI_PASSPHRASE in production; in embedded mode generated once into the data directory's
 * secrets.json, with a warning. Losing it loses the CA keys, so it is never regenerated over
 * an existing one.
 */
export function resolvePkiPassphrase(config: Config, log: Logger): string {
  if (config.pkiPassphrase) return config.pkiPassphrase;
  if (config.mode === "production") throw new Error("PKI_PASSPHRASE is required in production");
  const file = path.join(config.dataDir, "secrets.json");
  let stored: Record<string, string> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  if (!stored.pki) {
    stored.pki = randomBytes(32).toString("base64url");
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    log.warn(`generated a development PKI passphrase in ${file}; keep it with the database, and set PKI_PASSPHRASE in production`);
  }
  return stored.pki;
}

/**
 * The key of the keyed hash (HMAC-SHA-256) that replaces person ID numbers outside the bid package
 * (ARCHITECTURE.md §4 step 3, DOMAIN.md §7): ID_HASH_SECRET in production; in embedded mode
 * generated once into secrets.json, with a warning. Changing it makes earlier hashes unmatchable.
 */
export function resolveIdHashSecret(config: Config, log: Logger): string {
  if (config.idHashSecret) return config.idHashSecret;
  if (config.mode === "production") throw new Error("ID_HASH_SECRET is required in production");
  const file = path.join(config.dataDir, "secrets.json");
  let stored: Record<string, string> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  if (!stored.idHash) {
    stored.idHash = randomBytes(32).toString("base64url");
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    log.warn(`generated a development ID hash secret in ${file}; set ID_HASH_SECRET in production`);
  }
  return stored.idHash;
}

/** The keyed hash (HMAC-SHA-256, hex) of a canonical ID number (DOMAIN.md §7): what is kept instead of the number. */
export function idNumberHash(config: Config, log: Logger, idNumber: string): string {
  return createHmac("sha256", resolveIdHashSecret(config, log)).update(idNumber).digest("hex");
}
