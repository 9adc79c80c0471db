/** Times are stored as UTC instants and shown in Asia/Shanghai (DOMAIN.md §3). */
export const SHANGHAI = "Asia/Shanghai";

export function formatShanghai(d: Date, lang: "zh-CN" | "en" = "zh-CN"): string {
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", {
    timeZone: SHANGHAI,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  }).format(d);
}
