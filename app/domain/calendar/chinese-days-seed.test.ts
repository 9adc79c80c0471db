import { describe, expect, it, vi } from "vitest";
import {
  CHINESE_DAYS_FIRST_YEAR,
  CHINESE_DAYS_LAST_YEAR,
  chineseDaysSeed,
  type CalendarSeed,
} from "#app/domain/calendar/chinese-days-seed.ts";
import { isWeekend, plusDays } from "#app/domain/calendar/local-day.ts";

const seed = chineseDaysSeed();
const named = (rows: CalendarSeed["holidays"], prefix: string) => rows.filter((r) => r.day.startsWith(prefix));

describe("chineseDaysSeed", () => {
  it("covers 2004–2026 and no further: the package would treat 2027 as ordinary weekdays", () => {
    expect(seed.firstYear).toBe(2004);
    expect(seed.lastYear).toBe(2026);
    expect(CHINESE_DAYS_FIRST_YEAR).toBe(2004);
    expect(CHINESE_DAYS_LAST_YEAR).toBe(2026);
    for (const row of [...seed.holidays, ...seed.workdays]) {
      expect(row.day >= "2004-01-01" && row.day <= "2026-12-31").toBe(true);
    }
  });

  it("has National Day 2025 (10-01..08, with Mid-Autumn on 10-06) and its worked weekends", () => {
    expect(named(seed.holidays, "2025-10")).toEqual([
      { day: "2025-10-01", name: "国庆节" },
      { day: "2025-10-02", name: "国庆节" },
      { day: "2025-10-03", name: "国庆节" },
      { day: "2025-10-04", name: "国庆节" },
      { day: "2025-10-05", name: "国庆节" },
      { day: "2025-10-06", name: "中秋节" },
      { day: "2025-10-07", name: "国庆节" },
      { day: "2025-10-08", name: "国庆节" },
    ]);
    expect(seed.workdays).toContainEqual({ day: "2025-09-28", name: "国庆节" });
    expect(seed.workdays).toContainEqual({ day: "2025-10-11", name: "国庆节" });
  });

  it("has Spring Festival 2026 (02-15..23, worked 02-14 and 02-28)", () => {
    expect(named(seed.holidays, "2026-02").map((r) => r.day)).toEqual([
      "2026-02-15",
      "2026-02-16",
      "2026-02-17",
      "2026-02-18",
      "2026-02-19",
      "2026-02-20",
      "2026-02-21",
      "2026-02-22",
      "2026-02-23",
    ]);
    expect(named(seed.holidays, "2026-02").every((r) => r.name === "春节")).toBe(true);
    expect(named(seed.workdays, "2026")).toEqual([
      { day: "2026-01-04", name: "元旦" },
      { day: "2026-02-14", name: "春节" },
      { day: "2026-02-28", name: "春节" },
      { day: "2026-05-09", name: "劳动节" },
      { day: "2026-09-20", name: "国庆节" },
      { day: "2026-10-10", name: "国庆节" },
    ]);
  });

  it("gives rows in date order, once each, with official names", () => {
    for (const rows of [seed.holidays, seed.workdays]) {
      const days = rows.map((r) => r.day);
      expect(days).toEqual([...new Set(days)].sort());
    }
    const names = new Set([...seed.holidays, ...seed.workdays].map((r) => r.name));
    expect([...names].filter((n) => !n.endsWith("节") && n !== "元旦")).toEqual([
      "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日", // 2015-09-03
    ]);
  });

  it("lists only weekend days as worked days, and no day in both lists", () => {
    expect(seed.workdays.every((r) => isWeekend(r.day))).toBe(true);
    const holidays = new Set(seed.holidays.map((r) => r.day));
    expect(seed.workdays.filter((r) => holidays.has(r.day))).toEqual([]);
  });

  it("agrees with the package's own functions, run in Shanghai time", async () => {
    // The functions build their tables at import in local time (see the NOTE in the module),
    // so import them fresh with the process in Asia/Shanghai.
    const saved = process.env.TZ;
    try {
      process.env.TZ = "Asia/Shanghai";
      vi.resetModules();
      const { default: chineseDays } = await import("chinese-days");
      const { getDayDetail } = chineseDays;
      expect(new Date(2025, 0, 1).getTimezoneOffset()).toBe(-480);
      const holidays = new Set(seed.holidays.map((r) => r.day));
      const workdays = new Set(seed.workdays.map((r) => r.day));
      const disagreements: unknown[] = [];
      let day = "2004-01-01";
      for (; day <= "2026-12-31"; day = plusDays(day, 1)) {
        const [y, m, d] = day.split("-").map(Number) as [number, number, number];
        const detail = getDayDetail(new Date(y, m - 1, d));
        const ours = {
          date: day,
          work: workdays.has(day) || (!holidays.has(day) && !isWeekend(day)),
          listed: holidays.has(day) || workdays.has(day),
        };
        const theirs = { date: detail.date, work: detail.work, listed: detail.name.includes(",") };
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) disagreements.push({ ours, theirs });
      }
      expect(disagreements).toEqual([]);
      expect(day).toBe("2027-01-01");
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
      vi.resetModules();
    }
  });
});
