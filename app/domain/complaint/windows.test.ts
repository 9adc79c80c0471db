import { describe, expect, it } from "vitest";
import { chineseDaysSeed } from "#app/domain/calendar/chinese-days-seed.ts";
import { makeHolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import {
  answerPeriod,
  COMPLAINT_RULES,
  complaintWindow,
  isWindow,
  objectionRequired,
  objectionWindow,
  withinWindow,
  type ObjectionFacts,
  type Window,
} from "./windows.ts";

// The real calendar: National Day 2025 is 10-01..10-08 with Sunday 09-28 and Saturday 10-11
// worked; Spring Festival 2026 is 02-15..02-23 with Saturdays 02-14 and 02-28 worked.
const cal = makeHolidayCalendar(chineseDaysSeed());
const at = (local: string) => new Date(`${local}+08:00`);
const midnight = (day: string) => at(`${day}T00:00:00`);
const eng = COMPLAINT_RULES.engineering;
const gp = COMPLAINT_RULES.government;

const facts = (over: Partial<ObjectionFacts>): ObjectionFacts => ({
  type: "engineering",
  subject: "documents",
  publishedAt: at("2025-09-01T09:00:00"),
  deadlineAt: at("2025-10-20T09:30:00"),
  documentsObtainedAt: null,
  openingEndedAt: null,
  resultPublishedAt: null,
  publicityEndsAt: null,
  ...over,
});

function win(w: ReturnType<typeof objectionWindow>): Window {
  if (!isWindow(w)) throw new Error(`no window: ${w.kind}`);
  return w;
}

describe("the answer to an objection", () => {
  it.each([
    // engineering, 3 days (条例 22, 54): a last day in National Day moves to the next working day
    ["engineering", "2025-09-28T10:00:00", "2025-10-10"],
    ["engineering", "2025-10-07T10:00:00", "2025-10-11"],
    // …and a last day on the worked Saturday 10-11 stays there
    ["engineering", "2025-10-08T10:00:00", "2025-10-12"],
    // GP, 7 working days (政府采购法 53): the worked Sunday 09-28 and Saturday 10-11 count, the holiday does not
    ["government", "2025-09-26T10:00:00", "2025-10-14"],
    // across Spring Festival 2026: 02-14 (worked Saturday) counts, 02-15..23 do not, 02-28 counts
    ["government", "2026-02-13T16:00:00", "2026-03-03"],
  ] as const)("%s, raised %s: due before %s 00:00", (type, raised, endsOn) => {
    const w = answerPeriod(cal, COMPLAINT_RULES[type], type, at(raised));
    expect(w.endsAt).toEqual(midnight(endsOn));
    expect(w.rule).toBe("objectionAnswer");
    expect(w.source.zh).toMatch(type === "engineering" ? /第二十二条/ : /第五十三条/);
  });
});

describe("the window of an objection", () => {
  it("engineering documents: until 10 days before the deadline, counted backward, never moved by a holiday (条例 22)", () => {
    const w = win(objectionWindow(cal, eng, facts({})));
    // deadline 10-20: the last day is 10-10; the holiday before it moves nothing
    expect(w.endsAt).toEqual(midnight("2025-10-11"));
    expect(withinWindow(w, at("2025-10-10T23:59:59"))).toBe(true);
    expect(withinWindow(w, midnight("2025-10-11"))).toBe(false);
    expect(w.source.zh).toBe("招标投标法实施条例第二十二条");
  });

  it("GP documents: 7 working days from obtaining them, the National Day not counted and 10-11 counted", () => {
    const w = win(objectionWindow(cal, gp, facts({ type: "government", documentsObtainedAt: at("2025-09-30T15:00:00") })));
    // 10-09, 10-10, 10-11 (worked Saturday), 10-13, 10-14, 10-15, 10-16
    expect(w.endsAt).toEqual(midnight("2025-10-17"));
    expect(w.source.zh).toMatch(/政府采购法第五十二条/);
  });

  it("GP documents not obtained: not yet", () => {
    expect(objectionWindow(cal, gp, facts({ type: "government" }))).toMatchObject({ kind: "notYet", what: "documents" });
  });

  it("engineering opening: only on the spot (条例 44)", () => {
    expect(objectionWindow(cal, eng, facts({ subject: "opening", openingEndedAt: at("2025-10-20T11:00:00") }))).toMatchObject({
      kind: "onTheSpot",
    });
  });

  it("GP opening: 7 working days from the opening's end, and not before it ended", () => {
    expect(objectionWindow(cal, gp, facts({ type: "government", subject: "opening" }))).toMatchObject({ kind: "notYet", what: "opening" });
    const w = win(objectionWindow(cal, gp, facts({ type: "government", subject: "opening", openingEndedAt: at("2025-09-29T11:00:00") })));
    // 09-30, 10-09, 10-10, 10-11, 10-13, 10-14, 10-15
    expect(w.endsAt).toEqual(midnight("2025-10-16"));
  });

  it("engineering result: during the candidates' publicity (条例 54)", () => {
    const w = win(
      objectionWindow(
        cal,
        eng,
        facts({ subject: "result", resultPublishedAt: at("2025-09-29T09:00:00"), publicityEndsAt: midnight("2025-10-09") }),
      ),
    );
    expect(w.opensAt).toEqual(at("2025-09-29T09:00:00"));
    expect(w.endsAt).toEqual(midnight("2025-10-09"));
    expect(objectionWindow(cal, eng, facts({ subject: "result" }))).toMatchObject({ kind: "notYet", what: "result" });
  });

  it("GP result: 7 working days from the announcement, across Spring Festival 2026 with both worked Saturdays", () => {
    const w = win(objectionWindow(cal, gp, facts({ type: "government", subject: "result", resultPublishedAt: at("2026-02-13T16:00:00") })));
    // 02-14, 02-24, 02-25, 02-26, 02-27, 02-28, 03-02
    expect(w.endsAt).toEqual(midnight("2026-03-03"));
  });
});

describe("the objection required first (条例 60; 政府采购法 55)", () => {
  it.each([
    ["engineering", "documents", true],
    ["engineering", "opening", true],
    ["engineering", "result", true],
    ["engineering", "other", false],
    ["government", "documents", true],
    ["government", "other", true],
  ] as const)("%s %s: %s", (type, subject, required) => {
    expect(objectionRequired(type, subject)).toBe(required);
  });
});

describe("the window of a complaint", () => {
  const now = at("2025-12-31T12:00:00");

  it("engineering after an answer: 10 days from the answer; a last day in the holiday moves (条例 60)", () => {
    const r = complaintWindow(
      cal,
      eng,
      "engineering",
      { objection: { raisedAt: at("2025-09-24T09:00:00"), answeredAt: at("2025-09-26T10:00:00"), answerDueAt: midnight("2025-09-28") } },
      now,
    );
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    // 09-26 + 10 = 10-06, in the holiday: 10-09
    expect(r.window.endsAt).toEqual(midnight("2025-10-10"));
    expect(r.window.source.zh).toBe("招标投标法实施条例第六十条");
  });

  it("engineering with no answer: 10 days from the answer's last day, the waiting not counted", () => {
    const r = complaintWindow(
      cal,
      eng,
      "engineering",
      { objection: { raisedAt: at("2025-10-07T10:00:00"), answeredAt: null, answerDueAt: midnight("2025-10-11") } },
      now,
    );
    if (!r.ok) throw new Error("expected a window");
    // the answer's last day 10-10 (+10 = 10-20, a Monday)
    expect(r.window.endsAt).toEqual(midnight("2025-10-21"));
  });

  it("engineering, objection at the opening answered on the spot: 10 days from the answer", () => {
    const r = complaintWindow(
      cal,
      eng,
      "engineering",
      { objection: { raisedAt: at("2025-10-01T09:40:00"), answeredAt: at("2025-10-01T09:50:00"), answerDueAt: null } },
      now,
    );
    if (!r.ok) throw new Error("expected a window");
    // 10-01 + 10 = 10-11, the worked Saturday
    expect(r.window.endsAt).toEqual(midnight("2025-10-12"));
  });

  it("while the answer period runs unanswered, the complaint waits", () => {
    const due = midnight("2025-10-14");
    const r = complaintWindow(
      cal,
      gp,
      "government",
      { objection: { raisedAt: at("2025-09-26T10:00:00"), answeredAt: null, answerDueAt: due } },
      at("2025-10-13T23:00:00"),
    );
    expect(r).toMatchObject({ ok: false, kind: "awaitingAnswer", answerDueAt: due });
  });

  it("GP: 15 working days after the answer period, open from an earlier answer (政府采购法 55)", () => {
    const due = midnight("2025-10-14"); // raised 09-26, last answer day 10-13
    const early = complaintWindow(
      cal,
      gp,
      "government",
      { objection: { raisedAt: at("2025-09-26T10:00:00"), answeredAt: at("2025-10-09T10:00:00"), answerDueAt: due } },
      now,
    );
    const none = complaintWindow(
      cal,
      gp,
      "government",
      { objection: { raisedAt: at("2025-09-26T10:00:00"), answeredAt: null, answerDueAt: due } },
      now,
    );
    if (!early.ok || !none.ok) throw new Error("expected windows");
    // 15 working days after 10-13: 10-14..10-17 (4), 10-20..24 (9), 10-27..31 (14), 11-03 (15)
    expect(early.window.endsAt).toEqual(midnight("2025-11-04"));
    expect(none.window.endsAt).toEqual(midnight("2025-11-04"));
    expect(early.window.opensAt).toEqual(at("2025-10-09T10:00:00"));
    expect(none.window.opensAt).toEqual(due);
  });

  it("GP across Spring Festival 2026: both worked Saturdays count", () => {
    // a challenge raised 2026-02-05: answer due after 7 working days 02-06, 09..13, 14 → last day 02-14
    const due = answerPeriod(cal, gp, "government", at("2026-02-05T10:00:00")).endsAt;
    expect(due).toEqual(midnight("2026-02-15"));
    const r = complaintWindow(
      cal,
      gp,
      "government",
      { objection: { raisedAt: at("2026-02-05T10:00:00"), answeredAt: null, answerDueAt: due } },
      midnight("2026-03-01"),
    );
    if (!r.ok) throw new Error("expected a window");
    // 15 working days after 02-14: 02-24..27 (4), 02-28 (5), 03-02..06 (10), 03-09..13 (15)
    expect(r.window.endsAt).toEqual(midnight("2026-03-14"));
  });

  it("engineering, no objection needed: 10 days from knowing, a last day in Spring Festival moves", () => {
    const r = complaintWindow(cal, eng, "engineering", { knownAt: at("2026-02-10T09:00:00") }, now);
    if (!r.ok) throw new Error("expected a window");
    // 02-10 + 10 = 02-20 (holiday): 02-24
    expect(r.window.endsAt).toEqual(midnight("2026-02-25"));
    expect(withinWindow(r.window, at("2026-02-24T23:59:59"))).toBe(true);
    expect(withinWindow(r.window, midnight("2026-02-25"))).toBe(false);
  });
});
