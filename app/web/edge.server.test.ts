import { describe, expect, it } from "vitest";
import { addressIsMalformed, bodyCeiling, FORM_BODY_LIMIT, MULTIPART_BODY_LIMIT, requestLanguage } from "./edge.server.ts";
import { contentSecurityPolicy, securityHeaders } from "./security-headers.server.ts";

describe("the edge's pure parts", () => {
  it("finds a NUL or a malformed percent-encoding in the path or the query, and nothing else", () => {
    for (const bad of ["/a%00b", "/x?q=%00", "/x?%00=1", "/x?q=%E0%A4%A", "/%zz", "/x?a=1&b=%"])
      expect(addressIsMalformed(bad), bad).toBe(true);
    for (const fine of ["/", "/announcements?q=%2500", "/x?q=%E4%B8%AD%E6%96%87&region=350100", "/x?q=a+b", "/sections/abc/opening"])
      expect(addressIsMalformed(fine), fine).toBe(false);
  });

  it("gives forms and JSON 1 MiB, multipart files their ceiling, and the remedy its own", () => {
    expect(bodyCeiling("/login", "application/x-www-form-urlencoded")).toBe(FORM_BODY_LIMIT);
    expect(bodyCeiling("/api/auth/challenge", "application/json")).toBe(FORM_BODY_LIMIT);
    expect(bodyCeiling("/projects/x", "multipart/form-data; boundary=abc")).toBe(MULTIPART_BODY_LIMIT);
    expect(bodyCeiling("/api/sections/s/opening/remedy", "application/zip")).toBe(256 * 1024 * 1024);
  });

  it("answers in the language cookie's language, else Accept-Language's", () => {
    expect(requestLanguage({ headers: { cookie: "a=b; bh_lang=ImVuIg%3D%3D" } })).toBe("en");
    expect(requestLanguage({ headers: { cookie: "bh_lang=InpoLUNOIg%3D%3D", "accept-language": "en" } })).toBe("zh-CN");
    expect(requestLanguage({ headers: { "accept-language": "en-US,en" } })).toBe("en");
    expect(requestLanguage({ headers: { cookie: "bh_lang=%%%" } })).toBe("zh-CN");
  });

  it("builds a CSP with the nonce and no unsafe sources; production adds HSTS and upgrades insecure requests", () => {
    const embedded = securityHeaders({ nonce: "abc", production: false, dev: false });
    expect(embedded["Content-Security-Policy"]).toBe(
      "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
        "connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; media-src 'none'; object-src 'none'; frame-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(embedded["Strict-Transport-Security"]).toBeUndefined();
    const production = securityHeaders({ nonce: "abc", production: true, dev: false });
    expect(production["Strict-Transport-Security"]).toBe("max-age=31536000; includeSubDomains");
    expect(production["Content-Security-Policy"]).toMatch(/; upgrade-insecure-requests$/);
    // `npm run dev`: Vite's injected styles and its hot-reload socket.
    expect(contentSecurityPolicy({ nonce: "n", production: false, dev: true })).toContain("style-src 'self' 'unsafe-inline'");
    expect(contentSecurityPolicy({ nonce: "n", production: false, dev: true })).toContain("connect-src 'self' ws: wss:");
  });
});
