import { randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "./context.server.ts";
import { cookiesFor } from "./cookies.server.ts";

/**
 * CSRF protection for every mutation: a signed double-submit token
 * (docs/decisions/0005-csrf-double-submit.md). The root loader gives each browser a random token
 * in a signed httpOnly cookie and renders the same token into every form (`<CsrfInput />`);
 * `requireCsrf` compares them in constant time. Script requests send it as `X-CSRF-Token`.
 */
export const CSRF_FIELD = "csrf";
export const CSRF_HEADER = "x-csrf-token";

/** The browser's token, creating one (and the Set-Cookie header for it) when it has none. */
export async function csrfToken(app: AppContext, request: Request): Promise<{ token: string; setCookie?: string }> {
  const cookie = cookiesFor(app).csrf;
  const existing: unknown = await cookie.parse(request.headers.get("cookie"));
  if (typeof existing === "string" && existing.length >= 32) return { token: existing };
  const token = randomBytes(24).toString("base64url");
  return { token, setCookie: await cookie.serialize(token) };
}

/**
 * A fresh token's Set-Cookie header, for when the person behind the browser changes (login by
 * password or certificate, logout): a token planted or read before the login is worth nothing after.
 * The next page render puts the new token into its forms.
 */
export async function rotateCsrf(app: AppContext): Promise<string> {
  return cookiesFor(app).csrf.serialize(randomBytes(24).toString("base64url"));
}

export async function requireCsrf(app: AppContext, request: Request, form?: FormData): Promise<void> {
  const expected: unknown = await cookiesFor(app).csrf.parse(request.headers.get("cookie"));
  const sent = request.headers.get(CSRF_HEADER) ?? form?.get(CSRF_FIELD);
  if (typeof expected !== "string" || typeof sent !== "string") throw new AppError("CSRF_TOKEN_INVALID");
  const a = Buffer.from(expected);
  const b = Buffer.from(sent);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError("CSRF_TOKEN_INVALID");
}
