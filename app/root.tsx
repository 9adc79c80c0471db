// First: before any module defines a zod schema (see the module).
import "./zod-jitless.ts";
import { data, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { CsrfInput } from "./components/csrf-input.tsx";
import { useNonce } from "./components/nonce.tsx";
import { ServerClock, ServerTimeProvider } from "./components/server-time.tsx";
import { getLanguage } from "./i18n/i18n.server.ts";
import { csrfToken } from "./server/csrf.server.ts";
import { getActor } from "./server/session.server.ts";
import stylesHref from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
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
          <Header />
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

function Header() {
  const { t } = useTranslation();
  const root = useRootData();
  const location = useLocation();
  const actor = root?.actor;
  const can = (p: string) => (actor?.permissions as readonly string[] | undefined)?.includes(p) ?? false;
  return (
    <header className="topbar">
      <a className="skip" href="#main">
        {t("app.skipToContent")}
      </a>
      <Link to="/" className="brand">
        <span className="brand__mark">标</span>
        <span>{t("app.name")}</span>
      </Link>
      {actor ? (
        <nav className="nav" aria-label="main">
          <NavLink to="/dashboard">{t("nav.dashboard")}</NavLink>
          <NavLink to="/announcements">{t("tendering.nav.announcements")}</NavLink>
          {can("submit:bid:own") ? <NavLink to="/bids">{t("bidding.nav")}</NavLink> : null}
          {can("create:project:own") ? <NavLink to="/projects">{t("tendering.nav.projects")}</NavLink> : null}
          {can("view:section:jurisdiction") ? <NavLink to="/regulator/projects">{t("tendering.nav.regulator")}</NavLink> : null}
          {can("host:opening:own") ? <NavLink to="/openings">{t("openingHall.nav")}</NavLink> : null}
          {can("view:section:jurisdiction") ? <NavLink to="/regulator/openings">{t("openingHall.nav")}</NavLink> : null}
          {can("view:section:jurisdiction") ? <NavLink to="/regulator/securities">{t("lifecycle.nav.securities")}</NavLink> : null}
          <NavLink to="/notices">{t("lifecycle.nav.notices")}</NavLink>
          <NavLink to={`/organisations/${actor.organisation.id}`} end>
            {t("nav.organisation")}
          </NavLink>
          {can("manage:members:own") ? <NavLink to={`/organisations/${actor.organisation.id}/members`}>{t("nav.members")}</NavLink> : null}
          {can("approve:organisation:any") ? <NavLink to="/operator/approvals">{t("nav.approvals")}</NavLink> : null}
          {can("manage:credit:any") ? <NavLink to="/operator/credit">{t("tendering.nav.credit")}</NavLink> : null}
          {can("manage:ruleset:any") ? <NavLink to="/operator/rule-sets">{t("tendering.nav.ruleSets")}</NavLink> : null}
          {can("manage:ruleset:any") ? <NavLink to="/operator/calendar">{t("tendering.nav.calendar")}</NavLink> : null}
          {can("record:incident:any") ? <NavLink to="/operator/incidents">{t("openingAdmin.nav.incidents")}</NavLink> : null}
          <NavLink to="/certificates">{t("certificates.nav")}</NavLink>
          {can("view:audit:any") ? <NavLink to="/operator/audit">{t("audit.nav")}</NavLink> : null}
          {can("view:ledger:any") ? <NavLink to="/ledger">{t("ledger.nav")}</NavLink> : null}
        </nav>
      ) : (
        <nav className="nav" aria-label="main">
          <NavLink to="/announcements">{t("tendering.nav.announcements")}</NavLink>
          <NavLink to="/login">{t("nav.login")}</NavLink>
          <NavLink to="/signup">{t("nav.signup")}</NavLink>
        </nav>
      )}
      <div className="topbar__right">
        <ServerClock />
        <Form method="post" action="/settings/language" className="inline-form">
          <CsrfInput />
          <input type="hidden" name="lang" value={root?.lang === "en" ? "zh-CN" : "en"} />
          <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
          <button type="submit" className="link-button" data-testid="switch-language">
            {t("nav.switchTo")}
          </button>
        </Form>
        {actor ? (
          <>
            <span className="whoami" data-testid="whoami">
              {actor.personName} · {actor.organisation.name}
            </span>
            <Form method="post" action="/logout" className="inline-form">
              <CsrfInput />
              <button type="submit" className="link-button">
                {t("nav.logout")}
              </button>
            </Form>
          </>
        ) : null}
      </div>
    </header>
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
