import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import { z } from "zod";
import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import { createScheduler } from "#app/jobs/scheduler.ts";
import { timedTasks } from "#app/jobs/timed-tasks.ts";
import {
  clientAddress,
  closeAfterUnreadBody,
  lastErrorHandler,
  refuseMalformedAddress,
  refuseOversizedBody,
  securityHeadersMiddleware,
  trustProxySetting,
} from "#app/web/edge.server.ts";
import { createMetrics, metricsTokenMatches, readiness, requestIdMiddleware } from "#app/web/operations.server.ts";
import { UPLOAD_PATH, uploadHandler } from "#app/web/uploads.server.ts";
import { appendAudit, SYSTEM_ACTOR } from "#app/server/audit.server.ts";
import { bootApp, startupProblem } from "#app/server/boot.server.ts";
import { isLoopbackHost, loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { ping } from "#app/server/db.server.ts";
import { loggerFor } from "#app/server/log.server.ts";
import { pendingMigrations } from "#db/migrate.ts";

/**
 * The web process: Express in front of the Remix app. Health endpoints and test hooks live here
 * because they must answer even when the app cannot render; everything else is Remix.
 */
const root = path.dirname(fileURLToPath(import.meta.url));

export async function createServer(app: AppContext, options: { dev?: boolean; draining?: () => boolean } = {}) {
  const server = express();
  server.disable("x-powered-by");
  server.set("trust proxy", trustProxySetting(app.config)); // TRUSTED_PROXIES
  // A request id for every request and log line, and its latency (decision 54).
  server.use(requestIdMiddleware(app));
  const metrics = createMetrics(app);
  server.use(metrics.middleware);
  // Before anything can answer: the security headers (with the CSP nonce), then a malformed address refused.
  server.use(securityHeadersMiddleware(app, { dev: options.dev ?? false }));
  server.use(closeAfterUnreadBody);
  server.use(refuseMalformedAddress);
  server.use(compression());

  server.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  server.get("/readyz", async (_req, res) => {
    // A draining instance (SIGTERM) is taken out of the load balancer first.
    if (options.draining?.()) return void res.status(503).json({ status: "shutting down" });
    try {
      await ping(app.db);
      const pending = await pendingMigrations(app.db);
      if (pending.length > 0) return void res.status(503).json({ status: "migrations pending", pending });
    } catch (e) {
      return void res.status(503).json({ status: "database unreachable", error: e instanceof Error ? e.message : String(e) });
    }
    // The database, the object store and the chain node (decision 54).
    const { ready, checks } = await readiness(app);
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? "ready" : "not ready", checks, mode: app.config.mode, now: app.clock.now().toISOString() });
  });
  // Prometheus text format, for the holder of METRICS_TOKEN only; no token configured, no endpoint.
  server.get("/metrics", async (req, res) => {
    const token = app.config.metricsToken;
    if (!token) return void res.status(404).type("text/plain").send("not found");
    if (!metricsTokenMatches(token, req.headers.authorization))
      return void res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').type("text/plain").send("unauthorised");
    res.type("text/plain; version=0.0.4").send(await metrics.render(app));
  });

  // Resumable bid uploads (tus) read the raw body: before any parser and before Remix.
  const uploads = uploadHandler(app);
  server.all([UPLOAD_PATH, `${UPLOAD_PATH}/*`], uploads);
  // Every other body: a declared length over its endpoint's ceiling is refused before a byte is read.
  server.use(refuseOversizedBody);

  if (app.config.testHooks) {
    const Advance = z.object({
      advanceSeconds: z
        .number()
        .positive()
        .max(10 * 365 * 86400),
    });
    server.post("/__test/clock", express.json({ limit: "1kb" }), async (req, res) => {
      const parsed = Advance.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: "advanceSeconds must be a positive number of seconds" });
      const now = await app.clock.advance(parsed.data.advanceSeconds);
      await app.db.transaction().execute((trx) =>
        appendAudit(trx, {
          event: { type: "clock.advanced", data: { seconds: parsed.data.advanceSeconds, now: now.toISOString() } },
          actor: SYSTEM_ACTOR,
          at: now,
        }),
      );
      res.json({ now: now.toISOString() });
    });
  }

  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (options.dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true } });
    server.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  } else {
    const buildDir = path.join(root, "build");
    server.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    server.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
    build = (await import(path.join(buildDir, "server/index.js"))) as ServerBuild;
  }

  // Production logs each request as a JSON line (createMetrics); embedded mode keeps morgan's short lines.
  if (app.config.mode !== "production") server.use(morgan("dev", { skip: (req) => req.url?.startsWith("/assets") ?? false }));
  server.all(
    "*",
    createRequestHandler({
      build,
      mode: options.dev ? "development" : "production",
      getLoadContext: (req, res) => ({
        app,
        request: { ip: clientAddress(req), userAgent: String(req.headers["user-agent"] ?? "") },
        cspNonce: String(res.locals.cspNonce),
      }),
    }),
  );
  server.use(lastErrorHandler(app));
  return server;
}

/** The address to open in a browser; loopback and wildcard binds are reached as localhost. */
export function listeningUrl(host: string, port: number): string {
  if (isLoopbackHost(host) || host === "0.0.0.0" || host === "::") return `http://localhost:${port}`;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** Says in the start-up log who can reach the server, and how to change it (decision 20). */
function reach(host: string): string {
  if (isLoopbackHost(host)) return `on ${host} only, this computer; set HOST=0.0.0.0 to expose it on the network`;
  return `on ${host === "0.0.0.0" || host === "::" ? "every network interface" : host} (HOST=${host}): reachable from the network`;
}

/** How long a stopping server lets requests under way finish (uploads resume on another instance). */
const DRAIN_MS = 10_000;

export async function main() {
  const dev = process.argv.includes("--dev");
  let app: AppContext;
  try {
    const config = loadConfig();
    app = await bootApp({ config, log: loggerFor(config), ledger: true });
  } catch (e) {
    const problem = startupProblem(e);
    if (problem !== undefined) {
      console.error(`bidhall cannot start: ${problem}`);
      process.exit(2);
    }
    throw e;
  }
  let draining = false;
  const server = await createServer(app, { dev, draining: () => draining });
  // Embedded mode runs the worker in this process; production runs `npm run worker` processes.
  const runner = app.config.mode === "embedded" ? createJobRunner(app, { handlers: jobHandlers }) : undefined;
  runner?.start();
  // The scheduler runs beside the worker: in this process in embedded mode, in `npm run worker` otherwise.
  const scheduler = app.config.mode === "embedded" ? createScheduler(app, timedTasks) : undefined;
  scheduler?.start();
  const { host } = app.config;
  const listener = server.listen(app.config.port, host, () => {
    const { port } = listener.address() as AddressInfo;
    app.log.info(
      `bidhall listening on ${listeningUrl(host, port)} (${app.config.mode} mode, database: ${app.dbHandle.driver}) ${reach(host)}`,
    );
    if (app.config.mode === "embedded" && !isLoopbackHost(host))
      app.log.warn("embedded mode is a demonstration: its demo accounts share one published password; do not leave it on an open network");
  });
  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: shutting down`);
    // A stuck step must not keep the process (and the embedded node) alive forever.
    const deadline = setTimeout(() => {
      app.log.error("shutdown took longer than 25 s; exiting anyway");
      process.exit(1);
    }, 25_000);
    deadline.unref();
    const step = async (name: string, fn: () => Promise<unknown> | undefined) => {
      try {
        await fn();
      } catch (e) {
        app.log.error(`shutdown: ${name} failed`, { error: e instanceof Error ? e.message : String(e) });
      }
    };
    // Graceful (decision 54): /readyz answers 503 and no new connection is accepted; the live
    // streams end (browsers reconnect to another instance); requests under way, uploads included,
    // get up to DRAIN_MS to finish (an upload cut here resumes elsewhere); then the rest is closed.
    draining = true;
    const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
    await step("live events", () => app.liveEvents?.stop()); // ends open SSE streams, closes the listener
    listener.closeIdleConnections();
    const drained = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), DRAIN_MS).unref()),
    ]);
    if (!drained) app.log.warn(`shutdown: requests still running after ${DRAIN_MS} ms are cut`);
    listener.closeAllConnections();
    await step("scheduler", () => scheduler?.stop());
    await step("job runner", () => runner?.stop());
    await step("ledger", () => app.ledger?.stop()); // stops the embedded node too
    await step("database", () => app.dbHandle.close());
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
