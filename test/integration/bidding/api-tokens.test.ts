import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireApiActor, type Actor } from "#app/server/session.server.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "#app/services/api-tokens/api-tokens.server.ts";
import { setMemberRoles } from "#app/services/members/set-member-roles.server.ts";
import { addMember, createOrganisationWithMember, createPerson } from "#test/factories/organisations.ts";
import { actorOf } from "#test/factories/tendering.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

describe("API tokens for the offline tool", () => {
  let app: TestApp;
  let admin: Actor, staff: Actor, other: Actor;
  const withToken = (token: string) => new Request("http://x/api", { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    app = await createTestApp();
    const { organisation, person } = await createOrganisationWithMember(app.db, {
      organisation: { name: "海峡建设", kinds: ["bidder"] },
      person: { name: "管理员", email: "admin@example.cn" },
      roles: ["admin", "bid"],
    });
    admin = await actorOf(app.db, person.id);
    const p = await createPerson(app.db, { name: "投标专员", email: "staff@example.cn" });
    await addMember(app.db, { organisationId: organisation.id, personId: p.id, roles: ["bid"] });
    staff = await actorOf(app.db, p.id);
    const o = await createOrganisationWithMember(app.db, {
      organisation: { name: "闽江路桥", kinds: ["bidder"] },
      person: { name: "别人", email: "other@example.cn" },
      roles: ["admin", "bid"],
    });
    other = await actorOf(app.db, o.person.id);
  });
  afterAll(() => app?.close());

  it("authenticates as its member with only the permissions of its own bid (submit, open), and records its use", async () => {
    const { token, id } = await createApiToken(app, { actor: staff, name: "投标专用电脑", meta: TEST_META });
    expect(token).toMatch(/^bh_[A-Za-z0-9_-]{43}$/);
    const actor = await requireApiActor(app, withToken(token));
    expect(actor.personId).toBe(staff.personId);
    // Decision 51: the opening steps each need the person's key too; nothing else (no registration, no admin).
    expect([...actor.permissions].sort()).toEqual(["confirm:record:own", "decrypt:bid:own", "submit:bid:own"]);
    const row = await app.db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token.slice(3)); // only the hash is stored
    expect(row.last_used_at).not.toBeNull();
  });

  it("stops working when revoked, when it expires, and when the member loses the bid role", async () => {
    const a = await createApiToken(app, { actor: staff, name: "a", meta: TEST_META });
    await expect(revokeApiToken(app, { actor: other, tokenId: a.id, meta: TEST_META })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await revokeApiToken(app, { actor: admin, tokenId: a.id, meta: TEST_META }); // the organisation's admin may
    await expect(requireApiActor(app, withToken(a.token))).rejects.toMatchObject({ code: "UNAUTHENTICATED" });

    const b = await createApiToken(app, { actor: staff, name: "b", meta: TEST_META });
    await setMemberRoles(app, { actor: admin, personId: staff.personId, roles: ["view"], meta: TEST_META });
    expect((await requireApiActor(app, withToken(b.token))).permissions.size).toBe(0);
    await setMemberRoles(app, { actor: admin, personId: staff.personId, roles: ["bid"], meta: TEST_META });

    await app.clock.advance(91 * 86400);
    await expect(requireApiActor(app, withToken(b.token))).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(requireApiActor(app, withToken("bh_" + "x".repeat(43)))).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("is listed to its holder, and every token of the organisation to the admin", async () => {
    expect((await listApiTokens(app, staff)).every((t) => t.person_id === staff.personId)).toBe(true);
    expect((await listApiTokens(app, admin)).length).toBeGreaterThanOrEqual(3);
    expect(await listApiTokens(app, other)).toEqual([]);
    await expect(createApiToken(app, { actor: { ...staff, permissions: new Set() }, name: "x", meta: TEST_META })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
