import { describe, expect, it } from "vitest";
import { chineseDaysSeed } from "#app/domain/calendar/chinese-days-seed.ts";
import { CalendarOutOfRangeError, makeHolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { deadlineStanding, handlingDeadline, type HandlingFacts } from "./handling-deadlines.ts";

const cal = makeHolidayCalendar(chineseDaysSeed());
// Times in Shanghai (+08:00): the day a complaint arrives is not counted.
const at = (local: string) => new Date(`${local}+08:00`);
const facts = (f: Partial<HandlingFacts> & { filedAt: Date }): HandlingFacts => ({ acceptedAt: null, pauses: [], ...f });

describe("the acceptance decision", () => {
  // National Day 2025: 10-01..10-08 off, Saturday 10-11 worked (调休).
  it("engineering: 3 working days from receipt, across National Day, ending on the worked Saturday", () => {
    const d = handlingDeadline(cal, "engineering", "acceptance", facts({ filedAt: at("2025-09-30T16:00") }))!;
    expect(d.lastDay).toBe("2025-10-11");
    expect(d.endsAt).toEqual(at("2025-10-12T00:00"));
    expect(d.source.zh).toContain("招标投标法实施条例第六十一条");
    expect(d.source.zh).toContain("投诉处理办法第十一条");
  });

  it("government procurement: 5 working days to review (94号令 21)", () => {
    const d = handlingDeadline(cal, "government", "acceptance", facts({ filedAt: at("2025-09-30T16:00") }))!;
    expect(d.lastDay).toBe("2025-10-14");
    expect(d.source.zh).toBe("94号令第二十一条");
  });

  it("a complaint filed on a holiday counts only the working days after it", () => {
    const d = handlingDeadline(cal, "engineering", "acceptance", facts({ filedAt: at("2025-10-03T09:00") }))!;
    expect(d.lastDay).toBe("2025-10-11"); // 10-09, 10-10 and the worked Saturday 10-11
    const late = handlingDeadline(cal, "engineering", "acceptance", facts({ filedAt: at("2025-10-10T23:59") }))!;
    expect(late.lastDay).toBe("2025-10-14"); // 10-11 (worked Saturday), 10-13, 10-14
  });

  it("Spring Festival 2026: a GP review across the holiday and both worked Saturdays", () => {
    // 2026-02-14 (Sat) and 02-28 (Sat) worked; 02-15..02-23 off.
    const d = handlingDeadline(cal, "government", "acceptance", facts({ filedAt: at("2026-02-12T10:00") }))!;
    expect(d.lastDay).toBe("2026-02-26");
  });
});

describe("the decision", () => {
  it("engineering: 30 working days from acceptance; none before acceptance", () => {
    expect(handlingDeadline(cal, "engineering", "decision", facts({ filedAt: at("2025-09-29T10:00") }))).toBeNull();
    const d = handlingDeadline(
      cal,
      "engineering",
      "decision",
      facts({ filedAt: at("2025-09-29T10:00"), acceptedAt: at("2025-09-30T11:00") }),
    )!;
    expect(d.from).toEqual(at("2025-09-30T11:00"));
    expect(d.lastDay).toBe("2025-11-18");
  });

  it("government procurement: 30 working days from receipt, accepted or not (GP法 56)", () => {
    const d = handlingDeadline(cal, "government", "decision", facts({ filedAt: at("2025-09-30T11:00") }))!;
    expect(d.lastDay).toBe("2025-11-18");
    expect(d.source.zh).toContain("政府采购法第五十六条");
  });

  it("GP leaves out the complainant's supplementary documents; engineering does not", () => {
    const pauses = [{ kind: "complainantDocuments" as const, from: at("2025-10-13T10:00"), to: at("2025-10-15T17:00") }];
    const gp = handlingDeadline(cal, "government", "decision", facts({ filedAt: at("2025-09-30T11:00"), pauses }))!;
    expect(gp.excludedWorkingDays).toBe(2);
    expect(gp.lastDay).toBe("2025-11-20");
    expect(gp.excludedSource?.zh).toBe("94号令第二十七条");
    const eng = handlingDeadline(
      cal,
      "engineering",
      "decision",
      facts({ filedAt: at("2025-09-29T10:00"), acceptedAt: at("2025-09-30T11:00"), pauses }),
    )!;
    expect(eng.excludedWorkingDays).toBe(0);
    expect(eng.lastDay).toBe("2025-11-18");
  });

  it("both leave out expert review; a pause over a holiday leaves out only its working days", () => {
    // From 09-30 to 10-10: the working days left out are 10-09 and 10-10.
    const pauses = [{ kind: "expertReview" as const, from: at("2025-09-30T12:00"), to: at("2025-10-10T09:00") }];
    const eng = handlingDeadline(
      cal,
      "engineering",
      "decision",
      facts({ filedAt: at("2025-09-29T10:00"), acceptedAt: at("2025-09-30T11:00"), pauses }),
    )!;
    expect(eng.excludedWorkingDays).toBe(2);
    expect(eng.lastDay).toBe("2025-11-20");
  });

  it("overlapping pauses leave each day out once; a pause before the limit began leaves nothing out", () => {
    const pauses = [
      { kind: "expertReview" as const, from: at("2025-10-13T10:00"), to: at("2025-10-15T17:00") },
      { kind: "complainantDocuments" as const, from: at("2025-10-14T10:00"), to: at("2025-10-16T17:00") },
      { kind: "expertReview" as const, from: at("2025-09-29T10:00"), to: at("2025-10-20T17:00") },
    ];
    const d = handlingDeadline(cal, "government", "decision", facts({ filedAt: at("2025-09-30T11:00"), pauses }))!;
    expect(d.excludedWorkingDays).toBe(3); // 10-14, 10-15, 10-16
  });

  it("stands still while an excluded pause is open", () => {
    const pauses = [{ kind: "complainantDocuments" as const, from: at("2025-10-13T10:00"), to: null }];
    const d = handlingDeadline(cal, "government", "decision", facts({ filedAt: at("2025-09-30T11:00"), pauses }))!;
    expect(d.lastDay).toBeNull();
    expect(deadlineStanding(d, null, at("2026-01-01T00:00"))).toBe("paused");
  });

  it("refuses a year the calendar does not have, naming it", () => {
    expect(() => handlingDeadline(cal, "government", "decision", facts({ filedAt: at("2026-12-10T10:00") }))).toThrow(
      CalendarOutOfRangeError,
    );
    expect(() => handlingDeadline(cal, "government", "decision", facts({ filedAt: at("2026-12-10T10:00") }))).toThrow(/2027/);
  });
});

describe("deadlineStanding", () => {
  const d = handlingDeadline(cal, "engineering", "acceptance", facts({ filedAt: at("2025-09-30T16:00") }))!;
  it.each([
    ["2025-10-10T12:00", null, "open"],
    ["2025-10-11T08:00", null, "dueToday"],
    ["2025-10-11T23:59:59.999", null, "dueToday"],
    ["2025-10-12T00:00", null, "overdue"],
    ["2025-10-20T00:00", "2025-10-11T23:59", "met"],
    ["2025-10-20T00:00", "2025-10-12T00:00", "late"],
  ])("at %s (done %s): %s", (now, done, standing) => {
    expect(deadlineStanding(d, done ? at(done) : null, at(now))).toBe(standing);
  });
});
