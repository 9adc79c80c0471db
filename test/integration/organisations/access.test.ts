import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn } from "#app/services/auth/log-in.server.ts";
import { getActor, type Actor } from "#app/server/session.server.ts";
import { decideOrganisation } from "#app/services/organisations/decide-organisation.server.ts";
import { getOrganisationProfile, listMembers } from "#app/services/organisations/read-organisations.server.ts";
import { inviteMember } from "#app/services/members/invite-member.server.ts";
import { acceptInvitation } from "#app/services/members/accept-invitation.server.ts";
import { sendInvitationCode } from "#app/services/members/send-invitation-code.server.ts";
import { mailedCode } from "./invitation-helpers.ts";
import { setMemberRoles } from "#app/services/members/set-member-roles.server.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

const PASSWORD = "correct horse battery";

describe("organisations, members and permissions", () => {
  let app: TestApp;
  let bidderAdmin: Actor;
  let otherAdmin: Actor;
  let operator: Actor;

  const actorFor = async (email: string): Promise<Actor> => {
    const { setCookie } = await logIn(app, { email, password: PASSWORD, meta: TEST_META });
    return (await getActor(app, new Request("http://x/", { headers: { cookie: setCookie.split(";")[0]! } })))!;
  };

  beforeAll(async () => {
    app = await createTestApp();
    const mk = (name: string, email: string, kinds: ("bidder" | "operator")[], status: "approved" | "pending" = "approved") =>
      createOrganisationWithMember(app.db, {
        organisation: { name, kinds, status },
        person: { name, email, password: PASSWORD },
        roles: kinds.includes("operator") ? ["admin", "operate"] : ["admin", "bid"],
      });
    await mk("甲公司", "a@example.cn", ["bidder"]);
    await mk("乙公司", "b@example.cn", ["bidder"]);
    await mk("交易中心", "op@example.cn", ["operator"]);
    bidderAdmin = await actorFor("a@example.cn");
    otherAdmin = await actorFor("b@example.cn");
    operator = await actorFor("op@example.cn");
  });
  afterAll(() => app.close());

  it("refuses another organisation's members and profile", async () => {
    await expect(listMembers(app, bidderAdmin, otherAdmin.membership.organisationId)).rejects.toMatchObject({
      code: "FORBIDDEN",
      status: 403,
    });
    await expect(getOrganisationProfile(app, bidderAdmin, otherAdmin.membership.organisationId)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(getOrganisationProfile(app, bidderAdmin, bidderAdmin.membership.organisationId)).resolves.toMatchObject({
      name: "甲公司",
    });
  });

  it("lets the operator read any profile but not another organisation's member list", async () => {
    await expect(getOrganisationProfile(app, operator, bidderAdmin.membership.organisationId)).resolves.toMatchObject({ name: "甲公司" });
    await expect(listMembers(app, operator, bidderAdmin.membership.organisationId)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("gives a pending organisation's members no permissions until the operator approves it, once", async () => {
    const { organisation } = await createOrganisationWithMember(app.db, {
      organisation: { name: "丙公司", kinds: ["bidder"], status: "pending" },
      person: { name: "丙", email: "c@example.cn", password: PASSWORD },
      roles: ["admin", "bid"],
    });
    expect((await actorFor("c@example.cn")).permissions.size).toBe(0);
    await expect(
      decideOrganisation(app, { actor: bidderAdmin, organisationId: organisation.id, decision: "approve", meta: TEST_META }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await decideOrganisation(app, { actor: operator, organisationId: organisation.id, decision: "approve", meta: TEST_META });
    expect((await actorFor("c@example.cn")).permissions.has("submit:bid:own")).toBe(true);
    await expect(
      decideOrganisation(app, { actor: operator, organisationId: organisation.id, decision: "reject", reason: "late", meta: TEST_META }),
    ).rejects.toMatchObject({
      code: "ORGANISATION_ALREADY_DECIDED",
    });
  });

  it("invites a member, who joins with the roles given and can be changed but not leave the organisation without an admin", async () => {
    const { token } = await inviteMember(app, { actor: bidderAdmin, email: "new@example.cn", roles: ["bid"], meta: TEST_META });
    const mail = await app.db.selectFrom("outbox").select(["kind", "payload"]).where("kind", "=", "mail.send").executeTakeFirstOrThrow();
    expect(mail.payload).toMatchObject({ to: "new@example.cn", subject: expect.stringContaining("甲公司") });
    expect((mail.payload as { body: string }).body).toContain(`/invitations/${token}`);
    await sendInvitationCode(app, { token, meta: TEST_META });
    const code = await mailedCode(app, "new@example.cn");
    const { personId } = await acceptInvitation(app, { token, actor: null, code, name: "新成员", password: PASSWORD, meta: TEST_META });
    await expect(
      acceptInvitation(app, { token, actor: null, code, name: "again", password: PASSWORD, meta: TEST_META }),
    ).rejects.toMatchObject({ code: "INVITATION_INVALID" });
    const newcomer = await actorFor("new@example.cn");
    expect(newcomer.membership.organisationId).toBe(bidderAdmin.membership.organisationId);
    expect(newcomer.permissions.has("manage:members:own")).toBe(false);

    await expect(setMemberRoles(app, { actor: newcomer, personId, roles: ["admin"], meta: TEST_META })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      setMemberRoles(app, { actor: bidderAdmin, personId: bidderAdmin.personId, roles: ["bid"], meta: TEST_META }),
    ).rejects.toMatchObject({ code: "LAST_ADMIN" });
    await setMemberRoles(app, { actor: bidderAdmin, personId, roles: ["bid", "sign"], meta: TEST_META });
    expect((await actorFor("new@example.cn")).membership.roles).toEqual(["bid", "sign"]);
    // An admin cannot touch another organisation's member.
    await expect(setMemberRoles(app, { actor: otherAdmin, personId, roles: [], meta: TEST_META })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("refuses an expired invitation", async () => {
    const { token } = await inviteMember(app, { actor: bidderAdmin, email: "late@example.cn", roles: ["view"], meta: TEST_META });
    await app.clock.advance(8 * 24 * 3600);
    await expect(
      acceptInvitation(app, { token, actor: null, code: "123456", name: "迟到", password: PASSWORD, meta: TEST_META }),
    ).rejects.toMatchObject({
      code: "INVITATION_INVALID",
    });
    await expect(sendInvitationCode(app, { token, meta: TEST_META })).rejects.toMatchObject({ code: "INVITATION_INVALID" });
  });
});
