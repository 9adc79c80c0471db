import { createCookie, type Cookie } from "@remix-run/node";
import type { AppContext } from "./context.server.ts";

/**
 * The cookies bidhall sets: the session, the CSRF token and the language. Session and CSRF
 * cookies are signed with SESSION_SECRET, httpOnly, SameSite=Lax, and Secure in production
 * (TLS ends at the load balancer, which forwards https).
 */
export interface Cookies {
  session: Cookie;
  csrf: Cookie;
}

const cache = new WeakMap<AppContext, Cookies>();

export function cookiesFor(app: AppContext): Cookies {
  let cookies = cache.get(app);
  if (!cookies) {
    const secure = app.config.mode === "production";
    const base = { httpOnly: true, sameSite: "lax" as const, secure, path: "/", secrets: [app.secrets.session] };
    cookies = {
      session: createCookie("bh_session", { ...base, maxAge: 12 * 3600 }),
      csrf: createCookie("bh_csrf", base),
    };
    cache.set(app, cookies);
  }
  return cookies;
}
