/**
 * The security headers every response carries (decision 26), built in one place so pages, the API,
 * uploads and static assets agree.
 *
 * The Content-Security-Policy allows scripts only from this origin plus the inline scripts Remix
 * renders (hydration data, the module loader, scroll restoration, streamed single-fetch data),
 * which carry the per-request nonce; no `unsafe-inline`, no `unsafe-eval`. What the app does in the
 * browser fits inside it: WebCrypto and IndexedDB need no directive; tus (XHR), `fetch` and the
 * hall's EventSource stay on this origin (`connect-src 'self'`); downloads are `blob:` URLs; zip.js
 * runs without web workers. Styles come only from our stylesheets (no `style` attributes in the
 * markup: components set sizes through the CSSOM). In development Vite injects styles and keeps a
 * WebSocket for hot reload, so `npm run dev` also allows inline styles and `ws:`.
 */
export interface SecurityHeaderOptions {
  nonce: string;
  production: boolean;
  dev: boolean;
}

export function contentSecurityPolicy({ nonce, production, dev }: SecurityHeaderOptions): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`],
    ["style-src", "'self'", ...(dev ? ["'unsafe-inline'"] : [])],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'"],
    ["connect-src", "'self'", ...(dev ? ["ws:", "wss:"] : [])],
    ["worker-src", "'self'", "blob:"],
    ["manifest-src", "'self'"],
    ["media-src", "'none'"],
    ["object-src", "'none'"],
    ["frame-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  if (production) directives.push(["upgrade-insecure-requests"]);
  return directives.map((d) => d.join(" ")).join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Content-Type-Options": "nosniff",
    // Section and receipt addresses name what a bidder is doing: other sites never see them.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY", // frame-ancestors for browsers that predate it
    "Cross-Origin-Opener-Policy": "same-origin",
    // Nothing here needs a camera, a microphone, the location, payments or USB devices.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    // TLS ends at the load balancer in production (PUBLIC_URL is https://); a year, like the HSTS preload list asks.
    ...(options.production ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
