// First: before any module defines a zod schema (see the module).
import "./zod-jitless.ts";
import { data, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { useNonce } from "./components/nonce.tsx";
import { SiteHeader } from "./components/layout/site-header.tsx";
import { ServerTimeProvider } from "./components/server-time.tsx";
import { getLanguage } from "./i18n/i18n.server.ts";
import { csrfToken } from "./server/csrf.server.ts";
import { getActor } from "./server/session.server.ts";
import stylesHref from "./styles/app.css?url";
import layoutStylesHref from "./styles/layout.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "stylesheet", href: layoutStylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const app = context.app;
  const [lang, actor, csrf] = await Promise.all([getLanguage(request), getActor(app, request), csrfToken(app, request)]);
  return data(
    {
      lang,
      csrf: csrf.token,
      serverNow: app.clock.now().toISOString(),
      actor: actor && {
        personName: actor.personName,
        email: actor.email,
        organisation: {
          id: actor.membership.organisationId,
          name: actor.membership.organisationName,
          kinds: actor.membership.kinds,
          status: actor.membership.organisationStatus,
        },
        roles: actor.membership.roles,
        permissions: [...actor.permissions],
      },
    },
    { headers: csrf.setCookie ? { "Set-Cookie": csrf.setCookie } : undefined },
  );
}

export type RootData = Awaited<ReturnType<typeof loader>>["data"];

export function useRootData(): RootData | undefined {
  return useRouteLoaderData<typeof loader>("root") as RootData | undefined;
}

export function Layout({ children }: { children: React.ReactNode }) {
  const root = useRootData();
  const nonce = useNonce();
  const lang = root?.lang ?? "zh-CN";
  // The browser's i18next follows the language the server rendered in (after a switch, too).
  useChangeLanguage(lang);
  // Marks the page interactive, so browser tests (and people's scripts) know React is in charge.
  useEffect(() => document.documentElement.setAttribute("data-hydrated", "true"), []);
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <ServerTimeProvider serverNow={root?.serverNow ?? new Date().toISOString()}>
          <SiteHeader actor={root?.actor} lang={lang} />
          <main id="main" className="main">
            {children}
          </main>
        </ServerTimeProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  if (isRouteErrorResponse(error)) {
    const body = error.data as { error?: { code: string; message: string } } | string | undefined;
    const message = typeof body === "object" && body?.error ? body.error.message : error.statusText;
    const title = error.status === 403 ? t("forbidden.title") : error.status === 404 ? t("notFound.title") : t("error.title");
    return (
      <section className="panel error-page" data-status={error.status}>
        <h1>
          {error.status} · {title}
        </h1>
        <p>{message}</p>
        <p>
          <Link to="/dashboard">{t("forbidden.back")}</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="panel error-page" data-status={500}>
      <h1>{t("error.title")}</h1>
    </section>
  );
}
