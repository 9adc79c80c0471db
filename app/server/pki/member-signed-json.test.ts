import { describe, expect, it } from "vitest";
import { describeMemberSignatureProblem } from "./member-signed-json.server.ts";

const SIGNATURE_CODES = ["NOT_JWS", "UNKNOWN_TYPE", "BAD_HEADER", "BAD_SIGNATURE", "BAD_PAYLOAD", "SOMETHING_NEW"];
const CHAIN_REASONS = [
  "EXPIRED",
  "NOT_YET_VALID",
  "UNTRUSTED",
  "REVOKED",
  "BAD_SIGNATURE",
  "NOT_A_CA",
  "KEY_USAGE",
  "REVOCATION_UNKNOWN",
  "MALFORMED",
];

describe("describeMemberSignatureProblem", () => {
  it.each([
    ...SIGNATURE_CODES.map((code) => ({ kind: "signature" as const, code })),
    ...CHAIN_REASONS.map((reason) => ({ kind: "certificate" as const, reason })),
  ])("words %o without its code: Chinese in Chinese, English in English", (problem) => {
    const { zh, en } = describeMemberSignatureProblem(problem);
    const code = problem.kind === "signature" ? problem.code : problem.reason;
    expect(zh).not.toMatch(/[A-Za-z]/);
    expect(zh).not.toMatch(/[（(]/);
    expect(en).not.toContain(code);
    expect(en).toMatch(/^[a-z][a-z ;',]+[a-z]$/);
  });

  it("names the usual cases", () => {
    expect(describeMemberSignatureProblem({ kind: "certificate", reason: "REVOKED" }).zh).toBe("证书已被吊销");
    expect(describeMemberSignatureProblem({ kind: "certificate", reason: "EXPIRED" }).en).toBe("the certificate has expired");
    expect(describeMemberSignatureProblem({ kind: "signature", code: "BAD_SIGNATURE" }).zh).toBe("签名与证书不符，可能已被改动");
  });
});
