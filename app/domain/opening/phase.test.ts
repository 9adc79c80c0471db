import { describe, expect, it } from "vitest";
import { AppError } from "#app/domain/shared/app-error.ts";
import { assertOpeningPhase, OPENING_PHASE_LABELS, OPENING_PHASES, openingPhase, phaseUnderSuspension } from "./phase.ts";
import { DEADLINE, decrypting, facts, t } from "./test-facts.ts";

describe("an opening's phase", () => {
  it("runs scheduled → signing-in → awaiting-window on the millisecond of sign-in start and deadline", () => {
    const f = facts();
    expect(openingPhase(f, t("2026-12-10T01:29:59.999Z"))).toBe("scheduled");
    expect(openingPhase(f, t("2026-12-10T01:30:00.000Z"))).toBe("signing-in");
    expect(openingPhase(f, t("2026-12-10T01:59:59.999Z"))).toBe("signing-in");
    expect(openingPhase(f, DEADLINE)).toBe("awaiting-window");
  });

  it("fails automatically with minimumBids − 1 valid bids at the deadline, and goes on with minimumBids", () => {
    expect(openingPhase(facts({ validBidsAtDeadline: 2 }), DEADLINE)).toBe("failed");
    expect(openingPhase(facts({ validBidsAtDeadline: 0 }), DEADLINE)).toBe("failed");
    expect(openingPhase(facts({ validBidsAtDeadline: 3 }), DEADLINE)).toBe("awaiting-window");
    expect(openingPhase(facts({ validBidsAtDeadline: 2, minimumBids: 2 }), DEADLINE)).toBe("awaiting-window");
    // A count is about the deadline: asked about an earlier instant, it is not known yet.
    expect(openingPhase(facts({ validBidsAtDeadline: 2 }), t("2026-12-10T01:59:59.999Z"))).toBe("signing-in");
  });

  it("decrypts from the window's opening to its end, exactly", () => {
    const f = decrypting();
    expect(openingPhase(f, t("2026-12-10T02:04:59.999Z"))).toBe("awaiting-window");
    expect(openingPhase(f, t("2026-12-10T02:05:00.000Z"))).toBe("decrypting");
    expect(openingPhase(f, t("2026-12-10T02:34:59.999Z"))).toBe("decrypting");
    expect(openingPhase(f, t("2026-12-10T02:35:00.000Z"))).toBe("reading-out");
  });

  it("moves the window's end by pauses and extensions", () => {
    const f = decrypting({
      pauses: [{ pausedAt: t("2026-12-10T02:10:00Z"), resumedAt: t("2026-12-10T02:17:00Z"), reason: "网络波动" }],
      extensions: [{ minutes: 10, reason: "投标人申请", at: t("2026-12-10T02:30:00Z") }],
    });
    // 02:35 + 7 minutes paused + 10 minutes extended = 02:52
    expect(openingPhase(f, t("2026-12-10T02:51:59.999Z"))).toBe("decrypting");
    expect(openingPhase(f, t("2026-12-10T02:52:00.000Z"))).toBe("reading-out");
  });

  it("stays decrypting while paused, however long", () => {
    const f = decrypting({ pauses: [{ pausedAt: t("2026-12-10T02:10:00Z"), resumedAt: null, reason: "存储故障" }] });
    expect(openingPhase(f, t("2026-12-10T05:00:00Z"))).toBe("decrypting");
  });

  it("ends the window when the agency closes it early, not merely when every bid is decided", () => {
    const decided = decrypting({ allDecidedAt: t("2026-12-10T02:12:00Z") });
    expect(openingPhase(decided, t("2026-12-10T02:20:00Z"))).toBe("decrypting");
    const closed = decrypting({ allDecidedAt: t("2026-12-10T02:12:00Z"), windowClosedEarlyAt: t("2026-12-10T02:15:00Z") });
    expect(openingPhase(closed, t("2026-12-10T02:14:59.999Z"))).toBe("decrypting");
    expect(openingPhase(closed, t("2026-12-10T02:15:00.000Z"))).toBe("reading-out");
  });

  it("confirms from the reading-out until the agency closes, also after the confirmation period", () => {
    const f = decrypting({ windowEndedAt: t("2026-12-10T02:35:00Z"), readingOutPublishedAt: t("2026-12-10T02:40:00Z") });
    expect(openingPhase(f, t("2026-12-10T02:39:59.999Z"))).toBe("reading-out");
    expect(openingPhase(f, t("2026-12-10T02:40:00.000Z"))).toBe("confirming");
    const ended = { ...f, confirmationEndedAt: t("2026-12-10T03:40:00Z") };
    expect(openingPhase(ended, t("2026-12-10T03:45:00Z"))).toBe("confirming");
    const closed = { ...ended, closedAt: t("2026-12-10T03:50:00Z") };
    expect(openingPhase(closed, t("2026-12-10T03:49:59.999Z"))).toBe("confirming");
    expect(openingPhase(closed, t("2026-12-10T03:50:00.000Z"))).toBe("closed");
  });

  it("fails when the agency declares it after decryption", () => {
    const f = decrypting({
      readingOutPublishedAt: t("2026-12-10T02:40:00Z"),
      failedAt: t("2026-12-10T02:45:00Z"),
      failReason: { kind: "declared", reason: "有效投标不足三家" },
    });
    expect(openingPhase(f, t("2026-12-10T02:44:59.999Z"))).toBe("confirming");
    expect(openingPhase(f, t("2026-12-10T02:45:00.000Z"))).toBe("failed");
  });
});

describe("a suspension", () => {
  const suspendedDuringWindow = decrypting({
    suspensions: [{ suspendedAt: t("2026-12-10T02:20:00Z"), resumedAt: t("2026-12-10T03:20:00Z"), reason: "投诉处理" }],
  });

  it("shows suspended, and resumes to the phase underneath with the window's clock stood still", () => {
    expect(openingPhase(suspendedDuringWindow, t("2026-12-10T02:19:59.999Z"))).toBe("decrypting");
    expect(openingPhase(suspendedDuringWindow, t("2026-12-10T02:20:00.000Z"))).toBe("suspended");
    expect(phaseUnderSuspension(suspendedDuringWindow, t("2026-12-10T02:50:00Z"))).toBe("decrypting");
    expect(openingPhase(suspendedDuringWindow, t("2026-12-10T03:20:00.000Z"))).toBe("decrypting");
    // 15 minutes were left at 02:20; the hour suspended does not count: 03:35.
    expect(openingPhase(suspendedDuringWindow, t("2026-12-10T03:34:59.999Z"))).toBe("decrypting");
    expect(openingPhase(suspendedDuringWindow, t("2026-12-10T03:35:00.000Z"))).toBe("reading-out");
  });

  it("stays suspended until resumed", () => {
    const open = decrypting({ suspensions: [{ suspendedAt: t("2026-12-10T02:20:00Z"), resumedAt: null, reason: "投诉处理" }] });
    expect(openingPhase(open, t("2026-12-11T02:20:00Z"))).toBe("suspended");
    expect(phaseUnderSuspension(open, t("2026-12-11T02:20:00Z"))).toBe("decrypting");
  });

  it("does not move the sign-in start or the deadline", () => {
    const f = facts({ suspensions: [{ suspendedAt: t("2026-12-10T01:00:00Z"), resumedAt: t("2026-12-10T01:45:00Z"), reason: "核查" }] });
    expect(openingPhase(f, t("2026-12-10T01:44:59.999Z"))).toBe("suspended");
    expect(phaseUnderSuspension(f, t("2026-12-10T01:44:59.999Z"))).toBe("signing-in");
    expect(openingPhase(f, t("2026-12-10T01:45:00.000Z"))).toBe("signing-in");
  });

  it("lies under the final phases: a closed or failed opening stays so", () => {
    const suspension = [{ suspendedAt: t("2026-12-10T02:01:00Z"), resumedAt: null, reason: "x" }];
    expect(openingPhase(facts({ validBidsAtDeadline: 1, suspensions: suspension }), t("2026-12-10T02:30:00Z"))).toBe("failed");
    expect(openingPhase(facts({ closedAt: t("2026-12-10T02:00:30Z"), suspensions: suspension }), t("2026-12-10T02:30:00Z"))).toBe("closed");
  });
});

describe("the phase guard", () => {
  it("returns the current phase when allowed", () => {
    expect(assertOpeningPhase(decrypting(), ["decrypting", "reading-out"], t("2026-12-10T02:06:00Z"))).toBe("decrypting");
  });

  it("throws OPENING_UNEXPECTED_PHASE naming the current and expected phases, in words", () => {
    let error: unknown;
    try {
      assertOpeningPhase(facts({ validBidsAtDeadline: 3 }), ["decrypting", "reading-out"], DEADLINE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe("OPENING_UNEXPECTED_PHASE");
    expect(e.status).toBe(409);
    expect(e.params).toMatchObject({ current: "awaiting-window", expected: ["decrypting", "reading-out"] });
    expect(e.messageIn("zh-CN")).toBe("开标当前处于“投标截止，等待开启解密”阶段，此操作只能在“解密中”或“解密结束，待唱标”阶段进行。");
    expect(e.messageIn("en")).toBe(
      "The opening is at the stage “past the deadline, waiting for the decryption window to open”; this can only be done at the stage “decrypting” or “decryption over, waiting for the reading-out”.",
    );
  });

  it("has words for every phase", () => {
    for (const p of OPENING_PHASES) {
      expect(OPENING_PHASE_LABELS[p].zh).not.toBe("");
      expect(OPENING_PHASE_LABELS[p].en).not.toBe("");
    }
    expect(OPENING_PHASES).toEqual([
      "scheduled",
      "signing-in",
      "awaiting-window",
      "decrypting",
      "reading-out",
      "confirming",
      "closed",
      "failed",
      "suspended",
    ]);
  });
});
