import { randomUUID, timingSafeEqual, createHash } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { sql } from "kysely";
import type { AppContext } from "#app/server/context.server.ts";
import { currentRequestId, requestScope } from "#app/server/log.server.ts";
import { ping } from "#app/server/db.server.ts";
import { checkStorage } from "#app/server/storage.server.ts";

/**
 * Operating a production instance (decision 54): a request id on every request and log line,
 * structured JSON logs, request latency, the readiness of what the instance depends on, and a
 * Prometheus text endpoint protected by a token.
 */

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id: the load balancer's `X-Request-Id` when it is well-formed and comes
 * from a trusted proxy (TRUSTED_PROXIES), else a fresh UUID; echoed in the response header.
 */
export function requestIdMiddleware(app: AppContext) {
  const trusted = app.config.trustedProxies.length > 0;
  return (req: Request, res: Response, next: NextFunction) => {
    const offered = req.headers["x-request-id"];
    const requestId = trusted && typeof offered === "string" && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    requestScope.run({ requestId }, next);
  };
}

/** Request latency buckets, in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export interface Metrics {
  /** Express middleware: measures every request; in production logs it as one JSON line. */
  middleware(req: Request, res: Response, next: NextFunction): void;
  /** The Prometheus text exposition (version 0.0.4). */
  render(app: AppContext): Promise<string>;
}

/** The route family of a path, so labels stay few: `/api/uploads/<id>` → `/api/uploads`. */
export function routeFamily(path: string): string {
  if (path.startsWith("/assets/")) return "/assets";
  const parts = path.split("?")[0]!.split("/").filter(Boolean).slice(0, 2);
  const safe = parts.map((p) => (/^[a-z][a-z-]{0,30}$/.test(p) ? p : ":id"));
  return `/${safe.join("/")}`;
}

export function createMetrics(app: AppContext): Metrics {
  const latency = new Map<string, Histogram>();
  const observe = (labels: string, seconds: number) => {
    let h = latency.get(labels);
    if (!h) latency.set(labels, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.counts[i]!++;
    });
    h.sum += seconds;
    h.count++;
  };
  const accessLog = app.config.mode === "production";
  return {
    middleware(req, res, next) {
      const started = process.hrtime.bigint();
      const requestId = currentRequestId();
      res.on("finish", () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = routeFamily(req.path);
        observe(`method="${req.method}",route="${route}",status="${Math.floor(res.statusCode / 100)}xx"`, seconds);
        if (accessLog && route !== "/assets")
          console.log(
            JSON.stringify({
              time: new Date().toISOString(),
              level: "info",
              component: "http",
              msg: "request",
              requestId,
              method: req.method,
              path: req.path,
              status: res.statusCode,
              ms: Math.round(seconds * 1000),
              ip: req.ip,
            }),
          );
      });
      next();
    },
    async render(ctx) {
      const out: string[] = [];
      out.push("# HELP bidhall_http_request_duration_seconds Time to answer a request.");
      out.push("# TYPE bidhall_http_request_duration_seconds histogram");
      for (const [labels, h] of latency) {
        BUCKETS.forEach((b, i) => out.push(`bidhall_http_request_duration_seconds_bucket{${labels},le="${b}"} ${h.counts[i]}`));
        out.push(`bidhall_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
        out.push(`bidhall_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
        out.push(`bidhall_http_request_duration_seconds_count{${labels}} ${h.count}`);
      }
      // The outbox is the job queue (ledger writes, mail, anchors): depth, age of the oldest due job, lag.
      const now = ctx.clock.now();
      const queue = await ctx.db
        .selectFrom("outbox")
        .select(["kind", "status", (eb) => eb.fn.countAll<string | number>().as("n"), (eb) => eb.fn.min("run_after").as("oldest")])
        .where("status", "in", ["pending", "running"])
        .groupBy(["kind", "status"])
        .execute();
      out.push("# HELP bidhall_jobs Jobs waiting or running, by kind and status.");
      out.push("# TYPE bidhall_jobs gauge");
      for (const q of queue) out.push(`bidhall_jobs{kind="${q.kind}",status="${q.status}"} ${Number(q.n)}`);
      out.push("# HELP bidhall_jobs_oldest_age_seconds How long the oldest due job of a kind has waited (platform clock).");
      out.push("# TYPE bidhall_jobs_oldest_age_seconds gauge");
      const oldest = new Map<string, number>();
      for (const q of queue) {
        if (!q.oldest) continue;
        const age = Math.max(0, (now.getTime() - new Date(q.oldest).getTime()) / 1000);
        oldest.set(q.kind, Math.max(oldest.get(q.kind) ?? 0, age));
      }
      for (const [kind, age] of oldest) out.push(`bidhall_jobs_oldest_age_seconds{kind="${kind}"} ${age}`);
      out.push("# HELP bidhall_outbox_lag_seconds Age of the oldest due undelivered outbox item, any kind.");
      out.push("# TYPE bidhall_outbox_lag_seconds gauge");
      out.push(`bidhall_outbox_lag_seconds ${oldest.size === 0 ? 0 : Math.max(...oldest.values())}`);
      const failures = await sql<{ kind: string; n: string | number }>`
        select o.kind, count(*) as n from outbox_attempts a join outbox o on o.id = a.outbox_id
        where not a.succeeded and o.kind like 'ledger.%' group by o.kind`.execute(ctx.db);
      out.push("# HELP bidhall_chain_write_failures_total Failed attempts to write to the ledger, by job kind.");
      out.push("# TYPE bidhall_chain_write_failures_total counter");
      for (const f of failures.rows) out.push(`bidhall_chain_write_failures_total{kind="${f.kind}"} ${Number(f.n)}`);
      const failed = await ctx.db
        .selectFrom("outbox")
        .select((eb) => eb.fn.countAll<string | number>().as("n"))
        .where("status", "=", "failed")
        .executeTakeFirst();
      out.push("# HELP bidhall_jobs_failed Jobs that used up their attempts and wait for an operator.");
      out.push("# TYPE bidhall_jobs_failed gauge");
      out.push(`bidhall_jobs_failed ${Number(failed?.n ?? 0)}`);
      out.push("# HELP bidhall_live_stream_clients Open live-event streams (SSE) on this instance.");
      out.push("# TYPE bidhall_live_stream_clients gauge");
      out.push(`bidhall_live_stream_clients ${ctx.liveEvents?.subscriberCount ?? 0}`);
      return out.join("\n") + "\n";
    },
  };
}

/** `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time. */
export function metricsTokenMatches(expected: string, header: string | undefined): boolean {
  const offered = /^Bearer (.+)$/.exec(header ?? "")?.[1];
  if (!offered) return false;
  const a = createHash("sha256").update(offered).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** What `/readyz` checks, each with a timeout: the database, the object store, the chain node. */
export async function readiness(app: AppContext): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const within = <T>(ms: number, p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
  const check = async (fn: () => Promise<unknown>) =>
    within(5_000, fn()).then(
      () => "ok",
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
  const [database, storage, chain] = await Promise.all([
    check(() => ping(app.db)),
    check(() => checkStorage(app)),
    check(async () => (app.ledger ? app.ledger.provider.getBlockNumber() : undefined)),
  ]);
  const checks = { database, storage, chain };
  return { ready: Object.values(checks).every((c) => c === "ok"), checks };
}
