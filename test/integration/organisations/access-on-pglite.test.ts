import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { getActor, type Actor } from "#app/server/session.server.ts";
import { logIn } from "#app/services/auth/log-in.server.ts";
import { listMailbox } from "#app/services/mail/list-mailbox.server.ts";
import { acceptInvitation } from "#app/services/members/accept-invitation.server.ts";
import { inviteMember } from "#app/services/members/invite-member.server.ts";
import { sendInvitationCode } from "#app/services/members/send-invitation-code.server.ts";
import { confirmEmail } from "#app/services/organisations/confirm-email.server.ts";
import { decideOrganisation } from "#app/services/organisations/decide-organisation.server.ts";
import { listOrganisationsForApproval } from "#app/services/organisations/read-organisations.server.ts";
import { signUpOrganisation } from "#app/services/organisations/sign-up-organisation.server.ts";
import { createOrganisation, createOrganisationWithMember, randomUscc } from "#test/factories/organisations.ts";
import { migrateToLatest } from "#db/migrate.ts";
import type { Database } from "#db/schema.ts";
import { silentLog, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { mailedCode } from "./invitation-helpers.ts";

const PASSWORD = "correct horse battery";

/**
 * Embedded mode runs on PGlite, one connection: a query on `app.db` inside a transaction would hang
 * there and nowhere else. The access use cases of issue 11, end to end, on PGlite.
 */
describe("access on PGlite (embedded mode)", () => {
  let app: AppContext;
  let operator: Actor;

  const actorFor = async (email: string) => {
    const { setCookie } = await logIn(app, { email, password: PASSWORD, meta: TEST_META });
    return (await getActor(app, new Request("http://x/", { headers: { cookie: setCookie.split(";")[0]! } })))!;
  };

  beforeAll(async () => {
    const pglite = new PGlite();
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
    const config = {
      ...loadConfig({ BIDHALL_DATA_DIR: path.join(os.tmpdir(), "bidhall-pglite-access") }),
      clock: "fixed:2026-12-05T09:00:00+08:00",
    };
    app = {
      config,
      db,
      dbHandle: { db, driver: "pglite", pglite, close: () => db.destroy() },
      clock: createClock(config.clock),
      secrets: { session: "test-session-secret-which-is-long-enough" },
      log: silentLog,
    };
    await createOrganisationWithMember(db, {
      organisation: { name: "交易中心", kinds: ["operator"] },
      person: { name: "运营", email: "op@example.cn", password: PASSWORD },
      roles: ["admin", "operate"],
    });
    operator = await actorFor("op@example.cn");
  });
  afterAll(() => app?.dbHandle.close());

  it("signs up quietly, confirms the address, flags a look-alike and refuses mixed kinds at approval", async () => {
    await createOrganisation(app.db, { name: "福建海峡建设工程有限公司", kinds: ["bidder"] });
    const uscc = randomUscc();
    const signUp = (email: string) =>
      signUpOrganisation(app, {
        organisation: { name: "（福建）海峡建设工程有限公司", uscc, kinds: ["bidder"], regionCode: "350100" },
        admin: { name: "某人", email, password: PASSWORD },
        meta: TEST_META,
      });
    expect((await signUp("first@example.cn")).outcome).toBe("created");
    expect(await signUp("first@example.cn")).toEqual({ outcome: "duplicate", reason: "email-and-uscc" });
    await expect(logIn(app, { email: "first@example.cn", password: PASSWORD, meta: TEST_META })).rejects.toMatchObject({
      code: "LOGIN_FAILED",
    });
    const mails = await listMailbox(app, operator, {}); // nothing delivered yet: the outbox holds them
    expect(mails).toEqual([]);
    const outbox = await app.db.selectFrom("outbox").select("payload").execute();
    const body = outbox.map((o) => (o.payload as { body: string }).body).find((b) => b.includes("/signup/confirm/"))!;
    await confirmEmail(app, { token: /\/signup\/confirm\/([A-Za-z0-9_-]{43})/.exec(body)![1]!, meta: TEST_META });
    await actorFor("first@example.cn");

    const { pending } = await listOrganisationsForApproval(app as TestApp, operator);
    expect(pending.find((p) => p.uscc === uscc)?.similar.map((s) => s.match)).toEqual(["lookAlike"]);

    const mixed = await createOrganisation(app.db, { name: "混合单位", kinds: ["guarantor", "regulator"], status: "pending" });
    await expect(
      decideOrganisation(app, { actor: operator, organisationId: mixed.id, decision: "approve", meta: TEST_META }),
    ).rejects.toMatchObject({
      code: "ORGANISATION_KINDS_INCOMPATIBLE",
    });
  });

  it("accepts an invitation only with the code mailed to the address", async () => {
    await createOrganisationWithMember(app.db, {
      organisation: { name: "甲公司", kinds: ["bidder"] },
      person: { name: "甲", email: "admin@example.cn", password: PASSWORD },
      roles: ["admin", "bid"],
    });
    const admin = await actorFor("admin@example.cn");
    const { token } = await inviteMember(app, { actor: admin, email: "newcomer@example.cn", roles: ["bid"], meta: TEST_META });
    await sendInvitationCode(app, { token, meta: TEST_META });
    const code = await mailedCode(app as TestApp, "newcomer@example.cn");
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    await expect(
      acceptInvitation(app, { token, actor: null, code: wrong, name: "新人", password: PASSWORD, meta: TEST_META }),
    ).rejects.toMatchObject({
      code: "INVITATION_CODE_WRONG",
    });
    await acceptInvitation(app, { token, actor: null, code, name: "新人", password: PASSWORD, meta: TEST_META });
    expect((await actorFor("newcomer@example.cn")).membership.organisationId).toBe(admin.membership.organisationId);
  });
});
