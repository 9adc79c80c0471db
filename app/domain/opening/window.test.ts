import { describe, expect, it } from "vitest";
import { DEADLINE, decrypting, facts, MIN, plusMs, t } from "./test-facts.ts";
import {
  confirmationEndedBy,
  confirmationEndsAt,
  isWindowOpen,
  isWindowPaused,
  signInOpensAt,
  windowClock,
  windowEndedBy,
  windowEndsAt,
} from "./window.ts";

const OPENED = t("2026-12-10T02:05:00Z");
const pause = (from: string, to: string | null, reason = "网络波动") => ({ pausedAt: t(from), resumedAt: to ? t(to) : null, reason });
const suspension = (from: string, to: string | null, reason = "投诉处理") => ({
  suspendedAt: t(from),
  resumedAt: to ? t(to) : null,
  reason,
});

describe("the sign-in window", () => {
  it("opens the lead before the deadline", () => {
    expect(signInOpensAt(facts())).toEqual(t("2026-12-10T01:30:00Z"));
    expect(signInOpensAt(facts({ signInLeadMinutes: 0 }))).toEqual(DEADLINE);
  });
});

describe("the decryption window", () => {
  it("is not there before it is opened", () => {
    expect(windowClock(facts(), t("2026-12-10T02:06:00Z"))).toBeNull();
    expect(windowEndsAt(decrypting(), t("2026-12-10T02:04:59.999Z"))).toBeNull();
  });

  it("counts down from the window's length and ends exactly at opened + length", () => {
    const f = decrypting();
    expect(windowClock(f, OPENED)).toEqual({
      openedAt: OPENED,
      endsAt: t("2026-12-10T02:35:00Z"),
      remainingMs: 30 * MIN,
      ended: false,
      stoppedBy: null,
    });
    expect(windowClock(f, t("2026-12-10T02:15:00Z"))?.remainingMs).toBe(20 * MIN);
    expect(windowClock(f, t("2026-12-10T02:34:59.999Z"))?.remainingMs).toBe(1);
    expect(isWindowOpen(f, t("2026-12-10T02:34:59.999Z"))).toBe(true);
    expect(windowClock(f, t("2026-12-10T02:35:00Z"))).toMatchObject({ remainingMs: 0, ended: true });
    expect(isWindowOpen(f, t("2026-12-10T02:35:00Z"))).toBe(false);
    expect(windowEndedBy(f, t("2026-12-10T02:34:59.999Z"))).toBeNull();
    expect(windowEndedBy(f, t("2026-12-10T02:40:00Z"))).toEqual(t("2026-12-10T02:35:00Z"));
  });

  it("accumulates pauses and adds every extension", () => {
    const f = decrypting({
      pauses: [pause("2026-12-10T02:10:00Z", "2026-12-10T02:13:00Z"), pause("2026-12-10T02:20:00Z", "2026-12-10T02:22:30Z")],
      extensions: [
        { minutes: 10, reason: "投标人申请", at: t("2026-12-10T02:25:00Z") },
        { minutes: 5, reason: "再次延长", at: t("2026-12-10T02:26:00Z") },
      ],
    });
    // 02:35 + 3 + 2.5 paused + 15 extended = 02:55:30
    expect(windowEndsAt(f, t("2026-12-10T02:30:00Z"))).toEqual(t("2026-12-10T02:55:30Z"));
    expect(windowClock(f, t("2026-12-10T02:55:29.999Z"))).toMatchObject({ remainingMs: 1, ended: false });
    expect(windowEndedBy(f, t("2026-12-10T02:55:30Z"))).toEqual(t("2026-12-10T02:55:30Z"));
  });

  it("stands still during an open pause: no end known, the countdown frozen", () => {
    const f = decrypting({ pauses: [pause("2026-12-10T02:15:00Z", null)] });
    for (const now of ["2026-12-10T02:15:00Z", "2026-12-10T02:50:00Z", "2026-12-11T00:00:00Z"]) {
      expect(windowClock(f, t(now))).toEqual({ openedAt: OPENED, endsAt: null, remainingMs: 20 * MIN, ended: false, stoppedBy: "pause" });
    }
    expect(isWindowPaused(f, t("2026-12-10T02:50:00Z"))).toBe(true);
    expect(isWindowPaused(f, t("2026-12-10T02:14:59.999Z"))).toBe(false);
    // Resumed at 03:00, the twenty minutes run from there.
    const resumed = decrypting({ pauses: [pause("2026-12-10T02:15:00Z", "2026-12-10T03:00:00Z")] });
    expect(windowEndsAt(resumed, t("2026-12-10T03:00:00Z"))).toEqual(t("2026-12-10T03:20:00Z"));
    expect(windowClock(resumed, t("2026-12-10T03:00:00Z"))).toMatchObject({ remainingMs: 20 * MIN, stoppedBy: null });
    // Asked about an instant inside the pause, the later resumption is not known yet.
    expect(windowEndsAt(resumed, t("2026-12-10T02:59:59.999Z"))).toBeNull();
  });

  it("extends while paused", () => {
    const f = decrypting({
      pauses: [pause("2026-12-10T02:15:00Z", "2026-12-10T02:25:00Z")],
      extensions: [{ minutes: 15, reason: "故障补时", at: t("2026-12-10T02:20:00Z") }],
    });
    expect(windowEndsAt(f, t("2026-12-10T02:30:00Z"))).toEqual(t("2026-12-10T03:00:00Z"));
  });

  it("counts an extension granted 1 ms before the end, and not one at the end", () => {
    const end = t("2026-12-10T02:35:00Z");
    const inTime = decrypting({ extensions: [{ minutes: 5, reason: "延长", at: plusMs(end, -1) }] });
    expect(windowEndsAt(inTime, end)).toEqual(t("2026-12-10T02:40:00Z"));
    const late = decrypting({ extensions: [{ minutes: 5, reason: "延长", at: end }] });
    expect(windowEndsAt(late, end)).toEqual(end);
  });

  it("stops for a suspension as for a pause, without counting an overlap twice", () => {
    const f = decrypting({
      pauses: [pause("2026-12-10T02:10:00Z", "2026-12-10T02:20:00Z")],
      suspensions: [suspension("2026-12-10T02:15:00Z", "2026-12-10T02:25:00Z")],
    });
    // Stopped 02:10–02:25 (15 minutes), not 10 + 10.
    expect(windowEndsAt(f, t("2026-12-10T03:00:00Z"))).toEqual(t("2026-12-10T02:50:00Z"));
    expect(windowClock(f, t("2026-12-10T02:22:00Z"))).toMatchObject({ stoppedBy: "suspension", remainingMs: 25 * MIN, endsAt: null });
    expect(windowClock(f, t("2026-12-10T02:12:00Z"))).toMatchObject({ stoppedBy: "pause", remainingMs: 25 * MIN });
  });

  it("ignores a suspension lifted before the window opened, and one begun after it ended", () => {
    const before = decrypting({ suspensions: [suspension("2026-12-10T01:00:00Z", "2026-12-10T02:01:00Z")] });
    expect(windowEndsAt(before, t("2026-12-10T02:10:00Z"))).toEqual(t("2026-12-10T02:35:00Z"));
    const after = decrypting({ suspensions: [suspension("2026-12-10T02:35:00Z", "2026-12-10T03:00:00Z")] });
    expect(windowEndsAt(after, t("2026-12-10T03:10:00Z"))).toEqual(t("2026-12-10T02:35:00Z"));
    // A suspension still in force when the window opens counts from the opening.
    const across = decrypting({ suspensions: [suspension("2026-12-10T02:00:00Z", "2026-12-10T02:10:00Z")] });
    expect(windowEndsAt(across, t("2026-12-10T02:10:00Z"))).toEqual(t("2026-12-10T02:40:00Z"));
  });

  it("ends when closed early, or at the instant the scheduler recorded", () => {
    const early = decrypting({ windowClosedEarlyAt: t("2026-12-10T02:12:00Z") });
    expect(windowEndsAt(early, t("2026-12-10T02:12:00Z"))).toEqual(t("2026-12-10T02:12:00Z"));
    expect(windowClock(early, t("2026-12-10T02:12:00Z"))).toMatchObject({ ended: true, remainingMs: 0 });
    expect(windowClock(early, t("2026-12-10T02:11:59.999Z"))).toMatchObject({ ended: false, endsAt: t("2026-12-10T02:35:00Z") });
    const recorded = decrypting({ windowEndedAt: t("2026-12-10T02:35:00Z") });
    expect(windowEndedBy(recorded, t("2026-12-10T02:35:00Z"))).toEqual(t("2026-12-10T02:35:00Z"));
  });
});

describe("the confirmation period", () => {
  const published = decrypting({ windowEndedAt: t("2026-12-10T02:35:00Z"), readingOutPublishedAt: t("2026-12-10T02:40:00Z") });

  it("runs from the reading-out for its length, exactly", () => {
    expect(confirmationEndsAt(decrypting(), t("2026-12-10T03:00:00Z"))).toBeNull();
    expect(confirmationEndsAt(published, t("2026-12-10T02:40:00Z"))).toEqual(t("2026-12-10T03:40:00Z"));
    expect(confirmationEndedBy(published, t("2026-12-10T03:39:59.999Z"))).toBeNull();
    expect(confirmationEndedBy(published, t("2026-12-10T03:40:00Z"))).toEqual(t("2026-12-10T03:40:00Z"));
  });

  it("stands still while suspended, and not for the window's pauses", () => {
    const f = {
      ...published,
      pauses: [pause("2026-12-10T02:10:00Z", "2026-12-10T02:12:00Z")],
      windowEndedAt: t("2026-12-10T02:37:00Z"),
      suspensions: [suspension("2026-12-10T03:00:00Z", "2026-12-10T03:15:00Z")],
    };
    expect(confirmationEndsAt(f, t("2026-12-10T03:05:00Z"))).toBeNull();
    expect(confirmationEndsAt(f, t("2026-12-10T03:15:00Z"))).toEqual(t("2026-12-10T03:55:00Z"));
  });
});
