import { describe, expect, it } from "vitest";
import { isAppError, type ErrorCode } from "#app/domain/shared/app-error.ts";
import { assertFailureGround, failureGroundsAllowed, failureGroundsFor } from "./failure-grounds.ts";
import { assertObjectionsAnswered, objectionWords } from "./objections.ts";

/** Decision 39: a declared failure names a legal ground from the list of the section's type, with its source. */
function codeOf(fn: () => unknown): ErrorCode | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
}

const base = { readingOutPublished: true, decryptedBids: 2, minimumBids: 3 };

describe("the grounds for a declared failure", () => {
  it("lists GP法 36 for government procurement, and 法 28 / 条例 44 / 条例 81 for engineering, with no GP-only ground", () => {
    const gp = failureGroundsFor("government");
    expect(gp.map((g) => g.id)).toEqual(["tooFewOpened", "illegality", "overBudget", "cancelled"]);
    for (const g of gp) expect(g.source.zh).not.toContain("招标投标法");
    expect(gp.find((g) => g.id === "overBudget")!.source.zh).toBe("政府采购法第三十六条第一款第（三）项");
    const eng = failureGroundsFor("engineering");
    expect(eng.map((g) => g.id)).toEqual(["tooFewOpened", "illegality"]);
    expect(eng[0]!.source.zh).toContain("招标投标法第二十八条");
    expect(eng[1]!.source.zh).toBe("招标投标法实施条例第八十一条");
  });

  it("before the reading-out offers only the grounds that need no reading-out", () => {
    expect(failureGroundsAllowed("government", false).map((g) => g.id)).toEqual(["tooFewOpened", "illegality", "cancelled"]);
    expect(failureGroundsAllowed("government", true).map((g) => g.id)).toContain("overBudget");
    expect(codeOf(() => assertFailureGround({ ...base, ground: "overBudget", type: "government", readingOutPublished: false }))).toBe(
      "OPENING_FAILURE_GROUND_NEEDS_READING_OUT",
    );
    expect(assertFailureGround({ ...base, ground: "overBudget", type: "government" }).id).toBe("overBudget");
    expect(assertFailureGround({ ...base, ground: "illegality", type: "engineering", readingOutPublished: false }).id).toBe("illegality");
  });

  it("refuses a ground that is not on the list of the type, naming the list with its sources", () => {
    expect(codeOf(() => assertFailureGround({ ...base, ground: "overBudget", type: "engineering" }))).toBe(
      "OPENING_FAILURE_GROUND_UNKNOWN",
    );
    expect(codeOf(() => assertFailureGround({ ...base, ground: "", type: "government" }))).toBe("OPENING_FAILURE_GROUND_UNKNOWN");
    try {
      assertFailureGround({ ...base, ground: "because", type: "engineering" });
    } catch (e) {
      expect(isAppError(e) && e.messageIn("zh-CN")).toContain("招标投标法实施条例第八十一条");
    }
  });

  it("fewer than three opened holds at 2 of 3 decrypted, not at 3, and not while a bid is undecided", () => {
    for (const type of ["engineering", "government"] as const) {
      expect(assertFailureGround({ ...base, ground: "tooFewOpened", type, decryptedBids: 2 }).id).toBe("tooFewOpened");
      expect(codeOf(() => assertFailureGround({ ...base, ground: "tooFewOpened", type, decryptedBids: 3 }))).toBe(
        "OPENING_FAILURE_GROUND_NOT_MET",
      );
      expect(codeOf(() => assertFailureGround({ ...base, ground: "tooFewOpened", type, decryptedBids: null }))).toBe(
        "OPENING_FAILURE_GROUND_NOT_MET",
      );
    }
  });
});

describe("objections at the opening", () => {
  const at = new Date("2026-12-21T03:00:00.000Z");
  it("refuses to close with one unanswered, citing 条例 44 (engineering) or 87号令 42 with 询问 (GP)", () => {
    expect(() => assertObjectionsAnswered([{ answeredAt: at }], "engineering")).not.toThrow();
    expect(() => assertObjectionsAnswered([], "government")).not.toThrow();
    for (const [type, source, word] of [
      ["engineering", "招标投标法实施条例第四十四条", "异议"],
      ["government", "87号令第四十二条", "询问"],
    ] as const) {
      try {
        assertObjectionsAnswered([{ answeredAt: at }, { answeredAt: null }], type);
        expect.unreachable();
      } catch (e) {
        expect(isAppError(e) && e.code).toBe("OPENING_OBJECTIONS_UNANSWERED");
        const zh = isAppError(e) ? e.messageIn("zh-CN") : "";
        expect(zh).toContain(source);
        expect(zh).toContain(word);
        expect(zh).toContain("1 项");
        expect(zh).not.toContain("质疑");
      }
    }
  });

  it("names GP's doubts 询问 / 回避申请, never 质疑 or 异议", () => {
    const gp = objectionWords("government");
    expect(JSON.stringify(gp)).not.toMatch(/质疑|异议/);
    expect(gp.one.zh).toBe("询问或回避申请");
    expect(objectionWords("engineering").one.zh).toBe("异议");
  });
});
