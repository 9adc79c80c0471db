import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "#app/server/session.server.ts";
import type { OrganisationKind } from "#db/schema.ts";
import * as mailboxRoute from "#app/routes/dev.mailbox.tsx";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { callRoute, freshBrowser, type Browser } from "../helpers/routes.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/** The development mailbox holds every mail (invitation codes too): the operator's alone, and never in production. */
describe("the development mailbox", () => {
  let app: TestApp;
  const browsers = {} as Record<"operator" | "operatorViewer" | "bidder" | "regulator" | "agency" | "anonymous", Browser>;

  const loggedIn = async (kinds: OrganisationKind[], roles: ("admin" | "operate" | "bid" | "view")[], email: string): Promise<Browser> => {
    const { organisation, person } = await createOrganisationWithMember(app.db, {
      organisation: { name: `单位 ${email}`, kinds },
      person: { name: "某人", email },
      roles,
    });
    const setCookie = await app.db.transaction().execute((trx) =>
      createSession(app, trx, {
        personId: person.id,
        organisationId: organisation.id,
        ip: "203.0.113.1",
        userAgent: "t",
        now: app.clock.now(),
      }),
    );
    const browser = await freshBrowser(app);
    return { ...browser, cookie: `${browser.cookie}; ${setCookie.split(";")[0]!}` };
  };

  beforeAll(async () => {
    app = await createTestApp();
    await app.db
      .insertInto("mailbox")
      .values({
        outbox_key: "t:1",
        to_address: "someone@example.cn",
        subject: "邀请码 123456",
        body: "验证码 123456",
        sent_at: app.clock.now(),
      })
      .execute();
    browsers.operator = await loggedIn(["operator"], ["admin", "operate"], "op@example.cn");
    browsers.operatorViewer = await loggedIn(["operator"], ["view"], "op-view@example.cn");
    browsers.bidder = await loggedIn(["bidder"], ["admin", "bid"], "bidder@example.cn");
    browsers.regulator = await loggedIn(["regulator"], ["admin", "operate"], "regulator@example.cn");
    browsers.agency = await loggedIn(["agency"], ["admin", "operate"], "agency@example.cn");
    browsers.anonymous = await freshBrowser(app);
  });
  afterAll(() => app.close());

  const open = (browser: Browser, inApp: TestApp = app) => callRoute(inApp, mailboxRoute.loader as never, { url: "/dev/mailbox", browser });

  it("is readable by the operator", async () => {
    const response = await open(browsers.operator);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { mails: { subject: string }[] };
    expect(body.mails.map((m) => m.subject)).toEqual(["邀请码 123456"]);
  });

  it("refuses every other role, and the operator's own read-only members, showing nothing", async () => {
    for (const who of ["operatorViewer", "bidder", "regulator", "agency"] as const) {
      const response = await open(browsers[who]);
      expect(response.status, who).toBe(403);
      expect(await response.text(), who).not.toContain("123456");
    }
  });

  it("sends an anonymous visitor to the login page", async () => {
    const response = await open(browsers.anonymous);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/dev/mailbox")}`);
  });

  it("does not exist in production mode, for anyone, nor with SMTP configured", async () => {
    const production: TestApp = { ...app, config: { ...app.config, mode: "production" } };
    const withSmtp: TestApp = { ...app, config: { ...app.config, smtpUrl: "smtp://mail.example.cn" } };
    for (const inApp of [production, withSmtp])
      for (const who of Object.keys(browsers) as (keyof typeof browsers)[]) {
        const response = await open(browsers[who], inApp);
        expect(response.status, who).toBe(404);
        expect(await response.text(), who).not.toContain("123456");
      }
  });
});
