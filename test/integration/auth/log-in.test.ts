import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn } from "#app/services/auth/log-in.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

const PASSWORD = "correct horse battery";

describe("password login", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  const person = async (email: string) =>
    createOrganisationWithMember(app.db, {
      organisation: { name: `单位 ${email}`, kinds: ["bidder"] },
      person: { name: "张三", email, password: PASSWORD },
      roles: ["admin", "bid"],
    });

  const cookieHeader = (setCookie: string) => setCookie.split(";")[0]!;

  it("starts a session that identifies the person, the organisation and its permissions", async () => {
    const { organisation } = await person("ok@example.cn");
    const { setCookie } = await logIn(app, { email: "OK@example.cn", password: PASSWORD, meta: TEST_META });
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const actor = await getActor(app, new Request("http://x/", { headers: { cookie: cookieHeader(setCookie) } }));
    expect(actor?.membership.organisationId).toBe(organisation.id);
    expect(actor?.permissions.has("submit:bid:own")).toBe(true);
    expect(actor?.permissions.has("publish:section:own")).toBe(false);
  });

  it("gives the same answer for a wrong password and an unknown account", async () => {
    await person("wrong@example.cn");
    await expect(logIn(app, { email: "wrong@example.cn", password: "nope", meta: TEST_META })).rejects.toMatchObject({
      code: "LOGIN_FAILED",
      status: 401,
    });
    await expect(logIn(app, { email: "nobody@example.cn", password: "nope", meta: TEST_META })).rejects.toMatchObject({
      code: "LOGIN_FAILED",
      status: 401,
    });
  });

  it("locks an account after five failures, even for the right password, until the lock ends", async () => {
    await person("throttled@example.cn");
    const meta = { ip: "198.51.100.1", userAgent: "t" };
    for (let i = 0; i < 5; i++)
      await expect(logIn(app, { email: "throttled@example.cn", password: "bad", meta })).rejects.toMatchObject({ code: "LOGIN_FAILED" });
    const locked = await logIn(app, {
      email: "throttled@example.cn",
      password: PASSWORD,
      meta: { ip: "198.51.100.2", userAgent: "t" },
    }).catch((e: unknown) => e);
    expect(locked).toMatchObject({ code: "LOGIN_THROTTLED", status: 429, params: { reason: "account" } });
    // Another account from the same address is not affected by the account lock.
    await person("neighbour@example.cn");
    await expect(logIn(app, { email: "neighbour@example.cn", password: PASSWORD, meta })).resolves.toBeDefined();

    await app.clock.advance(15 * 60);
    await expect(logIn(app, { email: "throttled@example.cn", password: PASSWORD, meta })).resolves.toBeDefined();
  });

  it("locks an address after twenty failures across accounts", async () => {
    await person("victim@example.cn");
    const meta = { ip: "198.51.100.99", userAgent: "sprayer" };
    for (let i = 0; i < 20; i++) await logIn(app, { email: `guess${i}@example.cn`, password: "bad", meta }).catch(() => undefined);
    await expect(logIn(app, { email: "victim@example.cn", password: PASSWORD, meta })).rejects.toMatchObject({
      code: "LOGIN_THROTTLED",
      params: { reason: "ip" },
    });
    await expect(
      logIn(app, { email: "victim@example.cn", password: PASSWORD, meta: { ip: "198.51.100.100", userAgent: "x" } }),
    ).resolves.toBeDefined();
  });

  it("records every attempt in the audit trail with IP and user agent", async () => {
    await person("audited@example.cn");
    await logIn(app, { email: "audited@example.cn", password: "bad", meta: { ip: "192.0.2.5", userAgent: "Firefox" } }).catch(
      () => undefined,
    );
    const row = await app.db
      .selectFrom("audit_log")
      .selectAll()
      .where("type", "=", "person.login_failed")
      .where("ip", "=", "192.0.2.5")
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_agent: "Firefox", data: { email: "audited@example.cn", reason: "credentials" } });
  });
});
