import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCsr, generateEnrolmentKey } from "#app/crypto/pki/enrolment.ts";
import { signChallenge } from "#app/crypto/pki/key-possession.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { logIn } from "#app/services/auth/log-in.server.ts";
import { issueCertificate } from "#app/services/certificates/issue-certificate.server.ts";
import { createChallenge } from "#app/services/certificates/key-possession.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import * as certificateLoginRoute from "#app/routes/api.auth.certificate-login.ts";
import * as loginRoute from "#app/routes/login.tsx";
import * as logoutRoute from "#app/routes/logout.tsx";
import * as languageRoute from "#app/routes/settings.language.tsx";
import { callRoute, csrfCookieValue, freshBrowser, withCookies } from "../helpers/routes.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

const PASSWORD = "correct horse battery";
const EMAIL = "routes@example.cn";

/** Redirect targets that must never leave the site (app/server/safe-redirect.server.ts has the full list). */
const BYPASSES = [
  "//evil.example",
  "/\\evil.example",
  "/\t/evil.example",
  "https:evil.example",
  "https://evil.example/dashboard",
  "%2F%2Fevil.example",
  "/%2F%2Fevil.example",
  "/%09/evil.example",
  "/%5Cevil.example",
  "javascript:alert(1)",
];

describe("the login, logout and language routes", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await createOrganisationWithMember(app.db, {
      organisation: { name: "路由测试建设有限公司", kinds: ["bidder"] },
      person: { name: "张三", email: EMAIL, password: PASSWORD },
      roles: ["admin", "bid"],
    });
  });
  afterAll(() => app.close());

  const logInThroughTheForm = async (redirectTo: string) => {
    const browser = await freshBrowser(app);
    const response = await callRoute(app, loginRoute.action as never, {
      url: "/login",
      browser,
      form: { email: EMAIL, password: PASSWORD, redirectTo },
    });
    return { browser, response };
  };

  it("rotates the CSRF token at login: the token from before no longer works, the new one does", async () => {
    const { browser: before, response } = await logInThroughTheForm("/bids");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/bids");
    const after = withCookies(before, response);
    const oldToken = await csrfCookieValue(app, before.cookie);
    const newToken = await csrfCookieValue(app, after.cookie);
    expect(oldToken).toBe(before.csrf);
    expect(newToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken).not.toBe(oldToken);
    expect((await getActor(app, new Request("http://x/", { headers: { cookie: after.cookie } })))?.email).toBe(EMAIL);

    // A form rendered before the login (or a token an attacker planted then) is refused now…
    const stale = await callRoute(app, logoutRoute.action as never, { url: "/logout", browser: after, csrf: oldToken!, form: {} });
    expect(stale.status).toBe(403);
    expect(await stale.json()).toMatchObject({ error: { code: "CSRF_TOKEN_INVALID" } });
    expect(await getActor(app, new Request("http://x/", { headers: { cookie: after.cookie } }))).not.toBeNull();
    // …and the new token works; logging out rotates it once more.
    const out = await callRoute(app, logoutRoute.action as never, { url: "/logout", browser: after, csrf: newToken!, form: {} });
    expect(out.status).toBe(302);
    const loggedOut = withCookies(after, out);
    expect(await csrfCookieValue(app, loggedOut.cookie)).not.toBe(newToken);
    expect(await getActor(app, new Request("http://x/", { headers: { cookie: after.cookie } }))).toBeNull();
  });

  it.each(BYPASSES)("sends a login with redirectTo=%j to the dashboard, not away", async (target) => {
    const { response } = await logInThroughTheForm(target);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/dashboard");
  });

  it("keeps no unsafe redirectTo in the login page it renders", async () => {
    for (const target of BYPASSES) {
      const page = await callRoute(app, loginRoute.loader as never, { url: `/login?redirectTo=${encodeURIComponent(target)}` });
      expect(((await page.json()) as { redirectTo: string | null }).redirectTo).toBeNull();
    }
    const good = await callRoute(app, loginRoute.loader as never, { url: `/login?redirectTo=${encodeURIComponent("/bids?x=1")}` });
    expect(((await good.json()) as { redirectTo: string | null }).redirectTo).toBe("/bids?x=1");
  });

  it.each(BYPASSES)("switches the language and stays on the site for redirectTo=%j", async (target) => {
    const browser = await freshBrowser(app);
    const response = await callRoute(app, languageRoute.action as never, {
      url: "/settings/language",
      browser,
      form: { lang: "en", redirectTo: target },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
  });

  it("answers a language switch with a bad language 400, not 500", async () => {
    const browser = await freshBrowser(app);
    const response = await callRoute(app, languageRoute.action as never, {
      url: "/settings/language",
      browser,
      form: { lang: "fr", redirectTo: "/" },
    });
    expect(response.status).toBe(400);
  });

  it("rotates the CSRF token at certificate login and refuses to send the browser away", async () => {
    await ensurePlatformPki(app);
    const { setCookie } = await logIn(app, { email: EMAIL, password: PASSWORD, meta: TEST_META });
    const actor = (await getActor(app, new Request("http://x/", { headers: { cookie: setCookie.split(";")[0]! } })))!;
    const keys = await generateEnrolmentKey(globalThis.crypto.subtle);
    const csr = await buildCsr(keys, globalThis.crypto.subtle, { commonName: "张三" });
    const issued = await issueCertificate(app, { actor, csrPem: csr, meta: TEST_META });
    for (const redirectTo of ["//evil.example", "/\\evil.example", "/bids"]) {
      const browser = await freshBrowser(app);
      const c = await createChallenge(app);
      const signature = await signChallenge(keys.privateKey, Buffer.from(c.challenge, "base64"), globalThis.crypto.subtle);
      const response = await callRoute(app, certificateLoginRoute.action as never, {
        url: "/api/auth/certificate-login",
        browser,
        json: { challengeId: c.id, serial: issued.serialHex, signature: Buffer.from(signature).toString("base64"), redirectTo },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ redirectTo: redirectTo === "/bids" ? "/bids" : "/dashboard" });
      const after = withCookies(browser, response);
      expect(await csrfCookieValue(app, after.cookie)).not.toBe(browser.csrf);
      expect((await getActor(app, new Request("http://x/", { headers: { cookie: after.cookie } })))?.email).toBe(EMAIL);
    }
  });
});
