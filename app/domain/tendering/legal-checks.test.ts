import { describe, expect, it } from "vitest";
import { chineseDaysSeed } from "#app/domain/calendar/chinese-days-seed.ts";
import { makeHolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import {
  checkBidSecurity,
  checkClarification,
  checkDocumentObjection,
  checkDocumentsOnSale,
  checkDocumentsToDeadline,
} from "./legal-checks.ts";
import { DEFAULT_RULE_SETS, PROCUREMENT_TYPES } from "./rule-set.ts";

/** 09:30 Shanghai time on a day: the hour never changes which day counts. */
const at = (day: string, time = "09:30") => new Date(`${day}T${time}:00+08:00`);
const calendar = makeHolidayCalendar(chineseDaysSeed());

describe.each(PROCUREMENT_TYPES)("legal checks, %s", (type) => {
  const rules = DEFAULT_RULE_SETS[type];

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

  describe("documents issued at least 20 days before the deadline (法 24 / GP法 35)", () => {
    const deadlineAt = at("2026-06-30", "09:00");
    it("the day before the limit, the day of it and the day after", () => {
      expect(checkDocumentsToDeadline(rules, { mandatoryTendering: true, issuedAt: at("2026-06-09", "17:00"), deadlineAt })).toBeNull(); // 21 days
      expect(checkDocumentsToDeadline(rules, { mandatoryTendering: true, issuedAt: at("2026-06-10", "23:59"), deadlineAt })).toBeNull(); // 20 days
      expect(checkDocumentsToDeadline(rules, { mandatoryTendering: true, issuedAt: at("2026-06-11", "00:01"), deadlineAt })).toEqual({
        rule: "documentsToDeadline",
        source: type === "engineering" ? "招标投标法第二十四条" : "政府采购法第三十五条",
        issuedOn: "2026-06-11",
        deadlineOn: "2026-06-30",
        days: 19,
        requiredDays: 20,
        earliestDeadlineOn: "2026-07-01",
      });
    });
    it(type === "engineering" ? "binds only projects that must be tendered by law" : "binds every government procurement tender", () => {
      const late = { mandatoryTendering: false, issuedAt: at("2026-06-20"), deadlineAt };
      expect(checkDocumentsToDeadline(rules, late) === null).toBe(type === "engineering");
    });
    it("counts a Shanghai day, not a UTC day", () => {
      // 2026-06-10 23:30 in Shanghai is still 06-10 (15:30 UTC): 20 days, allowed.
      expect(
        checkDocumentsToDeadline(rules, { mandatoryTendering: true, issuedAt: new Date("2026-06-10T15:30:00Z"), deadlineAt }),
      ).toBeNull();
      // 16:30 UTC is 06-11 00:30 in Shanghai: 19 days.
      expect(
        checkDocumentsToDeadline(rules, { mandatoryTendering: true, issuedAt: new Date("2026-06-10T16:30:00Z"), deadlineAt }),
      ).not.toBeNull();
    });
  });

  describe("clarification affecting preparation ≥ 15 days before the deadline (条例 21 / 87号令)", () => {
    const deadlineAt = at("2026-07-20");
    it("the day before the limit, the day of it and the day after", () => {
      expect(checkClarification(rules, { affectsPreparation: true, issuedAt: at("2026-07-04"), deadlineAt })).toBeNull();
      expect(checkClarification(rules, { affectsPreparation: true, issuedAt: at("2026-07-05"), deadlineAt })).toBeNull();
      expect(checkClarification(rules, { affectsPreparation: true, issuedAt: at("2026-07-06"), deadlineAt })).toMatchObject({
        rule: "clarificationLead",
        days: 14,
        earliestDeadlineOn: "2026-07-21",
      });
    });
    it("lets a clarification that does not affect preparation come later", () => {
      expect(checkClarification(rules, { affectsPreparation: false, issuedAt: at("2026-07-19"), deadlineAt })).toBeNull();
    });
  });

  describe("objection to the documents ≥ 10 days before the deadline (条例 22)", () => {
    const deadlineAt = at("2026-08-31");
    it("the day before the limit, the day of it and the day after", () => {
      expect(checkDocumentObjection(rules, { raisedAt: at("2026-08-20"), deadlineAt })).toBeNull();
      expect(checkDocumentObjection(rules, { raisedAt: at("2026-08-21", "23:59"), deadlineAt })).toBeNull();
      expect(checkDocumentObjection(rules, { raisedAt: at("2026-08-22", "00:00"), deadlineAt })).toMatchObject({
        rule: "documentObjectionLead",
        days: 9,
        lastDayOn: "2026-08-21",
      });
    });
  });
});

describe("documents on sale", () => {
  it("engineering: 5 calendar days, holidays included (条例 16)", () => {
    const rules = DEFAULT_RULE_SETS.engineering;
    // Across National Day 2025: 10-01 → 10-06 is 5 calendar days even though all are holidays.
    expect(checkDocumentsOnSale(rules, calendar, { saleFrom: at("2025-10-01"), saleUntil: at("2025-10-06") })).toBeNull();
    expect(checkDocumentsOnSale(rules, calendar, { saleFrom: at("2025-10-01"), saleUntil: at("2025-10-05") })).toMatchObject({
      count: 4,
      earliestEndOn: "2025-10-06",
    });
  });

  it("government procurement: 5 working days, skipping holidays and counting 调休 Saturdays (87号令)", () => {
    const rules = DEFAULT_RULE_SETS.government;
    // From Fri 2025-09-26 (not counted): Sun 09-28 (调休 workday) 1, Mon 29 2, Tue 30 3, National Day
    // 10-01…10-08, Thu 10-09 4, Fri 10-10 5.
    expect(checkDocumentsOnSale(rules, calendar, { saleFrom: at("2025-09-26"), saleUntil: at("2025-10-10") })).toBeNull();
    expect(checkDocumentsOnSale(rules, calendar, { saleFrom: at("2025-09-26"), saleUntil: at("2025-10-09") })).toMatchObject({
      rule: "documentsOnSale",
      unit: "workingDays",
      count: 4,
      earliestEndOn: "2025-10-10",
    });
  });
});
