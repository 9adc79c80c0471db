import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getActor, type Actor } from "#app/server/session.server.ts";
import { logIn } from "#app/services/auth/log-in.server.ts";
import { acceptInvitation } from "#app/services/members/accept-invitation.server.ts";
import { CODE_TRIES, CODES_PER_INVITATION } from "#app/services/members/invitation-code.server.ts";
import { inviteMember } from "#app/services/members/invite-member.server.ts";
import { sendInvitationCode } from "#app/services/members/send-invitation-code.server.ts";
import * as invitationRoute from "#app/routes/invitations.$token.tsx";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { callRoute, freshBrowser, withCookies } from "../helpers/routes.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { mailedCode } from "./invitation-helpers.ts";

const PASSWORD = "correct horse battery";
const ATTACKER = { ip: "198.51.100.66", userAgent: "curl" };

/**
 * Issue 11: an invitation link is bound to the invited address. Whoever holds a leaked link still
 * has to read the code mailed to that address, or be that address's person, logged in.
 */
describe("accepting an invitation", () => {
  let app: TestApp;
  let admin: Actor;
  let otherPerson: Actor;
  let organisationId: string;
  let n = 0;

  const actorFor = async (email: string): Promise<Actor> => {
    const { setCookie } = await logIn(app, { email, password: PASSWORD, meta: TEST_META });
    return (await getActor(app, new Request("http://x/", { headers: { cookie: setCookie.split(";")[0]! } })))!;
  };
  const invite = async (email = `new-${++n}@example.cn`) => ({
    email,
    token: (await inviteMember(app, { actor: admin, email, roles: ["bid"], meta: TEST_META })).token,
  });
  const membersOf = async (email: string) =>
    app.db
      .selectFrom("memberships as m")
      .innerJoin("people as p", "p.id", "m.person_id")
      .select("m.organisation_id")
      .where("p.email", "=", email)
      .where("m.status", "=", "active")
      .execute();
  const guess = (token: string, code: string, name = "冒名者") =>
    acceptInvitation(app, { token, actor: null, code, name, password: "attacker-password", meta: ATTACKER });
  /** A code that is not the one mailed. */
  const wrong = (code: string, k = 1) => String((Number(code) + k) % 1_000_000).padStart(6, "0");

  beforeAll(async () => {
    app = await createTestApp();
    const mk = (name: string, email: string) =>
      createOrganisationWithMember(app.db, {
        organisation: { name, kinds: ["bidder"] },
        person: { name, email, password: PASSWORD },
        roles: ["admin", "bid"],
      });
    organisationId = (await mk("甲公司", "admin@example.cn")).organisation.id;
    await mk("乙公司", "existing@example.cn");
    await mk("丙公司", "someone-else@example.cn");
    admin = await actorFor("admin@example.cn");
    otherPerson = await actorFor("someone-else@example.cn");
  });
  afterAll(() => app.close());

  it("does not let a leaked link alone make anyone a member", async () => {
    const { email, token } = await invite();
    // No code yet: nothing to guess against.
    await expect(guess(token, "000000")).rejects.toMatchObject({ code: "INVITATION_CODE_EXPIRED" });
    await expect(
      acceptInvitation(app, { token, actor: null, name: "冒名者", password: "attacker-password", meta: ATTACKER }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      params: { field: "code" },
    });
    // The link holder can have a code sent, but it goes to the invited address, not to them.
    const sent = await sendInvitationCode(app, { token, meta: ATTACKER });
    expect(sent.sentTo).toBe("n***1@example.cn");
    const code = await mailedCode(app, email);
    await expect(guess(token, wrong(code))).rejects.toMatchObject({
      code: "INVITATION_CODE_WRONG",
      status: 400,
      params: { remaining: CODE_TRIES - 1 },
    });
    // Logged in as somebody else changes nothing for an address without an account.
    await expect(
      acceptInvitation(app, {
        token,
        actor: otherPerson,
        code: wrong(code, 2),
        name: "冒名者",
        password: "attacker-password",
        meta: ATTACKER,
      }),
    ).rejects.toMatchObject({ code: "INVITATION_CODE_WRONG" });
    expect(await membersOf(email)).toEqual([]);
    expect(await app.db.selectFrom("people").select("id").where("email", "=", email).execute()).toEqual([]);
    const refused = await app.db
      .selectFrom("audit_log")
      .select(["data", "ip"])
      .where("type", "=", "member.invitation_code_refused")
      .execute();
    expect(refused.filter((r) => (r.data as { email: string }).email === email).map((r) => (r.data as { reason: string }).reason)).toEqual([
      "expired",
      "wrong",
      "wrong",
    ]);
  });

  it("lets the invited person accept with the mailed code, once: a replay finds nothing", async () => {
    const { email, token } = await invite();
    await sendInvitationCode(app, { token, meta: TEST_META });
    const code = await mailedCode(app, email);
    const { personId } = await acceptInvitation(app, { token, actor: null, code, name: "新成员", password: PASSWORD, meta: TEST_META });
    expect(await membersOf(email)).toEqual([{ organisation_id: organisationId }]);
    // The address was proved by the code: the new person logs in at once.
    expect((await actorFor(email)).personId).toBe(personId);
    await expect(guess(token, code)).rejects.toMatchObject({ code: "INVITATION_INVALID" });
    await expect(sendInvitationCode(app, { token, meta: ATTACKER })).rejects.toMatchObject({ code: "INVITATION_INVALID" });
  });

  it("does not open one invitation with the code of another, even for the same address", async () => {
    const a = await invite("twice@example.cn");
    await sendInvitationCode(app, { token: a.token, meta: TEST_META });
    const codeA = await mailedCode(app, a.email);
    const b = await inviteMember(app, { actor: admin, email: "twice@example.cn", roles: ["view"], meta: TEST_META });
    await sendInvitationCode(app, { token: b.token, meta: TEST_META });
    const codeB = await mailedCode(app, "twice@example.cn");
    if (codeA !== codeB) await expect(guess(b.token, codeA)).rejects.toMatchObject({ code: "INVITATION_CODE_WRONG" });
    // Even an equal number is bound to its invitation: the stored hashes differ.
    const hashes = await app.db.selectFrom("invitations").select("code_hash").where("email", "=", "twice@example.cn").execute();
    expect(new Set(hashes.map((h) => h.code_hash)).size).toBe(2);
    await acceptInvitation(app, { token: a.token, actor: null, code: codeA, name: "两次", password: PASSWORD, meta: TEST_META });
  });

  it("limits guessing: five tries per code, one code a minute, five codes per invitation; then the invitation is void", async () => {
    const { email, token } = await invite();
    await sendInvitationCode(app, { token, meta: ATTACKER });
    let code = await mailedCode(app, email);
    for (let i = 1; i <= CODE_TRIES; i++)
      await expect(guess(token, wrong(code, i))).rejects.toMatchObject({
        code: "INVITATION_CODE_WRONG",
        params: { remaining: CODE_TRIES - i },
      });
    // The right code no longer helps once its tries are used up.
    await expect(guess(token, code, "新成员")).rejects.toMatchObject({ code: "INVITATION_CODE_EXPIRED" });
    await expect(sendInvitationCode(app, { token, meta: ATTACKER })).rejects.toMatchObject({
      code: "INVITATION_CODE_TOO_SOON",
      status: 429,
    });

    // A burst of parallel guesses on a fresh code cannot outrun the limit.
    await app.clock.advance(61);
    await sendInvitationCode(app, { token, meta: ATTACKER });
    code = await mailedCode(app, email);
    const burst = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => guess(token, wrong(code, i + 1))));
    const codes = burst.map((r) => (r.status === "rejected" ? (r.reason as { code: string }).code : "ACCEPTED"));
    expect(codes.filter((c) => c === "INVITATION_CODE_WRONG")).toHaveLength(CODE_TRIES);
    expect(codes.filter((c) => c === "INVITATION_CODE_EXPIRED")).toHaveLength(20 - CODE_TRIES);
    const row = await app.db
      .selectFrom("invitations")
      .select(["code_attempts", "codes_sent"])
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    expect(row.code_attempts).toBe(CODE_TRIES);

    // Codes 3 to 5, each guessed out; then nothing more is sent or accepted.
    for (let sent = 3; sent <= CODES_PER_INVITATION; sent++) {
      await app.clock.advance(61);
      await sendInvitationCode(app, { token, meta: ATTACKER });
      code = await mailedCode(app, email);
      for (let i = 1; i <= CODE_TRIES; i++) await guess(token, wrong(code, i)).catch(() => undefined);
    }
    await app.clock.advance(61);
    await expect(sendInvitationCode(app, { token, meta: ATTACKER })).rejects.toMatchObject({ code: "INVITATION_CODE_LIMIT" });
    await expect(guess(token, code, "新成员")).rejects.toMatchObject({ code: "INVITATION_CODE_LIMIT" });
    expect(await membersOf(email)).toEqual([]);
  });

  it("lets a code expire after fifteen minutes", async () => {
    const { email, token } = await invite();
    await sendInvitationCode(app, { token, meta: TEST_META });
    const code = await mailedCode(app, email);
    await app.clock.advance(15 * 60 + 1);
    await expect(
      acceptInvitation(app, { token, actor: null, code, name: "迟到", password: PASSWORD, meta: TEST_META }),
    ).rejects.toMatchObject({
      code: "INVITATION_CODE_EXPIRED",
    });
    await sendInvitationCode(app, { token, meta: TEST_META });
    await acceptInvitation(app, {
      token,
      actor: null,
      code: await mailedCode(app, email),
      name: "迟到",
      password: PASSWORD,
      meta: TEST_META,
    });
  });

  it("lets an address that has an account be accepted only by that person, logged in", async () => {
    const { token } = await invite("existing@example.cn");
    for (const attempt of [
      () => acceptInvitation(app, { token, actor: null, meta: ATTACKER }),
      // The password is no longer taken here: the login page (and its throttling) is the only place for it.
      () => acceptInvitation(app, { token, actor: null, password: PASSWORD, meta: ATTACKER }),
      () => sendInvitationCode(app, { token, meta: ATTACKER }),
    ])
      await expect(attempt()).rejects.toMatchObject({ code: "INVITATION_LOGIN_REQUIRED", params: { email: "e******g@example.cn" } });
    await expect(acceptInvitation(app, { token, actor: otherPerson, meta: ATTACKER })).rejects.toMatchObject({
      code: "INVITATION_WRONG_PERSON",
    });
    expect(await membersOf("existing@example.cn")).toHaveLength(1);

    const invited = await actorFor("existing@example.cn");
    await acceptInvitation(app, { token, actor: invited, meta: TEST_META });
    expect((await membersOf("existing@example.cn")).map((m) => m.organisation_id)).toContain(organisationId);
  });

  it("shows the link holder a masked address and takes the code through the page's forms", async () => {
    const { email, token } = await invite("page-flow@example.cn");
    let browser = await freshBrowser(app);
    const page = await callRoute(app, invitationRoute.loader as never, { url: `/invitations/${token}`, params: { token }, browser });
    const shown = await page.text();
    expect(shown).toContain("p*******w@example.cn");
    expect(shown).not.toContain(email);

    const send = await callRoute(app, invitationRoute.action as never, {
      url: `/invitations/${token}`,
      params: { token },
      browser,
      form: { intent: "send-code" },
    });
    expect(send.status).toBe(200);
    expect(await send.json()).toMatchObject({ codeSent: { sentTo: "p*******w@example.cn" } });
    const noCsrf = await callRoute(app, invitationRoute.action as never, {
      url: `/invitations/${token}`,
      params: { token },
      browser,
      csrf: "forged-token-forged-token-forged-token",
      form: { intent: "accept", code: await mailedCode(app, email), name: "页面", password: PASSWORD },
    });
    expect(noCsrf.status).toBe(403);
    const bad = await callRoute(app, invitationRoute.action as never, {
      url: `/invitations/${token}`,
      params: { token },
      browser,
      form: { intent: "accept", code: "12345\u0000", name: "页面", password: PASSWORD },
    });
    expect(bad.status).toBe(400);
    const accepted = await callRoute(app, invitationRoute.action as never, {
      url: `/invitations/${token}`,
      params: { token },
      browser,
      form: { intent: "accept", code: await mailedCode(app, email), name: "页面", password: PASSWORD },
    });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe("/login");
    browser = withCookies(browser, accepted);
    expect(await membersOf(email)).toEqual([{ organisation_id: organisationId }]);
    const after = await callRoute(app, invitationRoute.loader as never, { url: `/invitations/${token}`, params: { token }, browser });
    expect(await after.json()).toEqual({ invitation: null });
  });
});
