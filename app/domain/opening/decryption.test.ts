import { describe, expect, it } from "vitest";
import type { AppError } from "#app/domain/shared/app-error.ts";
import {
  allDecided,
  assertRemedyCounts,
  checkRemedyPackage,
  classifyDecryption,
  DECRYPTION_RULES,
  PACKAGE_CHECK_FAILURES,
  reclassifyDecryption,
  type DecidedOutcome,
  type DecryptionAttempt,
  type DecryptionInput,
  type PlatformIncident,
} from "./decryption.ts";
import { t } from "./test-facts.ts";

const OPENED = t("2026-12-10T02:05:00Z");
const END = t("2026-12-10T02:35:00Z");
const DURING = t("2026-12-10T02:20:00Z");
const AFTER = t("2026-12-10T02:40:00Z");

const key = (at: string, failure: DecryptionAttempt["failure"] = null): DecryptionAttempt => ({ at: t(at), via: "key", failure });
const remedy = (at: string, failure: DecryptionAttempt["failure"] = null): DecryptionAttempt => ({ at: t(at), via: "remedy", failure });
const incident = (id: string, from: string, to: string | null): PlatformIncident => ({
  id,
  startedAt: t(from),
  endedAt: to ? t(to) : null,
});

function input(overrides: Partial<DecryptionInput> = {}): DecryptionInput {
  return { attempts: [], incidents: [], window: { openedAt: OPENED, endsAt: END }, remedyAllowed: false, ...overrides };
}

const ruleOf = (i: DecryptionInput, now = AFTER) => {
  const o = classifyDecryption(i, now);
  return o.decided ? [o.result, o.rule] : ["undecided", o.lastFailure];
};

describe("classifying a bid's decryption", () => {
  it("decrypts with the first attempt that passed, whatever failed before or around it", () => {
    const i = input({
      attempts: [key("2026-12-10T02:06:00Z", "WRONG_KEY"), key("2026-12-10T02:09:00Z"), key("2026-12-10T02:30:00Z")],
      incidents: [incident("inc-1", "2026-12-10T02:00:00Z", "2026-12-10T02:08:00Z")],
    });
    expect(classifyDecryption(i, DURING)).toEqual({
      decided: true,
      result: "decrypted",
      rule: "DECRYPTED",
      at: t("2026-12-10T02:09:00Z"),
      incidentIds: [],
      reclassifications: [],
    });
  });

  it("counts an attempt from the window's first millisecond to the one before its end", () => {
    expect(ruleOf(input({ attempts: [key("2026-12-10T02:05:00.000Z")] }))).toEqual(["decrypted", "DECRYPTED"]);
    expect(ruleOf(input({ attempts: [key("2026-12-10T02:34:59.999Z")] }))).toEqual(["decrypted", "DECRYPTED"]);
    expect(ruleOf(input({ attempts: [key("2026-12-10T02:35:00.000Z")] }))).toEqual(["deemedRevoked", "NOT_DECRYPTED_IN_WINDOW"]);
    expect(ruleOf(input({ attempts: [key("2026-12-10T02:04:59.999Z")] }))).toEqual(["deemedRevoked", "NOT_DECRYPTED_IN_WINDOW"]);
  });

  it("leaves a failure undecided while the window runs: another member may try, or the remedy", () => {
    const i = input({ attempts: [key("2026-12-10T02:06:00Z", "WRONG_KEY"), key("2026-12-10T02:07:00Z", "BID_FORM_INVALID")] });
    expect(classifyDecryption(i, DURING)).toEqual({ decided: false, lastFailure: "BID_FORM_INVALID" });
    expect(classifyDecryption(input(), DURING)).toEqual({ decided: false, lastFailure: null });
    // While stopped (end unknown) likewise.
    expect(classifyDecryption({ ...i, window: { openedAt: OPENED, endsAt: null } }, AFTER)).toMatchObject({ decided: false });
    expect(ruleOf(i, t("2026-12-10T02:34:59.999Z"))).toEqual(["undecided", "BID_FORM_INVALID"]);
    expect(ruleOf(i, END)).toEqual(["deemedRevoked", "BID_FORM_INVALID"]);
  });

  it("deems a bid nobody decrypted revoked at the end of the window", () => {
    expect(classifyDecryption(input(), END)).toEqual({
      decided: true,
      result: "deemedRevoked",
      rule: "NOT_DECRYPTED_IN_WINDOW",
      at: END,
      incidentIds: [],
      reclassifications: [],
    });
  });

  it("records the bidder's failure that got furthest through the checks, in any order", () => {
    const attempts = [
      key("2026-12-10T02:06:00Z", "MANIFEST_SIGNATURE_INVALID"),
      key("2026-12-10T02:07:00Z", "WRONG_KEY"),
      key("2026-12-10T02:08:00Z", "PACKAGE_DIGEST_MISMATCH"),
    ];
    expect(ruleOf(input({ attempts }))).toEqual(["deemedRevoked", "MANIFEST_SIGNATURE_INVALID"]);
    expect(ruleOf(input({ attempts: [...attempts].reverse() }))).toEqual(["deemedRevoked", "MANIFEST_SIGNATURE_INVALID"]);
    expect(ruleOf(input({ attempts: [key("2026-12-10T02:06:00Z", "WRONG_KEY")] }))).toEqual(["deemedRevoked", "WRONG_KEY"]);
    expect(ruleOf(input({ attempts: [key("2026-12-10T02:06:00Z", "PACKAGE_DIGEST_MISMATCH")] }))).toEqual([
      "deemedRevoked",
      "PACKAGE_DIGEST_MISMATCH",
    ]);
  });

  it("deems a bid withdrawn when its stored envelope no longer matches the receipt — at once when no remedy can help", () => {
    const lost = [key("2026-12-10T02:10:00Z", "ENVELOPE_HASH_MISMATCH"), key("2026-12-10T02:11:00Z", "WRONG_KEY")];
    expect(classifyDecryption(input({ attempts: lost }), DURING)).toMatchObject({
      decided: true,
      result: "deemedWithdrawn",
      rule: "ENVELOPE_HASH_MISMATCH",
      at: t("2026-12-10T02:10:00Z"),
    });
    expect(ruleOf(input({ attempts: lost, remedyAllowed: true }), DURING)).toEqual(["undecided", "WRONG_KEY"]);
    expect(ruleOf(input({ attempts: lost, remedyAllowed: true }))).toEqual(["deemedWithdrawn", "ENVELOPE_HASH_MISMATCH"]);
  });

  it("deems a failed bid withdrawn when a platform incident overlaps the window, over the bidder's failures", () => {
    const during = [incident("inc-7", "2026-12-10T02:30:00Z", "2026-12-10T02:31:00Z")];
    expect(classifyDecryption(input({ attempts: [key("2026-12-10T02:06:00Z", "WRONG_KEY")], incidents: during }), END)).toMatchObject({
      result: "deemedWithdrawn",
      rule: "PLATFORM_INCIDENT",
      incidentIds: ["inc-7"],
    });
    expect(ruleOf(input({ incidents: during }))).toEqual(["deemedWithdrawn", "PLATFORM_INCIDENT"]);
    // Still ongoing, begun before the window.
    expect(ruleOf(input({ incidents: [incident("inc-8", "2026-12-10T01:00:00Z", null)] }))).toEqual([
      "deemedWithdrawn",
      "PLATFORM_INCIDENT",
    ]);
    // A lost envelope is the more specific cause.
    const lost = [key("2026-12-10T02:10:00Z", "ENVELOPE_HASH_MISMATCH")];
    expect(ruleOf(input({ attempts: lost, incidents: during, remedyAllowed: true }))).toEqual([
      "deemedWithdrawn",
      "ENVELOPE_HASH_MISMATCH",
    ]);
  });

  it("does not count an incident that ends as the window opens or begins as it ends", () => {
    const touching = [incident("a", "2026-12-10T01:00:00Z", "2026-12-10T02:05:00Z"), incident("b", "2026-12-10T02:35:00Z", null)];
    expect(ruleOf(input({ incidents: touching }))).toEqual(["deemedRevoked", "NOT_DECRYPTED_IN_WINDOW"]);
    const inside = [incident("c", "2026-12-10T01:00:00Z", "2026-12-10T02:05:00.001Z")];
    expect(ruleOf(input({ incidents: inside }))).toEqual(["deemedWithdrawn", "PLATFORM_INCIDENT"]);
  });

  it("accepts a remedy upload only where the section allows it", () => {
    const attempts = [key("2026-12-10T02:06:00Z", "WRONG_KEY"), remedy("2026-12-10T02:20:00Z")];
    expect(ruleOf(input({ attempts, remedyAllowed: true }))).toEqual(["decrypted", "REMEDY_ACCEPTED"]);
    expect(ruleOf(input({ attempts, remedyAllowed: false }))).toEqual(["deemedRevoked", "WRONG_KEY"]);
    // The remedied package is still checked: a bad signature is the bidder's.
    const bad = [remedy("2026-12-10T02:20:00Z", "MANIFEST_SIGNATURE_INVALID")];
    expect(ruleOf(input({ attempts: bad, remedyAllowed: true }))).toEqual(["deemedRevoked", "MANIFEST_SIGNATURE_INVALID"]);
  });

  it("says when every bid is decided", () => {
    const decided = classifyDecryption(input({ attempts: [key("2026-12-10T02:06:00Z")] }), DURING);
    const pending = classifyDecryption(input(), DURING);
    expect(allDecided([decided, decided])).toBe(true);
    expect(allDecided([decided, pending])).toBe(false);
  });

  it("maps every package check onto a bidder's failure", () => {
    for (const rule of Object.values(PACKAGE_CHECK_FAILURES)) expect(DECRYPTION_RULES[rule].result).toBe("deemedRevoked");
  });

  it("gives every rule its legal basis and words", () => {
    for (const [code, rule] of Object.entries(DECRYPTION_RULES)) {
      expect(rule.basis.zh, code).toMatch(/《电子招标投标办法》第三十[一]?条/);
      expect(rule.zh, code).not.toBe("");
      expect(rule.en, code).not.toBe("");
    }
    expect(DECRYPTION_RULES.PLATFORM_INCIDENT.result).toBe("deemedWithdrawn");
    expect(DECRYPTION_RULES.ENVELOPE_HASH_MISMATCH.result).toBe("deemedWithdrawn");
    expect(DECRYPTION_RULES.NOT_DECRYPTED_IN_WINDOW.basis.zh).toContain("《招标投标法实施条例》第三十五条");
  });
});

describe("reclassification by the agency", () => {
  const revoked = classifyDecryption(input({ attempts: [key("2026-12-10T02:06:00Z", "WRONG_KEY")] }), AFTER) as DecidedOutcome;

  it("flips deemed revoked and deemed withdrawn, keeping the rule and recording from → to with the reason", () => {
    const withdrawn = reclassifyDecryption(revoked, "deemedWithdrawn", "  经核实为CA服务中断所致 ", AFTER);
    expect(withdrawn).toMatchObject({ result: "deemedWithdrawn", rule: "WRONG_KEY" });
    expect(withdrawn.reclassifications).toEqual([
      { from: "deemedRevoked", to: "deemedWithdrawn", reason: "经核实为CA服务中断所致", at: AFTER },
    ]);
    const back = reclassifyDecryption(withdrawn, "deemedRevoked", "复核撤销前一改判", t("2026-12-10T03:00:00Z"));
    expect(back.result).toBe("deemedRevoked");
    expect(back.reclassifications.map((r) => `${r.from}→${r.to}`)).toEqual([
      "deemedRevoked→deemedWithdrawn",
      "deemedWithdrawn→deemedRevoked",
    ]);
  });

  it("needs a written reason", () => {
    expect(() => reclassifyDecryption(revoked, "deemedWithdrawn", "   ", AFTER)).toThrow(
      expect.objectContaining({ code: "OPENING_REASON_REQUIRED" }) as Error,
    );
  });

  it("refuses to touch a decrypted bid or to reclassify to the same result", () => {
    const decrypted = classifyDecryption(input({ attempts: [key("2026-12-10T02:06:00Z")] }), AFTER) as DecidedOutcome;
    const refused = expect.objectContaining({ code: "OPENING_RECLASSIFICATION_INVALID" }) as Error;
    expect(() => reclassifyDecryption(decrypted, "deemedWithdrawn", "理由", AFTER)).toThrow(refused);
    expect(() => reclassifyDecryption(revoked, "deemedRevoked", "理由", AFTER)).toThrow(refused);
    expect(() => reclassifyDecryption(revoked, "decrypted" as never, "理由", AFTER)).toThrow(refused);
  });
});

describe("the remedy package", () => {
  const digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  const base = { remedyAllowed: true, alreadyDecrypted: false, uploadedSha256: digest, receiptPackageDigest: digest };

  it("counts only if its SHA-256 equals the receipt's package digest", () => {
    expect(checkRemedyPackage(base)).toEqual({ counts: true });
    expect(checkRemedyPackage({ ...base, uploadedSha256: digest.toUpperCase() })).toEqual({ counts: true });
    const other = digest.replace(/.$/, "9");
    expect(checkRemedyPackage({ ...base, uploadedSha256: other })).toEqual({
      counts: false,
      problem: "digestMismatch",
      expected: digest,
      actual: other,
    });
    expect(checkRemedyPackage({ ...base, uploadedSha256: "", receiptPackageDigest: "" })).toMatchObject({
      counts: false,
      problem: "digestMismatch",
    });
  });

  it("does not count where the section sets no remedy, or once the bid is decrypted", () => {
    expect(checkRemedyPackage({ ...base, remedyAllowed: false })).toEqual({ counts: false, problem: "notAllowed" });
    expect(checkRemedyPackage({ ...base, alreadyDecrypted: true })).toEqual({ counts: false, problem: "alreadyDecrypted" });
  });

  it("becomes the AppError a service throws", () => {
    const errorOf = (i: typeof base): AppError => {
      try {
        assertRemedyCounts(i);
      } catch (e) {
        return e as AppError;
      }
      throw new Error("assertRemedyCounts did not throw");
    };
    expect(() => assertRemedyCounts(base)).not.toThrow();
    expect(errorOf({ ...base, uploadedSha256: "0".repeat(64) }).code).toBe("OPENING_REMEDY_DIGEST_MISMATCH");
    const notAllowed = errorOf({ ...base, remedyAllowed: false });
    expect(notAllowed.code).toBe("OPENING_REMEDY_NOT_ALLOWED");
    expect(notAllowed.messageIn("zh-CN")).toBe("不能上传明文投标文件：本标段招标文件未规定解密失败补救方案。");
    expect(errorOf({ ...base, alreadyDecrypted: true }).messageIn("en")).toBe(
      "A plaintext package cannot be uploaded: this bid is already decrypted.",
    );
  });
});
