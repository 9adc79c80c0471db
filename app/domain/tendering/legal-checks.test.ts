import { describe, expect, it } from "vitest";
import { chineseDaysSeed } from "#app/domain/calendar/chinese-days-seed.ts";
import { makeHolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import {
  checkBidSecurity,
  checkClarification,
  checkDocumentObjection,
  checkDocumentsOnSale,
  checkDocumentsToDeadline,
  checkRegistrationInSalePeriod,
  salePeriod,
} from "./legal-checks.ts";
import { DEFAULT_RULE_SETS, PROCUREMENT_TYPES } from "./rule-set.ts";

/** 09:30 Shanghai time on a day: the hour never changes which day counts (except 00:00, below). */
const at = (day: string, time = "09:30") => new Date(`${day}T${time}:00+08:00`);
/** The platform's calendar: official 2004–2026, 2027 on provisional (decision 0031). */
const calendar = makeHolidayCalendar({ ...chineseDaysSeed(), provisional: true });

describe.each(PROCUREMENT_TYPES)("legal checks, %s", (type) => {
  const rules = DEFAULT_RULE_SETS[type];
  const counting = type === "engineering" ? "民法典第二百零一条、第二百零三条" : "政府采购货物和服务招标投标管理办法（87号令）第八十五条";

  describe("bid security ≤ 2% of the estimate (条例 26 / GP条例 33)", () => {
    const estimateFen = 123_456_789_00n; // ¥123,456,789.00 → cap ¥2,469,135.78
    it("accepts exactly 2%, refuses one fen more, naming the cap", () => {
      expect(checkBidSecurity(rules, { estimateFen, securityFen: 2_469_135_78n - 1n })).toBeNull();
      expect(checkBidSecurity(rules, { estimateFen, securityFen: 2_469_135_78n })).toBeNull();
      expect(checkBidSecurity(rules, { estimateFen, securityFen: 2_469_135_79n })).toMatchObject({
        rule: "bidSecurityCap",
        capFen: 2_469_135_78n,
        basisPoints: 200,
      });
    });
    it("rounds the cap down to the fen", () => {
      expect(checkBidSecurity(rules, { estimateFen: 99n, securityFen: 2n })).toMatchObject({ capFen: 1n }); // 1.98 fen → 1
      expect(checkBidSecurity(rules, { estimateFen: 99n, securityFen: 1n })).toBeNull();
    });
  });

  describe("documents issued at least 20 days before the deadline (法 24 / GP法 35), counted forward", () => {
    const check = (issuedAt: Date, deadlineAt: Date) =>
      checkDocumentsToDeadline(rules, calendar, { mandatoryTendering: true, issuedAt, deadlineAt });

    it("the day before the limit, the day of it and the day after", () => {
      // Issued Wednesday 2026-06-10 (not counted): the 20th day is Tuesday 06-30.
      const issuedAt = at("2026-06-10", "17:00");
      expect(check(issuedAt, at("2026-06-29"))).toEqual({
        rule: "documentsToDeadline",
        source: type === "engineering" ? "招标投标法第二十四条" : "政府采购法第三十五条",
        countingSource: counting,
        issuedOn: "2026-06-10",
        deadlineOn: "2026-06-29",
        days: 19,
        requiredDays: 20,
        earliestDeadlineOn: "2026-06-30",
        provisional: false,
      });
      expect(check(issuedAt, at("2026-06-30", "09:00"))).toBeNull();
      expect(check(issuedAt, at("2026-07-01"))).toBeNull();
    });

    it("a 20th day in a holiday moves to the next working day: issued 2025-09-14, day 20 is 10-04 (National Day)", () => {
      const issuedAt = at("2025-09-14");
      expect(check(issuedAt, at("2025-10-04"))).toMatchObject({ days: 20, earliestDeadlineOn: "2025-10-09" });
      expect(check(issuedAt, at("2025-10-08"))).toMatchObject({ days: 24, earliestDeadlineOn: "2025-10-09" }); // the day before
      expect(check(issuedAt, at("2025-10-09"))).toBeNull(); // the day
      expect(check(issuedAt, at("2025-10-10"))).toBeNull(); // the day after
    });

    it("a 20th day on an ordinary Sunday moves to Monday", () => {
      // Issued Monday 2026-11-23: day 20 is Sunday 12-13.
      expect(check(at("2026-11-23"), at("2026-12-13"))).toMatchObject({ earliestDeadlineOn: "2026-12-14" });
      expect(check(at("2026-11-23"), at("2026-12-14"))).toBeNull();
    });

    it("a deadline at 00:00 belongs to the day before", () => {
      const issuedAt = at("2026-06-10");
      expect(check(issuedAt, at("2026-06-30", "00:00"))).toMatchObject({ deadlineOn: "2026-06-29", days: 19 });
      expect(check(issuedAt, new Date("2026-06-30T00:00:00.001+08:00"))).toBeNull();
      expect(check(issuedAt, at("2026-07-01", "00:00"))).toBeNull(); // the whole of 06-30
    });

    it("inside 2026 it never needs 2027 and is not provisional", () => {
      // Issued Tuesday 2026-12-01: day 20 is Monday 12-21.
      expect(check(at("2026-12-01"), at("2026-12-20"))).toMatchObject({ earliestDeadlineOn: "2026-12-21", provisional: false });
      expect(check(at("2026-12-01"), at("2026-12-21"))).toBeNull();
    });

    it("crossing into 2027 it counts on the provisional calendar and says so", () => {
      // Issued 2026-12-20: day 20 is Saturday 2027-01-09, so Monday 01-11.
      expect(check(at("2026-12-20"), at("2027-01-10"))).toMatchObject({ earliestDeadlineOn: "2027-01-11", provisional: true });
      expect(check(at("2026-12-20"), at("2027-01-11"))).toBeNull();
      // Day 20 on 除夕 2027 (02-05, provisional): 02-06..08 春节, 02-09 and 02-10 make-up days.
      expect(check(at("2027-01-16"), at("2027-02-10"))).toMatchObject({ earliestDeadlineOn: "2027-02-11", provisional: true });
      expect(check(at("2027-01-16"), at("2027-02-11"))).toBeNull();
    });

    it(type === "engineering" ? "binds only projects that must be tendered by law" : "binds every government procurement tender", () => {
      const late = { mandatoryTendering: false, issuedAt: at("2026-06-20"), deadlineAt: at("2026-06-30") };
      expect(checkDocumentsToDeadline(rules, calendar, late) === null).toBe(type === "engineering");
    });

    it("counts a Shanghai day, not a UTC day", () => {
      const deadlineAt = at("2026-06-30", "09:00");
      // 2026-06-10 23:30 in Shanghai is still 06-10 (15:30 UTC): 20 days, allowed.
      expect(check(new Date("2026-06-10T15:30:00Z"), deadlineAt)).toBeNull();
      // 16:30 UTC is 06-11 00:30 in Shanghai: 19 days.
      expect(check(new Date("2026-06-10T16:30:00Z"), deadlineAt)).not.toBeNull();
    });
  });

  describe("clarification affecting preparation ≥ 15 days before the deadline (条例 21 / 87号令 27), counted backward", () => {
    const check = (issuedAt: Date, deadlineAt: Date) => checkClarification(rules, { affectsPreparation: true, issuedAt, deadlineAt });
    it("the day before the limit, the day of it and the day after", () => {
      const deadlineAt = at("2026-07-20");
      expect(check(at("2026-07-04"), deadlineAt)).toBeNull();
      expect(check(at("2026-07-05", "23:59"), deadlineAt)).toBeNull();
      expect(check(at("2026-07-06", "00:00"), deadlineAt)).toMatchObject({
        rule: "clarificationLead",
        days: 14,
        earliestDeadlineOn: "2026-07-21",
      });
    });
    it("a deadline at 00:00 belongs to the day before, so the clarification must come a day earlier", () => {
      const deadlineAt = at("2026-07-20", "00:00"); // the end of 07-19
      expect(check(at("2026-07-04"), deadlineAt)).toBeNull();
      expect(check(at("2026-07-05"), deadlineAt)).toMatchObject({ deadlineOn: "2026-07-19", days: 14, earliestDeadlineOn: "2026-07-20" });
    });
    it("a holiday moves nothing backward: the 15th day before may be a holiday, a rest day or in 2027", () => {
      // 15 days before 2025-10-16 is 10-01, National Day: a clarification that day is in time.
      expect(check(at("2025-10-01"), at("2025-10-16"))).toBeNull();
      expect(check(at("2025-10-02"), at("2025-10-16"))).toMatchObject({ days: 14 });
      // Deadline in 2027: no calendar needed, so nothing provisional either.
      expect(check(at("2026-12-27"), at("2027-01-11"))).toBeNull();
      expect(check(at("2026-12-28"), at("2027-01-11"))).toMatchObject({ earliestDeadlineOn: "2027-01-12" });
    });
    it("lets a clarification that does not affect preparation come later", () => {
      expect(checkClarification(rules, { affectsPreparation: false, issuedAt: at("2026-07-19"), deadlineAt: at("2026-07-20") })).toBeNull();
    });
  });

  describe("objection to the documents ≥ 10 days before the deadline (条例 22), counted backward", () => {
    it("the day before the limit, the day of it and the day after", () => {
      const deadlineAt = at("2026-08-31");
      expect(checkDocumentObjection(rules, { raisedAt: at("2026-08-20"), deadlineAt })).toBeNull();
      expect(checkDocumentObjection(rules, { raisedAt: at("2026-08-21", "23:59"), deadlineAt })).toBeNull();
      expect(checkDocumentObjection(rules, { raisedAt: at("2026-08-22", "00:00"), deadlineAt })).toMatchObject({
        rule: "documentObjectionLead",
        days: 9,
        lastDayOn: "2026-08-21",
      });
    });
    it("a deadline at 00:00 moves the last day one earlier; a Sunday last day stays", () => {
      expect(checkDocumentObjection(rules, { raisedAt: at("2026-08-21"), deadlineAt: at("2026-08-31", "00:00") })).toMatchObject({
        lastDayOn: "2026-08-20",
      });
      // 10 days before Wednesday 2026-12-30 is Sunday 12-20: still the last day.
      expect(checkDocumentObjection(rules, { raisedAt: at("2026-12-20", "22:00"), deadlineAt: at("2026-12-30") })).toBeNull();
      expect(checkDocumentObjection(rules, { raisedAt: at("2026-12-21"), deadlineAt: at("2026-12-30") })).toMatchObject({
        lastDayOn: "2026-12-20",
      });
    });
  });

  describe("registration only within the sale period (条例 16 / 87号令 18)", () => {
    const saleFrom = at("2026-12-01", "09:00");
    const saleUntil = at("2026-12-08", "17:00");
    const check = (when: Date, statutory: { lastDay: string; provisional: boolean } | null = null) =>
      checkRegistrationInSalePeriod(rules, { at: when, saleFrom, saleUntil, statutory });

    it("refuses before the start and from the announced end, naming the rule's source", () => {
      expect(check(new Date(saleFrom.getTime() - 1))).toMatchObject({
        rule: "registrationOutsideSale",
        source: type === "engineering" ? "招标投标法实施条例第十六条" : "政府采购货物和服务招标投标管理办法（87号令）第十八条",
        early: true,
        closesAt: saleUntil,
      });
      expect(check(saleFrom)).toBeNull();
      expect(check(new Date(saleUntil.getTime() - 1))).toBeNull();
      expect(check(saleUntil)).toMatchObject({ early: false, closesAt: saleUntil, provisional: false });
    });

    it("stays open to the end of the statutory period's last day when that is later", () => {
      // The official calendar made the statutory period end on 12-09: open until 12-10 00:00.
      const statutory = { lastDay: "2026-12-09", provisional: false };
      expect(check(at("2026-12-09", "23:59"), statutory)).toBeNull();
      expect(check(at("2026-12-10", "00:00"), statutory)).toMatchObject({ closesAt: at("2026-12-10", "00:00") });
      // An earlier statutory end never shortens the announced one.
      expect(check(at("2026-12-08", "16:59"), { lastDay: "2026-12-06", provisional: false })).toBeNull();
      expect(check(at("2026-12-09", "12:00"), { lastDay: "2027-01-04", provisional: true })).toBeNull();
      expect(check(at("2027-01-05", "00:00"), { lastDay: "2027-01-04", provisional: true })).toMatchObject({ provisional: true });
    });
  });
});

describe("documents on sale: engineering 5 days (条例 16)", () => {
  const rules = DEFAULT_RULE_SETS.engineering;
  const check = (saleFrom: Date, saleUntil: Date) => checkDocumentsOnSale(rules, calendar, { saleFrom, saleUntil });

  it("the day before the limit, the day of it and the day after", () => {
    // From Wednesday 2026-06-03 (not counted): the 5th day is Monday 06-08.
    expect(check(at("2026-06-03"), at("2026-06-07", "17:00"))).toEqual({
      rule: "documentsOnSale",
      source: "招标投标法实施条例第十六条",
      countingSource: "民法典第二百零一条、第二百零三条",
      saleFrom: "2026-06-03",
      saleUntil: "2026-06-07",
      count: 4,
      required: 5,
      unit: "calendarDays",
      earliestEndOn: "2026-06-08",
      provisional: false,
    });
    expect(check(at("2026-06-03"), at("2026-06-08", "17:00"))).toBeNull();
    expect(check(at("2026-06-03"), at("2026-06-09", "17:00"))).toBeNull();
  });

  it("a 5th day in a holiday moves to the next working day: from 2025-10-01 the sale runs to 10-09", () => {
    expect(check(at("2025-10-01"), at("2025-10-06"))).toMatchObject({ count: 5, earliestEndOn: "2025-10-09" });
    expect(check(at("2025-10-01"), at("2025-10-08", "17:00"))).toMatchObject({ count: 7, earliestEndOn: "2025-10-09" });
    expect(check(at("2025-10-01"), at("2025-10-09", "17:00"))).toBeNull();
    expect(check(at("2025-10-01"), at("2025-10-10", "17:00"))).toBeNull();
  });

  it("an end at 00:00 does not count that day", () => {
    expect(check(at("2026-06-03"), at("2026-06-08", "00:00"))).toMatchObject({ saleUntil: "2026-06-07", count: 4 });
    expect(check(at("2026-06-03"), at("2026-06-09", "00:00"))).toBeNull(); // the whole of 06-08
  });

  it("a sale in December 2026 ending before New Year needs nothing of 2027", () => {
    // From Thursday 12-24: the 5th day is Tuesday 12-29.
    expect(check(at("2026-12-24"), at("2026-12-28", "17:00"))).toMatchObject({ earliestEndOn: "2026-12-29", provisional: false });
    expect(check(at("2026-12-24"), at("2026-12-29", "17:00"))).toBeNull();
    expect(check(at("2026-12-24"), at("2026-12-31", "17:00"))).toBeNull();
  });

  it("one whose 5th day is New Year's Day 2027 ends on the provisional calendar's next working day, marked provisional", () => {
    // From Sunday 2026-12-27: the 5th day is Friday 2027-01-01 (元旦), then a weekend: Monday 01-04.
    expect(check(at("2026-12-27"), at("2026-12-31", "17:00"))).toMatchObject({
      count: 4,
      earliestEndOn: "2027-01-04",
      provisional: true,
    });
    expect(check(at("2026-12-27"), at("2027-01-03", "17:00"))).toMatchObject({ earliestEndOn: "2027-01-04", provisional: true });
    expect(check(at("2026-12-27"), at("2027-01-04", "17:00"))).toBeNull();
    expect(salePeriod(rules, calendar, at("2026-12-27"))).toMatchObject({ lastDay: "2027-01-04", provisional: true });
  });
});

describe("documents on sale: government procurement 5 working days (87号令 18)", () => {
  const rules = DEFAULT_RULE_SETS.government;
  const check = (saleFrom: Date, saleUntil: Date) => checkDocumentsOnSale(rules, calendar, { saleFrom, saleUntil });

  it("skips holidays and counts 调休 Saturdays: the day before, the day, the day after", () => {
    // From Fri 2025-09-26 (not counted): Sun 09-28 (调休 workday) 1, Mon 29 2, Tue 30 3, National Day
    // 10-01…10-08, Thu 10-09 4, Fri 10-10 5.
    expect(check(at("2025-09-26"), at("2025-10-09"))).toMatchObject({
      rule: "documentsOnSale",
      countingSource: "政府采购货物和服务招标投标管理办法（87号令）第八十五条",
      unit: "workingDays",
      count: 4,
      earliestEndOn: "2025-10-10",
    });
    expect(check(at("2025-09-26"), at("2025-10-10"))).toBeNull();
    expect(check(at("2025-09-26"), at("2025-10-11"))).toBeNull();
  });

  it("an end at 00:00 does not count that day", () => {
    expect(check(at("2025-09-26"), at("2025-10-10", "00:00"))).toMatchObject({ saleUntil: "2025-10-09", count: 4 });
    expect(check(at("2025-09-26"), at("2025-10-11", "00:00"))).toBeNull();
  });

  it("a sale in December 2026 ending before New Year needs nothing of 2027", () => {
    // From Thursday 12-24: 12-25, 28, 29, 30, 31.
    expect(check(at("2026-12-24"), at("2026-12-30", "17:00"))).toMatchObject({ count: 4, earliestEndOn: "2026-12-31", provisional: false });
    expect(check(at("2026-12-24"), at("2026-12-31", "17:00"))).toBeNull();
    expect(check(at("2026-12-24"), at("2027-01-01", "00:00"))).toBeNull(); // the whole of 12-31, nothing of 2027
  });

  it("one crossing into 2027 counts on the provisional calendar, marked provisional", () => {
    // From Friday 12-25: 12-28, 29, 30, 31, then 2027-01-01 (元旦) off and Monday 01-04.
    expect(check(at("2026-12-25"), at("2026-12-31", "17:00"))).toMatchObject({ count: 4, earliestEndOn: "2027-01-04", provisional: true });
    expect(check(at("2026-12-25"), at("2027-01-01", "17:00"))).toMatchObject({ count: 4, provisional: true });
    expect(check(at("2026-12-25"), at("2027-01-04", "17:00"))).toBeNull();
    expect(check(at("2026-12-25"), at("2027-01-05", "17:00"))).toBeNull();
  });
});
