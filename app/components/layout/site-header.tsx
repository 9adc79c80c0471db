import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "../csrf-input.tsx";
import { ServerClock } from "../server-time.tsx";
import { navigationFor, type NavGroupId, type NavSection } from "./navigation.ts";

export interface HeaderActor {
  personName: string;
  organisation: { id: string; name: string };
  permissions: readonly string[];
}

/**
 * The header (decision 48). At a desk's width: the top-level links and a few grouped menus on one
 * line. Below 900 px: the brand, the clock and a 菜单 button that opens everything as one list.
 * Menus close on navigation, Escape and a click elsewhere.
 */
export function SiteHeader({ actor, lang }: { actor: HeaderActor | null | undefined; lang: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [openGroup, setOpenGroup] = useState<NavGroupId | null>(null);
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    setMenuOpen(false);
    setOpenGroup(null);
  }, [location.pathname, location.search]);
  useEffect(() => {
    if (!menuOpen && openGroup === null) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setMenuOpen(false);
        setOpenGroup(null);
      }
    };
    const onClick = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) {
        setMenuOpen(false);
        setOpenGroup(null);
      }
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("click", onClick);
    };
  }, [menuOpen, openGroup]);

  const sections: NavSection[] = actor
    ? navigationFor({ can: (p) => actor.permissions.includes(p), organisationId: actor.organisation.id })
    : [
        {
          group: null,
          items: [
            { id: "announcements", to: "/announcements", label: "tendering.nav.announcements", end: false },
            { id: "login", to: "/login", label: "nav.login", end: false },
            { id: "signup", to: "/signup", label: "nav.signup", end: false },
          ],
        },
      ];

  return (
    <header className={`topbar${menuOpen ? " topbar--open" : ""}`} ref={ref}>
      <a className="skip" href="#main">
        {t("app.skipToContent")}
      </a>
      <Link to="/" className="brand">
        <span className="brand__mark">标</span>
        <span className="brand__name">{t("app.name")}</span>
      </Link>
      <ServerClock />
      <button
        type="button"
        className="menu-button"
        aria-expanded={menuOpen}
        aria-controls="site-menu"
        data-testid="menu-button"
        onClick={() => setMenuOpen((o) => !o)}
      >
        <span aria-hidden="true">{menuOpen ? "✕" : "☰"}</span> {t("ui.nav.menu")}
      </button>
      <div className="topbar__menu" id="site-menu">
        <nav className="nav" aria-label="main">
          {sections.map((section) =>
            section.group === null ? (
              section.items.map((item) => (
                <NavLink key={item.id} to={item.to} end={item.end} data-nav={item.id}>
                  {t(item.label)}
                </NavLink>
              ))
            ) : (
              <div
                key={section.group.id}
                className={`nav-group${openGroup === section.group.id ? " nav-group--open" : ""}`}
                data-nav-group={section.group.id}
              >
                <button
                  type="button"
                  className="nav-group__button"
                  aria-expanded={openGroup === section.group.id}
                  onClick={() => setOpenGroup((g) => (g === section.group!.id ? null : section.group!.id))}
                >
                  {t(section.group.label)} <span aria-hidden="true">▾</span>
                </button>
                <div className="nav-group__list">
                  {section.items.map((item) => (
                    <NavLink key={item.id} to={item.to} end={item.end} data-nav={item.id}>
                      {t(item.label)}
                    </NavLink>
                  ))}
                </div>
              </div>
            ),
          )}
        </nav>
        <div className="topbar__right">
          <Form method="post" action="/settings/language" className="inline-form">
            <CsrfInput />
            <input type="hidden" name="lang" value={lang === "en" ? "zh-CN" : "en"} />
            <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
            <button type="submit" className="link-button" data-testid="switch-language">
              {t("nav.switchTo")}
            </button>
          </Form>
          {actor ? (
            <>
              <span className="whoami" data-testid="whoami" title={`${actor.personName} · ${actor.organisation.name}`}>
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
      </div>
    </header>
  );
}
