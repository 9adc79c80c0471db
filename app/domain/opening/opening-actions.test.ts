import { describe, expect, it } from "vitest";
import { AppError, type ErrorCode } from "#app/domain/shared/app-error.ts";
import {
  assertOpeningAction,
  OPENING_ACTION_PHASES,
  requireExtensionMinutes,
  requireReason,
  type OpeningAction,
} from "./opening-actions.ts";
import { OPENING_PHASES } from "./phase.ts";
import { DEADLINE, decrypting, facts, t } from "./test-facts.ts";

function codeOf(fn: () => unknown): ErrorCode | "no error" {
  try {
    fn();
    return "no error";
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

const pausedAt = (at: string) => [{ pausedAt: t(at), resumedAt: null, reason: "网络波动" }];

describe("the actions on an opening", () => {
  it("name only real phases", () => {
    for (const phases of Object.values(OPENING_ACTION_PHASES)) for (const p of phases) expect(OPENING_PHASES).toContain(p);
  });

  it("are refused in any other phase with OPENING_UNEXPECTED_PHASE", () => {
    const now = t("2026-12-10T02:10:00Z");
    const f = decrypting();
    for (const action of Object.keys(OPENING_ACTION_PHASES) as OpeningAction[]) {
      const allowed = (OPENING_ACTION_PHASES[action] as readonly string[]).includes("decrypting");
      const code = codeOf(() => assertOpeningAction(f, action, now));
      if (allowed) expect(code, action).not.toBe("OPENING_UNEXPECTED_PHASE");
      else expect(code, action).toBe("OPENING_UNEXPECTED_PHASE");
    }
  });

  it("publish the bidder list and open the window only after the count, and the window only after the list", () => {
    expect(codeOf(() => assertOpeningAction(facts(), "publishBidderList", DEADLINE))).toBe("OPENING_BIDS_NOT_COUNTED");
    expect(codeOf(() => assertOpeningAction(facts(), "openWindow", DEADLINE))).toBe("OPENING_BIDS_NOT_COUNTED");
    const counted = facts({ validBidsAtDeadline: 3 });
    expect(codeOf(() => assertOpeningAction(counted, "publishBidderList", DEADLINE))).toBe("no error");
    expect(codeOf(() => assertOpeningAction(counted, "openWindow", DEADLINE))).toBe("OPENING_BIDDER_LIST_NOT_PUBLISHED");
    const listed = { ...counted, bidderListPublishedAt: DEADLINE };
    expect(codeOf(() => assertOpeningAction(listed, "openWindow", DEADLINE))).toBe("no error");
    // Too few bids: the opening has failed, nothing opens.
    expect(codeOf(() => assertOpeningAction(facts({ validBidsAtDeadline: 2 }), "publishBidderList", DEADLINE))).toBe(
      "OPENING_UNEXPECTED_PHASE",
    );
  });

  it("pause a running window, resume a paused one", () => {
    const now = t("2026-12-10T02:20:00Z");
    expect(codeOf(() => assertOpeningAction(decrypting(), "pauseWindow", now))).toBe("no error");
    expect(codeOf(() => assertOpeningAction(decrypting(), "resumeWindow", now))).toBe("OPENING_WINDOW_NOT_PAUSED");
    const paused = decrypting({ pauses: pausedAt("2026-12-10T02:15:00Z") });
    expect(codeOf(() => assertOpeningAction(paused, "pauseWindow", now))).toBe("OPENING_WINDOW_PAUSED");
    expect(codeOf(() => assertOpeningAction(paused, "resumeWindow", now))).toBe("no error");
    expect(codeOf(() => assertOpeningAction(paused, "extendWindow", now))).toBe("no error");
  });

  it("close the window early only when every bid is decided, and not while paused", () => {
    const now = t("2026-12-10T02:20:00Z");
    expect(codeOf(() => assertOpeningAction(decrypting(), "closeWindowEarly", now))).toBe("OPENING_BIDS_UNDECIDED");
    // Decided later than now: not yet.
    expect(codeOf(() => assertOpeningAction(decrypting({ allDecidedAt: t("2026-12-10T02:20:00.001Z") }), "closeWindowEarly", now))).toBe(
      "OPENING_BIDS_UNDECIDED",
    );
    const decided = decrypting({ allDecidedAt: t("2026-12-10T02:18:00Z") });
    expect(codeOf(() => assertOpeningAction(decided, "closeWindowEarly", now))).toBe("no error");
    const paused = { ...decided, pauses: pausedAt("2026-12-10T02:19:00Z") };
    expect(codeOf(() => assertOpeningAction(paused, "closeWindowEarly", now))).toBe("OPENING_WINDOW_PAUSED");
  });

  it("close the opening only after the confirmation period, saying when it ends", () => {
    const f = decrypting({ windowEndedAt: t("2026-12-10T02:35:00Z"), readingOutPublishedAt: t("2026-12-10T02:40:00Z") });
    let error: AppError | undefined;
    try {
      assertOpeningAction(f, "close", t("2026-12-10T03:39:59.999Z"));
    } catch (e) {
      error = e as AppError;
    }
    expect(error?.code).toBe("OPENING_CONFIRMATION_PERIOD_RUNNING");
    expect(error?.messageIn("zh-CN")).toContain("2026/12/10 11:40:00");
    expect(codeOf(() => assertOpeningAction(f, "close", t("2026-12-10T03:40:00Z")))).toBe("no error");
  });

  it("resume only a suspended opening", () => {
    const f = decrypting({ suspensions: [{ suspendedAt: t("2026-12-10T02:20:00Z"), resumedAt: null, reason: "投诉" }] });
    expect(codeOf(() => assertOpeningAction(f, "resume", t("2026-12-10T02:30:00Z")))).toBe("no error");
    expect(codeOf(() => assertOpeningAction(f, "suspend", t("2026-12-10T02:30:00Z")))).toBe("OPENING_UNEXPECTED_PHASE");
    expect(codeOf(() => assertOpeningAction(f, "decrypt", t("2026-12-10T02:30:00Z")))).toBe("OPENING_UNEXPECTED_PHASE");
  });
});

describe("reasons and extensions", () => {
  it("need a written reason, trimmed", () => {
    expect(requireReason("pauseWindow", "  网络波动 ")).toBe("网络波动");
    for (const blank of ["", "   \n", null, undefined])
      expect(codeOf(() => requireReason("extendWindow", blank))).toBe("OPENING_REASON_REQUIRED");
    expect(() => requireReason("suspend", " ")).toThrow("Give a written reason for suspending the opening.");
  });

  it("extend by whole positive minutes", () => {
    expect(requireExtensionMinutes(1)).toBe(1);
    for (const bad of [0, -5, 1.5, Number.NaN, Infinity]) expect(codeOf(() => requireExtensionMinutes(bad))).toBe("VALIDATION_FAILED");
  });
});
