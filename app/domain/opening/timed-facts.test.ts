import { describe, expect, it } from "vitest";
import { dueTimedFacts, nextTimedFactAt } from "./timed-facts.ts";
import { DEADLINE, decrypting, facts, t } from "./test-facts.ts";

describe("timed facts", () => {
  it("are none before the deadline; at its exact millisecond the count is due, for the deadline", () => {
    expect(dueTimedFacts(facts(), t("2026-12-10T01:59:59.999Z"))).toEqual([]);
    expect(dueTimedFacts(facts(), DEADLINE)).toEqual([{ kind: "deadlinePassed", at: DEADLINE }]);
    // A late scheduler records the same instant.
    expect(dueTimedFacts(facts(), t("2026-12-10T02:07:00Z"))).toEqual([{ kind: "deadlinePassed", at: DEADLINE }]);
  });

  it("fail the opening with minimumBids − 1 bids and not with minimumBids", () => {
    expect(dueTimedFacts(facts({ validBidsAtDeadline: 2 }), DEADLINE)).toEqual([
      { kind: "tooFewBids", at: DEADLINE, validBids: 2, minimumBids: 3 },
    ]);
    expect(dueTimedFacts(facts({ validBidsAtDeadline: 3 }), DEADLINE)).toEqual([]);
    const recorded = facts({
      validBidsAtDeadline: 2,
      failedAt: DEADLINE,
      failReason: { kind: "tooFewBids", validBids: 2, minimumBids: 3 },
    });
    expect(dueTimedFacts(recorded, t("2026-12-10T02:01:00Z"))).toEqual([]);
  });

  it("end the window at its computed end, with pauses and extensions, once", () => {
    const f = decrypting({
      pauses: [{ pausedAt: t("2026-12-10T02:10:00Z"), resumedAt: t("2026-12-10T02:14:00Z"), reason: "网络波动" }],
      extensions: [{ minutes: 6, reason: "延长", at: t("2026-12-10T02:30:00Z") }],
    });
    const end = t("2026-12-10T02:45:00Z");
    expect(dueTimedFacts(f, t("2026-12-10T02:44:59.999Z"))).toEqual([]);
    expect(dueTimedFacts(f, end)).toEqual([{ kind: "windowEnded", at: end }]);
    expect(dueTimedFacts(f, t("2026-12-10T03:30:00Z"))).toEqual([{ kind: "windowEnded", at: end }]);
    expect(dueTimedFacts({ ...f, windowEndedAt: end }, t("2026-12-10T03:30:00Z"))).toEqual([]);
  });

  it("end the window at the instant it was closed early", () => {
    const closed = t("2026-12-10T02:12:00Z");
    expect(dueTimedFacts(decrypting({ allDecidedAt: closed, windowClosedEarlyAt: closed }), t("2026-12-10T02:12:01Z"))).toEqual([
      { kind: "windowEnded", at: closed },
    ]);
  });

  it("are held while suspended, and come due with their own instants after the resumption", () => {
    const f = decrypting({
      suspensions: [{ suspendedAt: t("2026-12-10T02:40:00Z"), resumedAt: t("2026-12-10T03:00:00Z"), reason: "投诉" }],
    });
    // The window ended at 02:35; the scheduler, late, finds the suspension first.
    expect(dueTimedFacts(f, t("2026-12-10T02:50:00Z"))).toEqual([]);
    expect(dueTimedFacts(f, t("2026-12-10T03:00:00Z"))).toEqual([{ kind: "windowEnded", at: t("2026-12-10T02:35:00Z") }]);
    const atDeadline = facts({
      suspensions: [{ suspendedAt: t("2026-12-10T01:50:00Z"), resumedAt: t("2026-12-10T02:30:00Z"), reason: "核查" }],
    });
    expect(dueTimedFacts(atDeadline, t("2026-12-10T02:10:00Z"))).toEqual([]);
    expect(dueTimedFacts(atDeadline, t("2026-12-10T02:30:00Z"))).toEqual([{ kind: "deadlinePassed", at: DEADLINE }]);
  });

  it("end the confirmation period", () => {
    const f = decrypting({ windowEndedAt: t("2026-12-10T02:35:00Z"), readingOutPublishedAt: t("2026-12-10T02:40:00Z") });
    expect(dueTimedFacts(f, t("2026-12-10T03:39:59.999Z"))).toEqual([]);
    expect(dueTimedFacts(f, t("2026-12-10T03:40:00Z"))).toEqual([{ kind: "confirmationEnded", at: t("2026-12-10T03:40:00Z") }]);
    expect(dueTimedFacts({ ...f, confirmationEndedAt: t("2026-12-10T03:40:00Z") }, t("2026-12-10T04:00:00Z"))).toEqual([]);
    expect(dueTimedFacts({ ...f, closedAt: t("2026-12-10T03:39:00Z") }, t("2026-12-10T04:00:00Z"))).toEqual([]);
  });

  it("tell the scheduler when to look next", () => {
    expect(nextTimedFactAt(facts(), t("2026-12-10T01:00:00Z"))).toEqual(DEADLINE);
    expect(nextTimedFactAt(decrypting(), t("2026-12-10T02:06:00Z"))).toEqual(t("2026-12-10T02:35:00Z"));
    const paused = decrypting({ pauses: [{ pausedAt: t("2026-12-10T02:10:00Z"), resumedAt: null, reason: "x" }] });
    expect(nextTimedFactAt(paused, t("2026-12-10T02:11:00Z"))).toBeNull();
    const published = decrypting({ windowEndedAt: t("2026-12-10T02:35:00Z"), readingOutPublishedAt: t("2026-12-10T02:40:00Z") });
    expect(nextTimedFactAt(published, t("2026-12-10T02:41:00Z"))).toEqual(t("2026-12-10T03:40:00Z"));
    expect(nextTimedFactAt(facts({ validBidsAtDeadline: 1 }), t("2026-12-10T02:01:00Z"))).toBeNull();
  });
});
