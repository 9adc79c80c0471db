import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { cookiesFor } from "#app/server/cookies.server.ts";
import { csrfToken } from "#app/server/csrf.server.ts";
import { TEST_META, type TestApp } from "./test-app.ts";

/**
 * Calling a route module's loader or action the way Remix does, without a server: the request,
 * the load context and the params. A thrown Response (a redirect) is returned, not thrown, so a
 * test can look at its status and headers.
 */
type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => Promise<unknown>;

export interface Browser {
  /** The `Cookie` header this browser sends. */
  cookie: string;
  /** The CSRF token its forms carry. */
  csrf: string;
}

/** A browser that has loaded a page: it holds a CSRF cookie and the same token in its forms. */
export async function freshBrowser(app: TestApp): Promise<Browser> {
  const { token, setCookie } = await csrfToken(app, new Request("http://bidhall.test/"));
  return { cookie: setCookie!.split(";")[0]!, csrf: token };
}

/** The browser after a response: its Set-Cookie headers applied (name by name). */
export function withCookies(browser: Browser, response: Response): Browser {
  const jar = new Map(browser.cookie.split("; ").map((c) => [c.split("=")[0]!, c] as const));
  for (const set of response.headers.getSetCookie()) {
    const pair = set.split(";")[0]!;
    jar.set(pair.split("=")[0]!, pair);
  }
  return { ...browser, cookie: [...jar.values()].join("; ") };
}

/** The CSRF token inside a browser's (signed) cookie. */
export async function csrfCookieValue(app: TestApp, cookie: string): Promise<string | null> {
  const value: unknown = await cookiesFor(app).csrf.parse(cookie);
  return typeof value === "string" ? value : null;
}

export async function callRoute(
  app: TestApp,
  handler: Handler,
  options: {
    url: string;
    method?: "GET" | "POST";
    browser?: Browser;
    form?: Record<string, string>;
    json?: unknown;
    params?: Record<string, string>;
    /** Send this CSRF token instead of the browser's. */
    csrf?: string;
  },
): Promise<Response> {
  const headers = new Headers();
  if (options.browser) headers.set("cookie", options.browser.cookie);
  let body: BodyInit | undefined;
  const csrf = options.csrf ?? options.browser?.csrf;
  if (options.form) {
    body = new URLSearchParams({ ...(csrf ? { csrf } : {}), ...options.form });
    headers.set("content-type", "application/x-www-form-urlencoded");
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers.set("content-type", "application/json");
    if (csrf) headers.set("x-csrf-token", csrf);
  }
  const method = options.method ?? (body ? "POST" : "GET");
  const request = new Request(new URL(options.url, "http://bidhall.test"), { method, headers, body });
  try {
    const result = await handler({ request, context: { app, request: TEST_META }, params: options.params ?? {} });
    return asResponse(result);
  } catch (e) {
    if (e instanceof Response || isRouteData(e)) return asResponse(e);
    throw e;
  }
}

const isRouteData = (e: unknown) => typeof e === "object" && e !== null && (e as { type?: string }).type === "DataWithResponseInit";

/** Remix's `data()` results and plain objects, as the Response Remix would send. */
function asResponse(result: unknown): Response {
  if (result instanceof Response) return result;
  if (isRouteData(result)) {
    const d = result as { data: unknown; init?: ResponseInit | null };
    return Response.json(d.data, d.init ?? undefined);
  }
  return Response.json(result);
}
