import { describe, expect, it } from "vitest";
import { safeRedirect, sameOriginPath } from "./safe-redirect.server.ts";

describe("redirect targets", () => {
  it.each([
    "/dashboard",
    "/sections/0f6c1f0e-7d7a-4a57-9d55-0d4b7a8f6c11/bid",
    "/announcements?region=350100&q=福州",
    "/login?redirectTo=%2Fbids",
    "/login?redirectTo=%2F%2Fevil.example", // the query may carry anything harmless; it is the next hop's job
    "/announcements#section-2",
    "/",
  ])("follows the same-origin path %j", (target) => {
    expect(sameOriginPath(target)).toBe(target);
  });

  it.each([
    ["a protocol-relative URL", "//evil.example"],
    ["a protocol-relative URL with a path", "//evil.example/dashboard"],
    ["a backslash after the slash", "/\\evil.example"],
    ["a backslash first", "\\\\evil.example"],
    ["a backslash anywhere", "/dashboard\\..\\..\\evil"],
    ["a real tab between slashes", "/\t/evil.example"],
    ["a real newline between slashes", "/\n/evil.example"],
    ["a carriage return", "/\r/evil.example"],
    ["a NUL byte", "/dashboard\u0000"],
    ["a C1 control", "/\u0085/evil.example"],
    ["a line separator", "/\u2028/evil.example"],
    ["a scheme without slashes", "https:evil.example"],
    ["a scheme", "https://evil.example"],
    ["javascript:", "javascript:alert(1)"],
    ["a data: URL", "data:text/html,<script>alert(1)</script>"],
    ["an encoded double slash", "%2F%2Fevil.example"],
    ["an encoded slash after the first", "/%2Fevil.example"],
    ["an encoded backslash", "/%5Cevil.example"],
    ["an encoded tab", "/%09/evil.example"],
    ["an encoded newline", "/%0a/evil.example"],
    ["a double-encoded double slash", "/%252Fevil.example"],
    ["a double-encoded tab", "/%2509/evil.example"],
    ["a stray percent sign", "/dashboard%"],
    ["a relative path", "dashboard"],
    ["a dot path", "./evil"],
    ["a host-like path", "evil.example/dashboard"],
    ["a double slash inside the path", "/dashboard//evil.example"],
    ["nothing", ""],
    ["something too long", `/${"a".repeat(3000)}`],
  ])("refuses %s", (_what, target) => {
    expect(sameOriginPath(target)).toBeUndefined();
    expect(safeRedirect(target)).toBe("/dashboard");
    expect(safeRedirect(target, "/")).toBe("/");
  });

  it("refuses what is not a string", () => {
    for (const target of [undefined, null, 42, ["/dashboard"], { toString: () => "/dashboard" }])
      expect(sameOriginPath(target)).toBeUndefined();
  });

  it("never hands back a target that a URL parser resolves to another origin", () => {
    // A small fuzz over the characters that matter: whatever is accepted stays on our origin.
    const pieces = ["/", "\\", "%2F", "%5C", "%09", "\t", "evil.example", ":", "@", ".", "%", "%25", "?", "#", "a"];
    let accepted = 0;
    const visit = (prefix: string, depth: number) => {
      if (depth === 0) {
        const ok = sameOriginPath(prefix);
        if (ok !== undefined) {
          accepted++;
          expect(new URL(ok, "https://bidhall.example").origin).toBe("https://bidhall.example");
          expect(new URL(decodeURIComponent(ok), "https://bidhall.example").origin).toBe("https://bidhall.example");
        }
        return;
      }
      for (const p of pieces) visit(prefix + p, depth - 1);
    };
    visit("", 4);
    expect(accepted).toBeGreaterThan(0);
  });
});
