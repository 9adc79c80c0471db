import { describe, expect, it } from "vitest";
import { chineseDaysSeed } from "#app/domain/calendar/chinese-days-seed.ts";
import { makeHolidayCalendar } from "#app/domain/calendar/holiday-calendar.ts";
import { checkForfeiture, returnEvent, returnPeriod, securityStatus } from "./security-return.ts";

const cal = makeHolidayCalendar({ ...chineseDaysSeed(), provisional: true });
const at = (iso: string) => new Date(`${iso}+08:00`);

describe("the return period of a bid security", () => {
  // Terminated on Wednesday 2026-11-18. Engineering: 5 days → Monday 11-23. GP: 5 working days → Wednesday 11-25.
  it.each([
    ["engineering", "2026-11-23"],
    ["government", "2026-11-25"],
  ] as const)("%s: the last day is %s; the day before and the day are due, the day after overdue", (type, lastDay) => {
    const period = returnPeriod(cal, type, "termination", at("2026-11-18T10:00:00"))!;
    expect(period.lastDay).toBe(lastDay);
    const day = (d: number) => new Date(at(`${lastDay}T12:00:00`).getTime() + d * 86_400_000);
    expect(securityStatus({ period, settlement: null }, day(-1))).toBe("due");
    expect(securityStatus({ period, settlement: null }, at(`${lastDay}T23:59:59`))).toBe("due");
    expect(securityStatus({ period, settlement: null }, day(1))).toBe("overdue");
    expect(securityStatus({ period, settlement: { outcome: "returned", settledAt: at(`${lastDay}T18:00:00`) } }, day(3))).toBe("returned");
    expect(securityStatus({ period, settlement: { outcome: "returned", settledAt: day(1) } }, day(3))).toBe("returnedLate");
  });

  it("a last day on a rest day moves to the next working day (engineering); GP skips holidays", () => {
    // Engineering: terminated Monday 11-23 → Saturday 11-28 → Monday 11-30.
    expect(returnPeriod(cal, "engineering", "termination", at("2026-11-23T10:00:00"))!.lastDay).toBe("2026-11-30");
    // GP, across New Year 2027 on the provisional calendar: from Monday 2026-12-28, working days 29, 30, 31, (1 Jan off), 4, 5.
    const gp = returnPeriod(cal, "government", "contract", at("2026-12-28T10:00:00"))!;
    expect(gp.lastDay).toBe("2027-01-05");
    expect(gp.provisional).toBe(true);
  });

  it("cites the rule of the type and the event", () => {
    expect(returnPeriod(cal, "engineering", "withdrawal", at("2026-11-18T10:00:00"))!.citation.zh).toBe("招标投标法实施条例第三十五条");
    expect(returnPeriod(cal, "engineering", "contract", at("2026-11-18T10:00:00"))!.citation.zh).toBe("招标投标法实施条例第五十七条");
    expect(returnPeriod(cal, "government", "termination", at("2026-11-18T10:00:00"))!.citation.zh).toBe("87号令第二十九条");
    expect(returnPeriod(cal, "government", "awardNotice", at("2026-11-18T10:00:00"))!.citation.zh).toBe("87号令第三十八条");
    expect(returnPeriod(cal, "engineering", "awardNotice", at("2026-11-18T10:00:00"))).toBeNull();
  });

  it("nothing started: held", () => {
    expect(securityStatus({ period: null, settlement: null }, at("2026-11-18T10:00:00"))).toBe("held");
  });
});

describe("the event that starts it", () => {
  const base = { deadlineAt: at("2026-12-14T09:30:00"), terminatedAt: null, withdrawnAt: null, type: "engineering" as const };
  it("termination first; a withdrawal counts from the deadline (who bid is sealed until then)", () => {
    expect(returnEvent({ ...base, terminatedAt: at("2026-12-01T10:00:00"), withdrawnAt: at("2026-11-30T10:00:00") })).toEqual({
      event: "termination",
      at: at("2026-12-01T10:00:00"),
    });
    expect(returnEvent({ ...base, withdrawnAt: at("2026-11-30T10:00:00") })).toEqual({ event: "withdrawal", at: base.deadlineAt });
    expect(returnEvent(base)).toBeNull();
  });
  it("GP: the bids that did not win from the award notice, the winner from the contract", () => {
    const gp = { ...base, type: "government" as const, awardNoticeAt: at("2026-12-20T10:00:00"), contractAt: at("2026-12-25T10:00:00") };
    expect(returnEvent({ ...gp, won: false })?.event).toBe("awardNotice");
    expect(returnEvent({ ...gp, won: true })?.event).toBe("contract");
    expect(returnEvent({ ...base, awardNoticeAt: at("2026-12-20T10:00:00"), contractAt: null })).toBeNull();
  });
});

describe("forfeiture", () => {
  it("only a bid revoked after the deadline, never a terminated tender's or a withdrawn bid's", () => {
    const f = { decryption: "deemedRevoked" as const, terminated: false, withdrawn: false };
    expect(checkForfeiture("revokedAfterDeadline", f)).toBeNull();
    expect(checkForfeiture("revokedAfterDeadline", { ...f, decryption: "decrypted" })).toBe("notRevoked");
    expect(checkForfeiture("revokedAfterDeadline", { ...f, decryption: "deemedWithdrawn" })).toBe("notRevoked");
    expect(checkForfeiture("winnerRefusedContract", { ...f, decryption: "decrypted" })).toBeNull();
    expect(checkForfeiture("revokedAfterDeadline", { ...f, terminated: true })).toBe("terminated");
    expect(checkForfeiture("winnerRefusedContract", { ...f, withdrawn: true })).toBe("withdrawn");
  });
});
