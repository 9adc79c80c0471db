import i18next from "i18next";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { i18nOptions } from "#app/i18n/config.ts";
import { PeriodChanges, PeriodChangesSummary, PeriodFlag, SectionPeriods } from "./section-periods.tsx";

/** What the agency, the regulator and the public read about periods (decisions 0030–0031), in both languages. */
const i18n = i18next.createInstance();
const render = (lng: "zh-CN" | "en", node: React.ReactNode) => {
  void i18n.changeLanguage(lng);
  return renderToStaticMarkup(<I18nextProvider i18n={i18n}>{node}</I18nextProvider>).replace(/<[^>]+>/g, " ");
};

beforeAll(async () => {
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng: "zh-CN" });
});

describe("SectionPeriods", () => {
  const periods = [
    {
      rule: "documentsOnSale",
      source: "招标投标法实施条例第十六条",
      count: 5,
      unit: "calendarDays",
      lastDay: "2026-12-28",
      provisional: false,
    },
    {
      rule: "documentsToDeadline",
      source: "招标投标法第二十四条",
      count: 20,
      unit: "calendarDays",
      lastDay: "2027-01-11",
      provisional: true,
    },
  ] as const;

  it("shows each period's last day and source, marking the provisional one and why", () => {
    const zh = render("zh-CN", <SectionPeriods periods={[...periods]} procurementType="engineering" />);
    expect(zh).toContain("招标文件发售期（不少于 5 日）最后一日");
    expect(zh).toContain("2027-01-11");
    expect(zh).toContain("暂定");
    expect(zh).toContain("按 2027 年暂定节假日日历计算");
    expect(zh).toContain("民法典第二百零一条、第二百零三条");
    const en = render("en", <SectionPeriods periods={[...periods]} procurementType="government" />);
    expect(en).toContain("20 days from issuing the documents: earliest deadline");
    expect(en).toContain("provisional");
    expect(en).toContain("87号令）第八十五条");
  });

  it("says nothing of provisional when no period is", () => {
    expect(render("zh-CN", <SectionPeriods periods={[periods[0]]} procurementType="engineering" />)).not.toContain("暂定");
  });
});

describe("the notices of periods the official calendar moved", () => {
  const change = {
    id: "c1",
    sectionCode: "E35010020260901001",
    rule: "documentsOnSale",
    source: "87号令第十八条",
    oldLastDay: "2027-01-04",
    newLastDay: "2027-01-05",
    satisfied: false,
    stillProvisional: false,
    calendarYear: 2027,
  };

  it("tells the parties what moved and what to do", () => {
    const zh = render("zh-CN", <PeriodChanges changes={[change]} />);
    expect(zh).toContain("标段 E35010020260901001：招标文件发售期（87号令第十八条）的最后一日由 2027-01-04 变为 2027-01-05");
    expect(zh).toContain("请发出澄清顺延相关时间");
    expect(render("en", <PeriodChanges changes={[{ ...change, satisfied: true }]} />)).toContain("still cover this period");
    expect(render("zh-CN", <PeriodChanges changes={null} />)).toBe("");
  });

  it("flags the section in the lists, and sums them up for the regulator", () => {
    expect(render("zh-CN", <PeriodFlag changes={{ total: 1, unsatisfied: 1 }} />)).toContain("期限不足");
    expect(render("zh-CN", <PeriodFlag changes={{ total: 1, unsatisfied: 0 }} />)).toContain("期限已重算");
    expect(render("zh-CN", <PeriodFlag changes={{ total: 0, unsatisfied: 0 }} />)).toBe("");
    const sections = [
      { id: "a", code: "E1", name: "一", projectName: "甲项目", periodChanges: { total: 1, unsatisfied: 1 } },
      { id: "b", code: "E2", name: "二", projectName: "乙项目", periodChanges: { total: 0, unsatisfied: 0 } },
    ];
    const zh = render("zh-CN", <PeriodChangesSummary sections={sections} />);
    expect(zh).toContain("1 个标段的法定期限有变化，其中 1 个已不满足原定时间");
    expect(zh).toContain("甲项目 E1");
    expect(zh).not.toContain("乙项目");
  });
});
