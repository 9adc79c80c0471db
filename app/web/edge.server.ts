import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import type { ErrorRequestHandler, Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from "express";
import { AppError, isAppError, type Lang } from "#app/domain/shared/app-error.ts";
import { formatBytes } from "#app/domain/shared/bytes.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { MAX_DOCUMENT_BYTES } from "#app/services/documents/verify-signed-document.server.ts";
import { securityHeaders } from "./security-headers.server.ts";

/**
 * What Express does for every request before Remix or tus sees it (decisions 25, 26): the
 * security headers with a fresh CSP nonce, a 400 for an address with a NUL character or a
 * malformed percent-encoding, a 413 for a body whose declared length is over its endpoint's
 * ceiling, and a last error handler that never shows a stack trace. The exact limits of each
 * action are enforced again while its body streams (app/server/route.server.ts).
 */

/** Forms and JSON: a page never sends more than this; a bigger body is refused before it is read. */
export const FORM_BODY_LIMIT = 1024 * 1024;
/** Multipart forms carry files (tender documents up to 100 MiB, credit imports): the ceiling; each action has its own limit. */
export const MULTIPART_BODY_LIMIT = 101 * 1024 * 1024;
/** Endpoints that stream a file as the body, with their ceilings (the service checks the same limit). */
const STREAMED_BODIES: { path: RegExp; limit: number }[] = [
  // The remedy's plaintext package (app/services/opening/receive-remedy-package.server.ts).
  { path: /^\/api\/sections\/[^/]+\/opening\/remedy$/, limit: 256 * 1024 * 1024 },
  // A signed PDF or JWS to verify (app/services/documents/verify-signed-document.server.ts counts it again).
  { path: /^\/api\/documents\/verify$/, limit: MAX_DOCUMENT_BYTES },
];

/**
 * Express's `trust proxy` from TRUSTED_PROXIES: whose X-Forwarded-For/-Proto is believed (loopback
 * in embedded mode, nobody in production unless set). Everyone else's is ignored, so the address
 * recorded is the socket's (decision 26).
 */
export function trustProxySetting(config: Pick<AppContext["config"], "trustedProxies">): string[] | false {
  return config.trustedProxies.length > 0 ? config.trustedProxies : false;
}

/** The client's address as Express sees it under `trust proxy` (TRUSTED_PROXIES), IPv4 without its `::ffff:` mapping. */
export function clientAddress(req: ExpressRequest): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? "unknown";
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice("::ffff:".length) : ip;
}

/** The language of an answer given before Remix: the language cookie's choice, else Accept-Language (API clients). */
export function requestLanguage(req: Pick<ExpressRequest, "headers">): Lang {
  const cookie = /(?:^|;\s*)bh_lang=([^;]*)/.exec(req.headers.cookie ?? "")?.[1];
  if (cookie) {
    try {
      return JSON.parse(Buffer.from(decodeURIComponent(cookie), "base64").toString("utf8")) === "en" ? "en" : "zh-CN";
    } catch {
      // an unreadable cookie: fall through
    }
  }
  return (req.headers["accept-language"] ?? "").toLowerCase().startsWith("en") ? "en" : "zh-CN";
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Answers with an AppError: JSON `{ error }` like the API, or a small page for a browser. When the
 * body has not been read, the connection is closed after the answer, so the rest is never taken in.
 */
export function refuse(req: ExpressRequest, res: ExpressResponse, error: AppError): void {
  const lang = requestLanguage(req);
  const message = error.messageIn(lang);
  if (hasBody(req) && !req.complete) res.setHeader("Connection", "close");
  res.status(error.status);
  if (req.accepts(["json", "html"]) === "html") {
    res
      .type("html")
      .send(
        `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${error.status}</title></head>` +
          `<body><h1>${error.status}</h1><p data-error-code="${error.code}">${escapeHtml(message)}</p><p><a href="/">bidhall</a></p></body></html>`,
      );
  } else {
    res.json({ error: { code: error.code, message } });
  }
}

const hasBody = (req: Pick<ExpressRequest, "headers">) =>
  (req.headers["content-length"] ?? "0") !== "0" || req.headers["transfer-encoding"] !== undefined;

/**
 * An answer given before the request's body has been read (a refusal: too large, not allowed, the
 * deadline passed) closes the connection after it. Otherwise Node would keep reading, and throwing
 * away, whatever the client still sends — a 50 MB body refused in the first millisecond would still
 * be taken in whole.
 */
export const closeAfterUnreadBody: RequestHandler = (req, res, next) => {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ExpressResponse, ...args: Parameters<ExpressResponse["writeHead"]>) {
    if (hasBody(req) && !req.complete && !this.headersSent) {
      this.setHeader("Connection", "close");
      lingerOnClose(req.socket);
    }
    return writeHead.apply(this, args);
  } as ExpressResponse["writeHead"];
  next();
};

/** How long, and how much, a refused body is still read and thrown away after the answer (a lingering close). */
export const LINGER_MS = 2_000;
export const LINGER_BYTES = 8 * 1024 * 1024;

/**
 * A lingering close, as web servers do it: closing a socket while the client's bytes still wait
 * in it makes the kernel send a reset, and the client loses the answer it had not read yet (it
 * sees "connection reset" instead of 413 or 403). So when Node closes the connection after such
 * an answer, the socket first only ends its own side (FIN, after the answer), then reads and
 * discards what still arrives — at most {@link LINGER_BYTES} for {@link LINGER_MS} — and closes
 * when the client does, or when either limit is reached.
 */
function lingerOnClose(socket: Socket): void {
  const patched = socket as Socket & { destroySoon?: () => void; lingering?: boolean };
  if (patched.lingering) return;
  patched.lingering = true;
  patched.destroySoon = function (this: Socket) {
    let drained = 0;
    const done = () => {
      clearTimeout(timer);
      this.destroy();
    };
    const timer = setTimeout(done, LINGER_MS);
    timer.unref();
    this.on("data", (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > LINGER_BYTES) done();
    });
    this.once("end", done);
    this.once("error", done);
    this.end(); // FIN once the answer is flushed
    this.resume();
  };
}

/** Every response gets the security headers; pages get the nonce through the load context (`res.locals.cspNonce`). */
export function securityHeadersMiddleware(app: AppContext, options: { dev: boolean }): RequestHandler {
  const production = app.config.mode === "production";
  return (_req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.set(securityHeaders({ nonce, production, dev: options.dev }));
    next();
  };
}

/** Whether the address (path and query) has a NUL character, or a percent-encoding that does not decode. */
export function addressIsMalformed(url: string): boolean {
  const q = url.indexOf("?");
  const pieces = [q === -1 ? url : url.slice(0, q)];
  if (q !== -1) for (const pair of url.slice(q + 1).split("&")) pieces.push(...pair.split("=").map((p) => p.replace(/\+/g, " ")));
  try {
    return pieces.some((p) => decodeURIComponent(p).includes("\0"));
  } catch {
    return true; // URIError: a malformed percent-encoding
  }
}

export const refuseMalformedAddress: RequestHandler = (req, res, next) => {
  if (addressIsMalformed(req.originalUrl))
    return refuse(req, res, new AppError("REQUEST_MALFORMED", { whereZh: "网址", whereEn: "address" }));
  next();
};

/** The ceiling on a request's body, by endpoint and content type. */
export function bodyCeiling(path: string, contentType: string | undefined): number {
  const streamed = STREAMED_BODIES.find((s) => s.path.test(path));
  if (streamed) return streamed.limit;
  return (contentType ?? "").toLowerCase().startsWith("multipart/form-data") ? MULTIPART_BODY_LIMIT : FORM_BODY_LIMIT;
}

/** Mounted after tus (which has its own limits) and before Remix: a declared length over the ceiling is refused unread. */
export const refuseOversizedBody: RequestHandler = (req, res, next) => {
  const declared = req.headers["content-length"];
  if (declared === undefined) return next(); // chunked: counted while the action reads it
  const limit = bodyCeiling(req.path, req.headers["content-type"]);
  if (!/^\d+$/.test(declared) || Number(declared) > limit)
    return refuse(req, res, new AppError("REQUEST_TOO_LARGE", { limit: formatBytes(limit) }));
  next();
};

/**
 * The last handler: Express's own errors (a route parameter that does not decode, a body parser
 * refusing) get their 4xx with our message; anything else is logged and answered as INTERNAL,
 * never with a stack trace.
 */
export function lastErrorHandler(app: AppContext): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (isAppError(err)) return refuse(req, res, err);
    const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown })?.statusCode;
    if (err instanceof URIError || status === 400)
      return refuse(req, res, new AppError("REQUEST_MALFORMED", { whereZh: "请求", whereEn: "request" }));
    if (status === 413) return refuse(req, res, new AppError("REQUEST_TOO_LARGE", { limit: formatBytes(FORM_BODY_LIMIT) }));
    app.log.error("unexpected error", { error: err instanceof Error ? (err.stack ?? err.message) : String(err), url: req.originalUrl });
    refuse(req, res, new AppError("INTERNAL"));
  };
}
