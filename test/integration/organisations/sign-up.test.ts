import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "#app/domain/shared/app-error.ts";
import { randomUscc } from "#test/factories/organisations.ts";
import { signUpOrganisation } from "#app/services/organisations/sign-up-organisation.server.ts";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

const signUp = (app: TestApp, overrides: { uscc?: string; email?: string; kinds?: ("bidder" | "operator" | "agency")[] } = {}) =>
  signUpOrganisation(app, {
    organisation: {
      name: "福建测试建设有限公司",
      uscc: overrides.uscc ?? randomUscc(),
      kinds: overrides.kinds ?? ["bidder"],
      regionCode: "350100",
    },
    admin: {
      name: "测试员",
      email: overrides.email ?? `admin-${Math.random().toString(36).slice(2)}@example.cn`,
      password: "a-long-password",
    },
    meta: TEST_META,
  });

describe("signing up an organisation", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("creates a pending organisation, its admin and an audit row", async () => {
    const { organisationId, personId } = await signUp(app);
    const org = await app.db.selectFrom("organisations").selectAll().where("id", "=", organisationId).executeTakeFirstOrThrow();
    expect(org.status).toBe("pending");
    const membership = await app.db.selectFrom("memberships").selectAll().where("person_id", "=", personId).executeTakeFirstOrThrow();
    expect(membership.roles).toEqual(["admin", "bid", "sign"]);
    const audit = await app.db.selectFrom("audit_log").selectAll().where("type", "=", "organisation.signed_up").execute();
    expect(audit.map((a) => (a.data as { organisationId: string }).organisationId)).toContain(organisationId);
    expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true });
  });

  it("refuses a second organisation with the same USCC, naming it, and changes nothing", async () => {
    const uscc = randomUscc();
    await signUp(app, { uscc });
    const before = await app.db.selectFrom("people").select("id").execute();
    const error = await signUp(app, { uscc: uscc.toLowerCase() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "ORGANISATION_DUPLICATE", status: 409, params: { uscc } });
    expect((error as AppError).messageIn("zh-CN")).toContain(uscc);
    expect(await app.db.selectFrom("people").select("id").execute()).toHaveLength(before.length);
  });

  it("lets exactly one of two concurrent sign-ups with the same USCC through", async () => {
    const uscc = randomUscc();
    const results = await Promise.allSettled([signUp(app, { uscc }), signUp(app, { uscc })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "ORGANISATION_DUPLICATE" });
  });

  it("refuses an email already in use", async () => {
    await signUp(app, { email: "taken@example.cn" });
    await expect(signUp(app, { email: "Taken@Example.cn" })).rejects.toMatchObject({ code: "EMAIL_TAKEN" });
  });

  it("refuses an invalid USCC", async () => {
    await expect(signUp(app, { uscc: "91350100M000100Y44" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      params: { field: "uscc", problem: "checkDigit" },
    });
  });

  it("refuses an operator that would also bid (电子招标投标办法 Art 23)", async () => {
    await expect(signUp(app, { kinds: ["operator", "bidder"] })).rejects.toMatchObject({ code: "OPERATOR_KIND_CONFLICT" });
  });
});
