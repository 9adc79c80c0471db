import { describe, expect, it } from "vitest";
import { validateProjectCode, sectionCode } from "./codes.ts";
import { assertSectionPhase, phaseUnderSuspension, sectionPhase, UnexpectedPhaseError, type SectionFacts } from "./section-phase.ts";

const t = (iso: string) => new Date(iso);
const base: SectionFacts = {
  publishedAt: t("2026-11-01T02:00:00Z"),
  deadlineAt: t("2026-11-30T01:30:00Z"),
  cancelledAt: null,
  failedAt: null,
  suspendedAt: null,
};

describe("a section's phase", () => {
  it("is derived from its facts and now, with the deadline as the opening time", () => {
    expect(sectionPhase({ ...base, publishedAt: null }, t("2026-11-20T00:00:00Z"))).toBe("draft");
    expect(sectionPhase(base, t("2026-10-31T00:00:00Z"))).toBe("draft");
    expect(sectionPhase(base, t("2026-11-30T01:29:59.999Z"))).toBe("published");
    expect(sectionPhase(base, t("2026-11-30T01:30:00Z"))).toBe("opening");
  });

  it("puts cancellation and suspension above everything, and resumes to the phase underneath", () => {
    const suspended = { ...base, suspendedAt: t("2026-11-10T00:00:00Z") };
    expect(sectionPhase(suspended, t("2026-11-11T00:00:00Z"))).toBe("suspended");
    expect(phaseUnderSuspension(suspended, t("2026-11-11T00:00:00Z"))).toBe("published");
    expect(sectionPhase({ ...suspended, cancelledAt: t("2026-11-12T00:00:00Z") }, t("2026-11-12T00:00:00Z"))).toBe("cancelled");
  });

  it("guards actions naming the current and allowed phases", () => {
    expect(() => assertSectionPhase(base, ["published"], t("2026-12-01T00:00:00Z"))).toThrow(
      new UnexpectedPhaseError("opening", ["published"]),
    );
    expect(assertSectionPhase(base, ["published"], t("2026-11-02T00:00:00Z"))).toBe("published");
  });
});

describe("codes", () => {
  it("checks project codes and numbers sections", () => {
    expect(validateProjectCode("e3504219400202018001")).toEqual({ ok: true, value: "E3504219400202018001" });
    expect(validateProjectCode("E3501002026110001", "350200")).toEqual({
      ok: false,
      problem: { kind: "region", expected: "350200", actual: "350100" },
    });
    expect(validateProjectCode("X350100")).toEqual({ ok: false, problem: { kind: "format" } });
    expect(sectionCode("E3501002026110001", 2)).toBe("E3501002026110001002");
    expect(() => sectionCode("E3501002026110001", 1000)).toThrow(RangeError);
  });
});
