import fs from "node:fs";
import path from "node:path";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { createServer, type ViteDevServer } from "vite";
import type { AppContext } from "#app/server/context.server.ts";
import { cookiesFor } from "#app/server/cookies.server.ts";
import { createSession } from "#app/server/session.server.ts";

/**
 * Every page and API of the Remix app, rendered in this process the way the server renders them:
 * Vite's SSR loads the real route tree (`virtual:remix/server-build`, the same one `npm run dev`
 * serves) and Remix's request handler answers real `Request`s with the test app as its load
 * context, so loaders, sessions, CSRF cookies, React rendering and error handling all run.
 */
const root = path.resolve(import.meta.dirname, "../../../..");
const routesDir = path.join(root, "app/routes");

export interface GetRoute {
  /** e.g. `routes/projects.$projectId` */
  id: string;
  file: string;
  /** The URL pattern, e.g. `/projects/:projectId`. */
  pattern: string;
  params: string[];
  /** A page (has a component): its single-fetch data URL `<path>.data` is requested too. */
  page: boolean;
}

export interface Pages {
  routes: GetRoute[];
  /** Route files that the route tree does not know (or the other way round): should be empty. */
  unmatchedFiles: string[];
  request(pathname: string, cookie?: string): Promise<{ status: number; headers: string; body: Buffer }>;
  /** The raw response, for bodies that stream (Server-Sent Events): `headers` are added to the browser's. */
  open(pathname: string, cookie: string | undefined, init: { headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
  close(): Promise<void>;
}

/** Route files (or route folders) as Remix's flat routes see them (app/routes.ts ignores tests and dotfiles). */
function routeFiles(): string[] {
  return fs
    .readdirSync(routesDir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && !/\.test\.tsx?$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

export async function startPages(app: AppContext): Promise<Pages> {
  const vite: ViteDevServer = await createServer({
    root,
    appType: "custom",
    logLevel: "warn",
    server: { middlewareMode: true, hmr: false, watch: null },
    // Only server rendering happens here: no browser bundle, so no dependency pre-bundling either.
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  const build = (await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
  const handler = createRequestHandler(build, "production");

  const fullPath = (id: string): string => {
    const r = build.routes[id]!;
    const own = r.path ?? "";
    const parent = r.parentId ? fullPath(r.parentId) : "";
    return [parent, own].filter((s) => s !== "" && s !== "/").join("/");
  };
  const files = routeFiles();
  const unmatchedFiles: string[] = [];
  const routes: GetRoute[] = [];
  for (const file of files) {
    const id = `routes/${file.replace(/\.(tsx|ts|jsx|js)$/, "")}`;
    const route = build.routes[id];
    if (!route) {
      unmatchedFiles.push(file);
      continue;
    }
    const mod = route.module as { loader?: unknown; default?: unknown };
    if (!mod.loader && !mod.default) continue; // an action-only route has no GET
    const pattern = `/${fullPath(id)}`;
    const params = [...pattern.matchAll(/:([A-Za-z0-9_]+)|(\*)/g)].map((m) => m[1] ?? "*");
    routes.push({ id, file, pattern, params, page: Boolean(mod.default) });
  }
  const known = new Set(files.map((f) => `routes/${f.replace(/\.(tsx|ts|jsx|js)$/, "")}`));
  for (const id of Object.keys(build.routes)) if (id !== "root" && !known.has(id)) unmatchedFiles.push(id);

  return {
    routes,
    unmatchedFiles,
    async request(pathname, cookie) {
      const res = await handler(
        new Request(`http://bidhall.test${pathname}`, {
          headers: { ...(cookie ? { cookie } : {}), "accept-language": "zh-CN", "user-agent": "confidentiality-test" },
          redirect: "manual",
        }),
        { app, request: { ip: "203.0.113.9", userAgent: "confidentiality-test" } },
      );
      const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n");
      return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
    },
    open(pathname, cookie, init) {
      return handler(
        new Request(`http://bidhall.test${pathname}`, {
          headers: { ...(cookie ? { cookie } : {}), "accept-language": "zh-CN", "user-agent": "confidentiality-test", ...init.headers },
          redirect: "manual",
          signal: init.signal,
        }),
        { app, request: { ip: "203.0.113.9", userAgent: "confidentiality-test" } },
      );
    },
    async close() {
      await vite.close();
    },
  };
}

/** The cookies of a logged-in browser: a session for the person in the organisation, and a CSRF token. */
export async function browserCookies(app: AppContext, who: { personId: string; organisationId: string } | null): Promise<string> {
  const cookies = cookiesFor(app);
  const csrf = (await cookies.csrf.serialize(`csrf-${who?.personId ?? "anonymous"}`.padEnd(40, "x"))).split(";")[0]!;
  if (!who) return csrf;
  const setCookie = await app.db.transaction().execute((trx) =>
    createSession(app, trx, {
      ...who,
      organisationId: who.organisationId,
      ip: "203.0.113.9",
      userAgent: "confidentiality-test",
      now: app.clock.now(),
    }),
  );
  return `${setCookie.split(";")[0]!}; ${csrf}`;
}
