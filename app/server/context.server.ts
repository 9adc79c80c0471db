import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";
import type { Clock } from "./clock.server.ts";
import type { Config } from "./config.server.ts";
import type { DbHandle } from "./db.server.ts";
import type { LiveEventHub } from "./events/hub.server.ts";
import type { Ledger } from "./ledger/ledger.server.ts";

/**
 * What the server process creates once at start-up and hands to every request through Remix's
 * load context. Route modules are bundled by Vite, so module-level singletons inside them would
 * be separate copies from the ones server.ts made; passing one context avoids two clocks or two
 * database pools.
 */
export interface AppContext {
  config: Config;
  db: Kysely<Database>;
  dbHandle: DbHandle;
  clock: Clock;
  secrets: { session: string };
  log: Logger;
  /** The chain client; absent in processes (CLI, most tests) that start no ledger. */
  ledger?: Ledger;
  /** Live events for SSE (app/server/events); made by bootApp, listens from the first subscriber on. */
  liveEvents?: LiveEventHub;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Per-request facts the audit trail needs (办法 Art 49: time, IP, operator). */
export interface RequestMeta {
  ip: string;
  userAgent: string;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    app: AppContext;
    request: RequestMeta;
    /**
     * This response's Content-Security-Policy nonce (app/web/edge.server.ts), for Remix's inline
     * scripts; absent only where no Express server is in front (tests calling the handler directly).
     */
    cspNonce?: string;
  }
}

export function consoleLogger(prefix = "bidhall"): Logger {
  const line = (level: string, msg: string, fields?: Record<string, unknown>) =>
    `${new Date().toISOString()} ${level} [${prefix}] ${msg}${fields ? " " + JSON.stringify(fields) : ""}`;
  return {
    info: (m, f) => console.log(line("INFO", m, f)),
    warn: (m, f) => console.warn(line("WARN", m, f)),
    error: (m, f) => console.error(line("ERROR", m, f)),
  };
}
