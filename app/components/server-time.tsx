import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

/**
 * Pages show the server's time and count down by it (ARCHITECTURE.md §1): the browser's own
 * clock may be wrong, and in tests the server's clock is moved on purpose. The root loader sends
 * the server's `now`; we keep the difference to the browser's clock and tick locally.
 */
const OffsetContext = createContext<{ offset: number; serverNow: string }>({ offset: 0, serverNow: new Date(0).toISOString() });

export function ServerTimeProvider({ serverNow, children }: { serverNow: string; children: ReactNode }) {
  // Recomputed on every navigation (the root loader runs again), so a moved clock is picked up.
  const [offset, setOffset] = useState(() => Date.parse(serverNow) - Date.now());
  useEffect(() => setOffset(Date.parse(serverNow) - Date.now()), [serverNow]);
  return <OffsetContext.Provider value={{ offset, serverNow }}>{children}</OffsetContext.Provider>;
}

/**
 * The server's current time, re-rendering every second. The first render shows the time the
 * server rendered the page at, on the server and in the browser alike: the browser's clock read
 * at hydration is seconds later, and text that differs between the two is a hydration error
 * (React then discards the server's HTML). The ticking starts after hydration.
 */
export function useServerNow(): Date {
  const { offset, serverNow } = useContext(OffsetContext);
  const [now, setNow] = useState(() => new Date(serverNow));
  useEffect(() => {
    setNow(new Date(Date.now() + offset));
    const timer = setInterval(() => setNow(new Date(Date.now() + offset)), 1000);
    return () => clearInterval(timer);
  }, [offset]);
  return now;
}

const shanghai = (d: Date, lang: string) =>
  new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  }).format(d);

export function ServerClock() {
  const { t, i18n } = useTranslation();
  const now = useServerNow();
  return (
    <span className="server-clock" title="Asia/Shanghai">
      {t("app.serverTime")}{" "}
      <time dateTime={now.toISOString()} data-testid="server-time">
        {shanghai(now, i18n.language)}
      </time>
    </span>
  );
}

/** Time left until `to`, by the server's clock: "2天 03:04:05" / "2d 03:04:05", or 00:00:00. */
export function Countdown({ to: given, onZero }: { to: string | Date; onZero?: () => void }) {
  const { i18n } = useTranslation();
  const now = useServerNow();
  // Loader data may bring a Date (single fetch keeps the type): String(date) differs between the
  // server's and the browser's time zone, a hydration error. Always the ISO form.
  const to = new Date(given).toISOString();
  const ms = Math.max(0, Date.parse(to) - now.getTime());
  useEffect(() => {
    if (ms === 0) onZero?.();
  }, [ms, onZero]);
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, "0")).join(":");
  const label = days > 0 ? `${days}${i18n.language === "en" ? "d" : "天"} ${hms}` : hms;
  return (
    <time className="countdown" dateTime={to} data-testid="countdown">
      {label}
    </time>
  );
}

export function ShanghaiTime({ at }: { at: string | Date }) {
  const { i18n } = useTranslation();
  const d = typeof at === "string" ? new Date(at) : at;
  return <time dateTime={d.toISOString()}>{shanghai(d, i18n.language)}</time>;
}
