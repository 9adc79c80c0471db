import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { secretWeakness } from "./secret-strength.server.ts";
import { parseStorageUrl } from "./storage-url.server.ts";

/**
 * Configuration from the environment (ARCHITECTURE.md §1). Embedded mode needs nothing;
 * production mode refuses to start until every starred setting is present and names the missing
 * ones, so a half-configured deployment never falls back to a development key.
 */
export type BidhallMode = "embedded" | "production";

export interface Config {
  mode: BidhallMode;
  /** The address the web server binds to: loopback unless HOST says otherwise (decision 20). */
  host: string;
  port: number;
  /**
   * Whose `X-Forwarded-For` (and `-Proto`) is believed: Express `trust proxy` entries (addresses,
   * CIDRs, or `loopback`/`linklocal`/`uniquelocal`). Empty: nobody's; the socket's address is the
   * client's (decision 26).
   */
  trustedProxies: string[];
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  ledgerRpcUrl: string | undefined;
  ledgerDeployment: string | undefined;
  ledgerNodePort: number;
  ledgerKeySecret: string | undefined;
  pkiPassphrase: string | undefined;
  storageUrl: string | undefined;
  /** S3 endpoint for a store other than AWS (MinIO, Ceph RGW, OSS, COS, OBS): STORAGE_ENDPOINT (decision 52). */
  storageEndpoint: string | undefined;
  /** STORAGE_REGION, else AWS_REGION; the SDK's default when neither is set. */
  storageRegion: string | undefined;
  /** STORAGE_FORCE_PATH_STYLE: `https://host/bucket/key` instead of `https://bucket.host/key`; default on when an endpoint is given. */
  storageForcePathStyle: boolean;
  /**
   * Where unfinished tus uploads wait: BIDHALL_UPLOADS_DIR, else `$BIDHALL_DATA_DIR/uploads`. With
   * several web instances it must be one shared directory (decision 53).
   */
  uploadsDir: string | undefined;
  smtpUrl: string | undefined;
  /** METRICS_TOKEN: the bearer token of `/metrics`; unset, the endpoint answers 404 (decision 54). */
  metricsToken: string | undefined;
  sessionSecret: string | undefined;
  idHashSecret: string | undefined;
  clock: string | undefined;
  testHooks: boolean;
}

/** The secrets production checks for strength (app/server/secret-strength.server.ts). */
export const PRODUCTION_SECRETS = ["SESSION_SECRET", "PKI_PASSPHRASE", "LEDGER_KEY_SECRET", "ID_HASH_SECRET"] as const;

const PROXY_KEYWORDS = new Set(["loopback", "linklocal", "uniquelocal"]);

/**
 * TRUSTED_PROXIES: comma-separated addresses or CIDRs (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`) or
 * the keywords `loopback`, `linklocal`, `uniquelocal`; `none` or empty trusts nobody. Returns the
 * entries, or the first bad one.
 */
export function parseTrustedProxies(raw: string): { entries: string[] } | { bad: string } {
  const entries = raw
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "" && e.toLowerCase() !== "none");
  for (const entry of entries) {
    if (PROXY_KEYWORDS.has(entry.toLowerCase())) continue;
    const [address, prefix, ...rest] = entry.split("/");
    const family = net.isIP(address ?? "");
    const maxPrefix = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || rest.length > 0 || !prefixOk) return { bad: entry };
  }
  return { entries: entries.map((e) => (PROXY_KEYWORDS.has(e.toLowerCase()) ? e.toLowerCase() : e)) };
}

/** Settings that production mode requires (the starred ones of ARCHITECTURE.md §1). */
export const PRODUCTION_REQUIRED = [
  "PUBLIC_URL",
  "DATABASE_URL",
  "LEDGER_RPC_URL",
  "LEDGER_DEPLOYMENT",
  "LEDGER_KEY_SECRET",
  "PKI_PASSPHRASE",
  "STORAGE_URL",
  "SMTP_URL",
  "SESSION_SECRET",
  "ID_HASH_SECRET",
] as const;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const portSchema = z.coerce.number().int().min(0).max(65535);

/** Loopback: `npm start` is reachable from this computer only until HOST says otherwise. */
export const DEFAULT_HOST = "127.0.0.1";
const hostSchema = z.union([
  z.ipv4(),
  z.ipv6(),
  z.string().regex(/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/),
]);

/** Whether a bind address reaches this computer only (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Reads the configuration; throws ConfigError with every problem named. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const value = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const modeRaw = value("BIDHALL_MODE") ?? "embedded";
  if (modeRaw !== "embedded" && modeRaw !== "production") {
    throw new ConfigError(`BIDHALL_MODE must be "embedded" or "production", not "${modeRaw}"`);
  }
  const mode: BidhallMode = modeRaw;
  const problems: string[] = [];

  if (mode === "production") {
    const missing = PRODUCTION_REQUIRED.filter((name) => value(name) === undefined);
    if (missing.length > 0) {
      problems.push(`production mode needs these settings, which are missing: ${missing.join(", ")}`);
    }
    if (value("BIDHALL_TEST_HOOKS") === "1") problems.push("BIDHALL_TEST_HOOKS is never allowed in production");
    if (value("BIDHALL_CLOCK") !== undefined) problems.push("BIDHALL_CLOCK is never allowed in production");
    for (const name of [...PRODUCTION_SECRETS, "METRICS_TOKEN"]) {
      const secret = value(name);
      const weakness = secret === undefined ? undefined : secretWeakness(secret);
      if (weakness) problems.push(`${name} is too weak: ${weakness}`);
    }
    const publicUrl = value("PUBLIC_URL");
    if (publicUrl !== undefined && !/^https:\/\//i.test(publicUrl))
      problems.push(`PUBLIC_URL must be an https:// address in production (people sign in and upload bids there), not "${publicUrl}"`);
  }
  const publicUrl = value("PUBLIC_URL");
  if (publicUrl !== undefined && !URL.canParse(publicUrl)) problems.push(`PUBLIC_URL must be an absolute address, not "${publicUrl}"`);

  const proxies = parseTrustedProxies(value("TRUSTED_PROXIES") ?? (mode === "production" ? "" : "loopback"));
  if ("bad" in proxies)
    problems.push(`TRUSTED_PROXIES must list addresses or CIDRs (e.g. 10.0.0.0/8, 192.0.2.7) or "loopback"; "${proxies.bad}" is neither`);

  const parsePort = (name: string, fallback: number) => {
    const parsed = portSchema.safeParse(value(name) ?? fallback);
    if (!parsed.success) {
      problems.push(`${name} must be a port number (0–65535), not "${value(name)}"`);
      return fallback;
    }
    return parsed.data;
  };
  const port = parsePort("PORT", 3000);
  const hostRaw = value("HOST") ?? DEFAULT_HOST;
  const host = hostSchema.safeParse(hostRaw).success ? hostRaw : DEFAULT_HOST;
  if (host !== hostRaw) problems.push(`HOST must be an IP address or a host name (e.g. 127.0.0.1 or 0.0.0.0), not "${hostRaw}"`);
  const ledgerNodePort = parsePort("LEDGER_NODE_PORT", 0);

  const storageUrl = value("STORAGE_URL");
  if (storageUrl !== undefined) {
    const parsed = parseStorageUrl(storageUrl);
    if ("problem" in parsed) problems.push(parsed.problem);
  }
  const storageEndpoint = value("STORAGE_ENDPOINT");
  if (storageEndpoint !== undefined && !/^https?:\/\/[^/]/i.test(storageEndpoint))
    problems.push(`STORAGE_ENDPOINT must be an http:// or https:// address, not "${storageEndpoint}"`);
  const pathStyleRaw = value("STORAGE_FORCE_PATH_STYLE")?.toLowerCase();
  if (pathStyleRaw !== undefined && !["true", "false", "1", "0"].includes(pathStyleRaw))
    problems.push(`STORAGE_FORCE_PATH_STYLE must be true or false, not "${value("STORAGE_FORCE_PATH_STYLE")}"`);

  if (problems.length > 0) throw new ConfigError(problems.join("; "));

  return {
    mode,
    host,
    port,
    trustedProxies: "entries" in proxies ? proxies.entries : [],
    publicUrl: value("PUBLIC_URL") ?? `http://localhost:${port}`,
    dataDir: path.resolve(cwd, value("BIDHALL_DATA_DIR") ?? ".data"),
    databaseUrl: value("DATABASE_URL"),
    ledgerRpcUrl: value("LEDGER_RPC_URL"),
    ledgerDeployment: value("LEDGER_DEPLOYMENT"),
    ledgerNodePort,
    ledgerKeySecret: value("LEDGER_KEY_SECRET"),
    pkiPassphrase: value("PKI_PASSPHRASE"),
    storageUrl,
    storageEndpoint,
    storageRegion: value("STORAGE_REGION") ?? value("AWS_REGION"),
    storageForcePathStyle: pathStyleRaw === undefined ? storageEndpoint !== undefined : pathStyleRaw === "true" || pathStyleRaw === "1",
    uploadsDir: value("BIDHALL_UPLOADS_DIR") === undefined ? undefined : path.resolve(cwd, value("BIDHALL_UPLOADS_DIR")!),
    smtpUrl: value("SMTP_URL"),
    metricsToken: value("METRICS_TOKEN"),
    sessionSecret: value("SESSION_SECRET"),
    idHashSecret: value("ID_HASH_SECRET"),
    clock: value("BIDHALL_CLOCK"),
    testHooks: mode !== "production" && value("BIDHALL_TEST_HOOKS") === "1",
  };
}
