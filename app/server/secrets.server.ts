import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
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
