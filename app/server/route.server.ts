import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import type { TFunction } from "i18next";
import type { z } from "zod";
import { AppError, isAppError, type Lang } from "#app/domain/shared/app-error.ts";
import { getLanguage, i18nServer } from "#app/i18n/i18n.server.ts";
import type { AppContext, RequestMeta } from "./context.server.ts";
import { requireCsrf } from "./csrf.server.ts";
import { readLimitedBody, readLimitedFormData } from "./request-body.server.ts";

/**
 * What a form or a JSON request may carry unless its route says more (decision 25): a page never
 * sends more; a bigger body is refused with 413 before it is read (Express refuses a declared
 * length over it too: app/web/edge.server.ts).
 */
export const FORM_BODY_LIMIT = 1024 * 1024;

/**
 * The plumbing every route shares, so a route file reads like a table of contents (input schema,
 * permission, one service call):
 * - `runLoader` turns an AppError into an error response in the user's language;
 * - `runAction` reads the form once (at most `maxBodyBytes`, 1 MiB unless the route allows more
 *   for a file), checks the CSRF token (every mutation goes through it), and turns an AppError
 *   into `{ error }` data the form shows, leaving nothing half-done;
 * - `parseForm` validates with zod (via conform) and translates the problems.
 */
export interface RouteEnv {
  app: AppContext;
  meta: RequestMeta;
  lang: Lang;
  t: TFunction;
  now: Date;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

type Args = LoaderFunctionArgs | ActionFunctionArgs;

export async function routeEnv({ request, context }: Args): Promise<RouteEnv> {
  const lang = await getLanguage(request);
  const t = await i18nServer.getFixedT(lang);
  return { app: context.app, meta: context.request, lang, t, now: context.app.clock.now() };
}

export function errorBody(app: AppContext, e: AppError | unknown, lang: Lang): { status: number; body: ErrorBody } {
  if (isAppError(e)) return { status: e.status, body: { error: { code: e.code, message: e.messageIn(lang) } } };
  app.log.error("unexpected error", { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  const internal = new AppError("INTERNAL");
  return { status: 500, body: { error: { code: internal.code, message: internal.messageIn(lang) } } };
}

const isResponse = (e: unknown): e is Response => e instanceof Response;
const isRouteData = (e: unknown) => typeof e === "object" && e !== null && (e as { type?: string }).type === "DataWithResponseInit";

export async function runLoader<T>(args: LoaderFunctionArgs, fn: (env: RouteEnv) => Promise<T>): Promise<T> {
  const env = await routeEnv(args);
  try {
    return await fn(env);
  } catch (e) {
    if (isResponse(e) || isRouteData(e)) throw e;
    const { status, body } = errorBody(env.app, e, env.lang);
    throw data(body, { status });
  }
}

export async function runAction<T>(
  args: ActionFunctionArgs,
  fn: (env: RouteEnv, form: FormData) => Promise<T>,
  options: { maxBodyBytes?: number } = {},
) {
  const env = await routeEnv(args);
  try {
    const form = await readLimitedFormData(args.request, options.maxBodyBytes ?? FORM_BODY_LIMIT).catch((e: unknown) => {
      if (isAppError(e)) throw e;
      throw new AppError("VALIDATION_FAILED", { field: "form" }, { cause: e }); // not a form at all
    });
    await requireCsrf(env.app, args.request, form);
    return await fn(env, form);
  } catch (e) {
    if (isResponse(e) || isRouteData(e)) throw e;
    const { status, body } = errorBody(env.app, e, env.lang);
    return data(body, { status });
  }
}

/**
 * Maps zod's own issue codes onto our translation keys; our schemas name their keys directly. The
 * USCC schema (`schemaFromValidation`) names its keys by problem (`uscc.checkDigit`),
 * translated under `validation.` (decision 45).
 */
function issueKey(issue: z.core.$ZodIssue): string {
  if (/^uscc\.[a-zA-Z]+$/.test(issue.message)) return `validation.${issue.message}`;
  if (issue.message.includes(".") && !issue.message.includes(" ")) return issue.message;
  switch (issue.code) {
    case "too_big":
      return "validation.tooLong";
    case "invalid_format":
      return issue.format === "email" ? "validation.email" : "validation.required";
    default:
      return "validation.required";
  }
}

export function parseForm<S extends z.ZodType>(form: FormData, schema: S, t: TFunction) {
  return parseWithZod(form, {
    schema,
    formatError: (issues: z.core.$ZodIssue[]) =>
      issues.map((issue: z.core.$ZodIssue) => t(issueKey(issue), (issue as { params?: Record<string, unknown> }).params ?? {}) as string),
  });
}

/**
 * A cookie session must prove the request came from our page (CSRF). A route that takes API
 * tokens (`bearer`, decision 51) authenticates a request with an `Authorization` header by
 * `requireApiActor`, which then refuses anything but a valid token and ignores the cookies, so
 * such a request needs no CSRF token; every other route checks it whatever the headers say.
 */
async function requireCsrfUnlessToken(app: AppContext, request: Request, bearer: boolean): Promise<void> {
  if (bearer && request.headers.get("authorization") !== null) return;
  await requireCsrf(app, request);
}

export interface JsonActionOptions {
  /** The route authenticates with `requireApiActor` (API token or session), or is public. */
  bearer?: boolean;
}

/**
 * JSON endpoints that browser scripts call with `fetch` (enrolment, certificate login): the
 * body is JSON, the CSRF token comes in the `X-CSRF-Token` header, and the answer is JSON, an
 * AppError as `{ error }` with its status in the user's language.
 */
export async function runJsonAction(
  args: ActionFunctionArgs,
  fn: (env: RouteEnv, body: unknown) => Promise<{ body: unknown; headers?: HeadersInit }>,
  options: JsonActionOptions = {},
): Promise<Response> {
  const env = await routeEnv(args);
  try {
    if (args.request.method !== "POST") throw new AppError("METHOD_NOT_ALLOWED", { method: args.request.method, allowed: "POST" });
    await requireCsrfUnlessToken(env.app, args.request, options.bearer ?? false);
    const bytes = await readLimitedBody(args.request, FORM_BODY_LIMIT);
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString("utf8"));
    } catch {
      throw new AppError("VALIDATION_FAILED");
    }
    const result = await fn(env, body);
    return Response.json(result.body, { headers: result.headers });
  } catch (e) {
    if (isResponse(e)) return e;
    const { status, body } = errorBody(env.app, e, env.lang);
    return Response.json(body, { status });
  }
}

/**
 * A POST whose body is a file streamed by a browser script (the remedy's plaintext package): the
 * CSRF token comes in the `X-CSRF-Token` header, the body is left to `fn` to stream, and the answer
 * is JSON like {@link runJsonAction}'s.
 */
export async function runStreamAction(
  args: ActionFunctionArgs,
  fn: (env: RouteEnv) => Promise<{ body: unknown }>,
  options: JsonActionOptions = {},
): Promise<Response> {
  const env = await routeEnv(args);
  try {
    if (args.request.method !== "POST") throw new AppError("METHOD_NOT_ALLOWED", { method: args.request.method, allowed: "POST" });
    await requireCsrfUnlessToken(env.app, args.request, options.bearer ?? false);
    return Response.json((await fn(env)).body);
  } catch (e) {
    if (isResponse(e)) return e;
    const { status, body } = errorBody(env.app, e, env.lang);
    return Response.json(body, { status });
  }
}

/**
 * A loader of an `/api` route (decision 50): the answer is JSON, and an AppError is
 * `{ error: { code, message } }` with its status — never Remix's HTML or "Unexpected Server
 * Error", which is what a thrown `data()` becomes in a resource route.
 */
export async function runApiLoader(args: LoaderFunctionArgs, fn: (env: RouteEnv) => Promise<Response>): Promise<Response> {
  const env = await routeEnv(args);
  try {
    return await fn(env);
  } catch (e) {
    if (isResponse(e)) return e;
    const { status, body } = errorBody(env.app, e, env.lang);
    return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
  }
}

/** The loader of an `/api` route that only takes POST: a GET (or HEAD) is refused as JSON, with `Allow`. */
export async function postOnlyLoader(args: LoaderFunctionArgs): Promise<Response> {
  const response = await runApiLoader(args, () => {
    throw new AppError("METHOD_NOT_ALLOWED", { method: args.request.method, allowed: "POST" });
  });
  response.headers.set("Allow", "POST");
  return response;
}
