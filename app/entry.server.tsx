import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { createInstance } from "i18next";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { NonceProvider } from "./components/nonce.tsx";
import { i18nOptions } from "./i18n/config.ts";
import { getLanguage } from "./i18n/i18n.server.ts";

const ABORT_DELAY = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // Express made this response's CSP nonce (app/web/edge.server.ts); every inline script must carry it.
  const nonce = loadContext.cspNonce;
  const lng = await getLanguage(request);
  const instance = createInstance();
  await instance.use(initReactI18next).init({ ...i18nOptions, lng });

  const bot = isbot(request.headers.get("user-agent") ?? "");
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce ?? ""}>
        <I18nextProvider i18n={instance}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce,
        [bot ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          // The security headers (CSP, nosniff, Referrer-Policy, frame-ancestors…) are Express's, on every response.
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * Remix logs every error a loader or action throws. Refusals we answer on purpose (an AppError
 * turned into a 4xx by app/server/route.server.ts: not logged in, forbidden, deadline passed) are
 * the product working, not faults: only the rest reaches the log.
 */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  const status =
    (error as { init?: { status?: number }; status?: number } | null)?.init?.status ?? (error as { status?: number } | null)?.status;
  if (typeof status === "number" && status < 500) return;
  console.error(error);
}
