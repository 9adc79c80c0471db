import { describe, expect, it } from "vitest";
import { chineseDaysSeed } from "#app/domain/calendar/chinese-days-seed.ts";
import { makeHolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import {
  checkPrequalificationClarification,
  checkPrequalificationObjection,
  checkPrequalificationTerms,
  type PrequalificationTerms,
} from "./prequalification.ts";

const cal = makeHolidayCalendar({ ...chineseDaysSeed(), provisional: true });
const at = (iso: string) => new Date(`${iso}+08:00`);

// Sale from Wednesday 2026-11-04. Engineering: 5 days → 11-09 (Monday). GP: 5 working days → 11-11.
const terms = (t: Partial<PrequalificationTerms>): PrequalificationTerms => ({
  type: "engineering",
  mandatoryTendering: true,
  saleFrom: at("2026-11-04T09:00:00"),
  saleUntil: at("2026-11-09T17:00:00"),
  submissionDeadlineAt: at("2026-11-30T09:30:00"),
  ...t,
});

describe("prequalification documents on sale (条例 16 / 87号令 14)", () => {
  it.each([
    ["engineering", "2026-11-08T17:00:00", "sale"], // the day before the last day
    ["engineering", "2026-11-09T00:00:00", "sale"], // ending at 00:00 does not count the 9th
    ["engineering", "2026-11-09T17:00:00", null], // the day
    ["engineering", "2026-11-10T17:00:00", null], // the day after
    ["government", "2026-11-10T17:00:00", "sale"],
    ["government", "2026-11-11T17:00:00", null],
    ["government", "2026-11-12T17:00:00", null],
  ] as const)("%s, sale until %s → %s", (type, until, rule) => {
    const v = checkPrequalificationTerms(cal, terms({ type, saleUntil: at(until), submissionDeadlineAt: at("2026-12-31T09:30:00") }));
    expect(v?.rule ?? null).toBe(rule);
  });

  it("names the source and the earliest end", () => {
    const v = checkPrequalificationTerms(cal, terms({ type: "government", saleUntil: at("2026-11-10T17:00:00") }));
    expect(v).toMatchObject({
      source: "政府采购货物和服务招标投标管理办法（87号令）第十四条",
      count: 4,
      required: 5,
      unit: "workingDays",
      limitOn: "2026-11-11",
    });
  });

  it("a last day on a rest day moves to the next working day", () => {
    // From Thursday 11-05: 5 days end on Tuesday 11-10; from Monday 11-02 they end Saturday 11-07 → Monday 11-09.
    const v = checkPrequalificationTerms(cal, terms({ saleFrom: at("2026-11-02T09:00:00"), saleUntil: at("2026-11-08T17:00:00") }));
    expect(v).toMatchObject({ rule: "sale", limitOn: "2026-11-09" });
  });
});

describe("applications due after the sale stops (条例 17)", () => {
  // Engineering: last sale day 11-09, 5 days → 11-14 (Saturday) → 11-16. GP: sale until 11-11, 5 working days → 11-18.
  it.each([
    ["engineering", "2026-11-09T17:00:00", "2026-11-15T09:30:00", "submissionAfterSale"],
    ["engineering", "2026-11-09T17:00:00", "2026-11-16T09:30:00", null],
    ["engineering", "2026-11-09T17:00:00", "2026-11-17T09:30:00", null],
    ["government", "2026-11-11T17:00:00", "2026-11-17T09:30:00", "submissionAfterSale"],
    ["government", "2026-11-11T17:00:00", "2026-11-18T09:30:00", null],
    ["government", "2026-11-11T17:00:00", "2026-11-19T09:30:00", null],
  ] as const)("%s, sale until %s, applications due %s → %s", (type, saleUntil, deadline, rule) => {
    const v = checkPrequalificationTerms(cal, terms({ type, saleUntil: at(saleUntil), submissionDeadlineAt: at(deadline) }));
    expect(v?.rule ?? null).toBe(rule);
  });

  it("binds engineering projects only where tendering is required by law", () => {
    const t = terms({ submissionDeadlineAt: at("2026-11-15T09:30:00") });
    expect(checkPrequalificationTerms(cal, { ...t, mandatoryTendering: false })).toBeNull();
    expect(
      checkPrequalificationTerms(cal, { ...t, type: "government", saleUntil: at("2026-11-11T17:00:00"), mandatoryTendering: false })?.rule,
    ).toBe("submissionAfterSale");
  });

  it("a deadline before the sale ends is refused", () => {
    const v = checkPrequalificationTerms(cal, terms({ submissionDeadlineAt: at("2026-11-09T09:00:00") }));
    expect(v).toMatchObject({ rule: "submissionAfterSale", count: 0, limitOn: "2026-11-16" });
  });
});

describe("clarification ≥ 3 days and objection ≥ 2 days before the application deadline (条例 21, 22)", () => {
  const deadline = at("2026-11-20T09:30:00");
  it.each(["engineering", "government"] as const)("%s: clarification on the 16th, 17th, 18th", (type) => {
    const c = (day: string) =>
      checkPrequalificationClarification(type, {
        affectsApplications: true,
        issuedAt: at(`${day}T10:00:00`),
        submissionDeadlineAt: deadline,
      });
    expect(c("2026-11-16")).toBeNull();
    expect(c("2026-11-17")).toBeNull();
    expect(c("2026-11-18")).toMatchObject({ rule: "clarificationLead", count: 2, required: 3, limitOn: "2026-11-17" });
    expect(
      checkPrequalificationClarification(type, {
        affectsApplications: false,
        issuedAt: at("2026-11-19T10:00:00"),
        submissionDeadlineAt: deadline,
      }),
    ).toBeNull();
  });

  it.each(["engineering", "government"] as const)("%s: objection on the 17th, 18th, 19th", (type) => {
    const o = (day: string) => checkPrequalificationObjection(type, { raisedAt: at(`${day}T10:00:00`), submissionDeadlineAt: deadline });
    expect(o("2026-11-17")).toBeNull();
    expect(o("2026-11-18")).toBeNull();
    expect(o("2026-11-19")).toMatchObject({ rule: "objectionLead", count: 1, required: 2, limitOn: "2026-11-18" });
  });

  it("a deadline at 00:00 belongs to the day before", () => {
    const midnight = at("2026-11-20T00:00:00"); // the 19th is the deadline's day: objections until the 17th
    expect(
      checkPrequalificationObjection("engineering", { raisedAt: at("2026-11-17T23:00:00"), submissionDeadlineAt: midnight }),
    ).toBeNull();
    expect(
      checkPrequalificationObjection("engineering", { raisedAt: at("2026-11-18T08:00:00"), submissionDeadlineAt: midnight })?.rule,
    ).toBe("objectionLead");
  });
});
