import { AsyncLocalStorage } from "node:async_hooks";
import type { Config } from "./config.server.ts";
import { consoleLogger, type Logger } from "./context.server.ts";

/** The request a piece of work belongs to (app/web/operations.server.ts sets it per request). */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** The current request's id, inside a request (also in what it awaits); undefined elsewhere. */
export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/**
 * One JSON object per line (production, decision 54): time, level, component, message, the request
 * id when inside a request, and the fields. Errors and warnings go to stderr, the rest to stdout.
 */
export function jsonLogger(component = "bidhall"): Logger {
  const line = (level: string, msg: string, fields?: Record<string, unknown>) =>
    JSON.stringify({ time: new Date().toISOString(), level, component, msg, requestId: currentRequestId(), ...fields });
  return {
    info: (m, f) => console.log(line("info", m, f)),
    warn: (m, f) => console.warn(line("warn", m, f)),
    error: (m, f) => console.error(line("error", m, f)),
  };
}

/** JSON lines in production, readable lines in embedded mode. */
export function loggerFor(config: Pick<Config, "mode">, component = "bidhall"): Logger {
  return config.mode === "production" ? jsonLogger(component) : consoleLogger(component);
}
