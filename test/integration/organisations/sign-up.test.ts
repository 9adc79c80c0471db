import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { OrganisationKind } from "#db/schema.ts";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import { logIn } from "#app/services/auth/log-in.server.ts";
import { confirmEmail } from "#app/services/organisations/confirm-email.server.ts";
import { signUpOrganisation, type SignUpOutcome } from "#app/services/organisations/sign-up-organisation.server.ts";
import * as signUpRoute from "#app/routes/signup.tsx";
import { randomUscc } from "#test/factories/organisations.ts";
import { callRoute, freshBrowser } from "../helpers/routes.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

const PASSWORD = "a-long-password";
let n = 0;
const freshEmail = () => `admin-${++n}-${Math.random().toString(36).slice(2)}@example.cn`;

const signUp = (app: TestApp, overrides: { uscc?: string; email?: string; kinds?: OrganisationKind[]; name?: string } = {}) =>
  signUpOrganisation(app, {
    organisation: {
      name: overrides.name ?? "福建测试建设有限公司",
      uscc: overrides.uscc ?? randomUscc(),
      kinds: overrides.kinds ?? ["bidder"],
      regionCode: "350100",
    },
    admin: { name: "测试员", email: overrides.email ?? freshEmail(), password: PASSWORD },
    meta: TEST_META,
  });

const created = (outcome: SignUpOutcome) => {
  if (outcome.outcome !== "created") throw new Error(`expected a created organisation, got ${JSON.stringify(outcome)}`);
  return outcome;
};

describe("signing up an organisation", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  const mailsTo = async (email: string) =>
    (await app.db.selectFrom("outbox").select("payload").where("kind", "=", "mail.send").orderBy("id").execute())
      .map((r) => r.payload as { to: string; subject: string; body: string })
      .filter((p) => p.to === email);
  const count = async (table: "people" | "organisations" | "memberships") => (await app.db.selectFrom(table).select("id").execute()).length;

  it("creates a pending organisation with its name normalised, its admin and an audit row", async () => {
    const { organisationId, personId } = created(await signUp(app, { name: "  （福建）ＡＢＣ　测试建设   有限公司 " }));
    const org = await app.db.selectFrom("organisations").selectAll().where("id", "=", organisationId).executeTakeFirstOrThrow();
    expect(org.status).toBe("pending");
    expect(org.name).toBe("(福建)ABC 测试建设 有限公司");
    const membership = await app.db.selectFrom("memberships").selectAll().where("person_id", "=", personId).executeTakeFirstOrThrow();
    expect(membership.roles).toEqual(["admin", "bid", "sign"]);
    const audit = await app.db.selectFrom("audit_log").selectAll().where("type", "=", "organisation.signed_up").execute();
    expect(audit.map((a) => (a.data as { organisationId: string }).organisationId)).toContain(organisationId);
    expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true });
  });

  it("answers a sign-up with a registered email or USCC exactly like a fresh one, creates nothing, and mails the reason", async () => {
    const takenEmail = freshEmail();
    const takenUscc = randomUscc();
    created(await signUp(app, { email: takenEmail, uscc: takenUscc }));

    const answer = async (email: string, uscc: string) => {
      const browser = await freshBrowser(app);
      const response = await callRoute(app, signUpRoute.action as never, {
        url: "/signup",
        browser,
        form: { name: "福建另一建设有限公司", uscc, kinds: "bidder", regionCode: "350100", adminName: "某人", email, password: PASSWORD },
      });
      // The address typed is echoed back ("we sent a mail to …"); everything else must be identical.
      return { status: response.status, body: (await response.text()).replaceAll(email, "EMAIL") };
    };
    const before = { people: await count("people"), organisations: await count("organisations") };
    const newcomer = freshEmail();
    const existingEmail = await answer(takenEmail, randomUscc());
    const existingUscc = await answer(freshEmail(), takenUscc.toLowerCase());
    const both = await answer(takenEmail, takenUscc);
    const fresh = await answer(newcomer, randomUscc());
    expect(fresh.status).toBe(200);
    expect(fresh.body).toContain('"done"');
    for (const a of [existingEmail, existingUscc, both]) expect(a).toEqual(fresh);
    // Only the fresh one created anything.
    expect(await count("people")).toBe(before.people + 1);
    expect(await count("organisations")).toBe(before.organisations + 1);

    // The real reason goes to the address given, and only there.
    const toTaken = await mailsTo(takenEmail);
    expect(toTaken.map((m) => m.subject)).toEqual([
      "单位注册申请已收到 · Registration received", // its own sign-up, earlier
      "有人尝试用您的邮箱注册 · Someone tried to register with your email",
      "有人尝试用您的邮箱注册 · Someone tried to register with your email",
    ]);
    expect(toTaken[1]!.body).toContain("本邮箱已是 bidhall 的账号");
    expect(toTaken[1]!.body).toContain("already has a bidhall account");
    expect(toTaken[2]!.body).toContain(`统一社会信用代码 ${takenUscc} 也已注册`);
    const collided = await app.db.selectFrom("audit_log").select("data").where("type", "=", "organisation.sign_up_collided").execute();
    expect(collided.map((r) => (r.data as { reason: string }).reason)).toEqual(["email", "uscc", "email-and-uscc"]);
    const usccMail = (await app.db.selectFrom("outbox").select("payload").where("kind", "=", "mail.send").execute())
      .map((r) => r.payload as { body: string })
      .find((p) => p.body.includes(`统一社会信用代码 ${takenUscc} 已有单位在 bidhall 注册`));
    expect(usccMail?.body).toContain(`USCC ${takenUscc} is already registered`);
    expect((await mailsTo(newcomer)).map((m) => m.subject)).toEqual(["单位注册申请已收到 · Registration received"]);
  });

  it("does not flood an address with these mails: three an hour at most, the same answer every time", async () => {
    const email = freshEmail();
    created(await signUp(app, { email }));
    for (let i = 0; i < 6; i++) expect(await signUp(app, { email })).toEqual({ outcome: "duplicate", reason: "email" });
    const tried = (await mailsTo(email)).filter((m) => m.subject.startsWith("有人尝试"));
    expect(tried).toHaveLength(3);
    await app.clock.advance(3601);
    await signUp(app, { email });
    expect((await mailsTo(email)).filter((m) => m.subject.startsWith("有人尝试"))).toHaveLength(4);
  });

  it("does not let a login tell either: a new account logs in only once its address is confirmed", async () => {
    const email = freshEmail();
    created(await signUp(app, { email }));
    const refusedUnconfirmed = await logIn(app, { email, password: PASSWORD, meta: TEST_META }).catch((e: unknown) => e);
    // An existing address with the password the prober chose fails the same way.
    const takenEmail = freshEmail();
    created(await signUp(app, { email: takenEmail }));
    await signUp(app, { email: takenEmail }); // the prober's attempt, with the same password
    const refusedTaken = await logIn(app, { email: takenEmail, password: "another-long-password", meta: TEST_META }).catch(
      (e: unknown) => e,
    );
    for (const e of [refusedUnconfirmed, refusedTaken]) {
      expect(e).toBeInstanceOf(AppError);
      expect(e).toMatchObject({ code: "LOGIN_FAILED", status: 401 });
    }
    expect((refusedUnconfirmed as AppError).messageIn("zh-CN")).toBe((refusedTaken as AppError).messageIn("zh-CN"));

    // The link in the mail confirms the address, once; then the password works.
    const [mail] = await mailsTo(email);
    const token = /\/signup\/confirm\/([A-Za-z0-9_-]{43})/.exec(mail!.body)?.[1];
    expect(token).toBeDefined();
    await confirmEmail(app, { token: token!, meta: TEST_META });
    await expect(confirmEmail(app, { token: token!, meta: TEST_META })).rejects.toMatchObject({ code: "EMAIL_CONFIRMATION_INVALID" });
    await expect(confirmEmail(app, { token: "x".repeat(43), meta: TEST_META })).rejects.toMatchObject({
      code: "EMAIL_CONFIRMATION_INVALID",
    });
    await expect(logIn(app, { email, password: PASSWORD, meta: TEST_META })).resolves.toMatchObject({ setCookie: expect.any(String) });
  });

  it("lets exactly one of two concurrent sign-ups with the same USCC through, and answers both the same way", async () => {
    const uscc = randomUscc();
    const results = await Promise.all([signUp(app, { uscc }), signUp(app, { uscc })]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["created", "duplicate"]);
    expect((await app.db.selectFrom("organisations").select("id").where("uscc", "=", uscc).execute()).length).toBe(1);
  });

  it("refuses an invalid USCC", async () => {
    await expect(signUp(app, { uscc: "91350100M000100Y44" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      params: { field: "uscc", problem: "checkDigit" },
    });
  });

  it("refuses a bidder that would also be a regulator, naming the rule and its source, and creates nothing", async () => {
    const before = await count("organisations");
    const error = await signUp(app, { kinds: ["bidder", "regulator"] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ORGANISATION_KINDS_INCOMPATIBLE", status: 400, params: { rule: "regulator-not-a-market-party" } });
    expect((error as AppError).messageIn("zh-CN")).toBe(
      "同一单位不得既是投标人又是行政监督部门：行政监督部门不得参与其监督的招标采购活动，招标代理机构与行政机关不得存在隶属关系或者其他利益关系（《招标投标法》第十四条；《政府采购法》第六十条；《招标投标法实施条例》第六条）。",
    );
    expect((error as AppError).messageIn("en")).toContain("cannot be both a bidder and a regulator");
    for (const kinds of [
      ["guarantor", "regulator"],
      ["agency", "regulator"],
      ["operator", "bidder"],
      ["operator", "guarantor"],
    ] as OrganisationKind[][])
      await expect(signUp(app, { kinds })).rejects.toMatchObject({ code: "ORGANISATION_KINDS_INCOMPATIBLE" });
    expect(await count("organisations")).toBe(before);
  });

  it("refuses the same combination through the form, with the rule in the user's language", async () => {
    const browser = await freshBrowser(app);
    const form = new URLSearchParams({
      csrf: browser.csrf,
      name: "福建监管投标有限公司",
      uscc: randomUscc(),
      regionCode: "350100",
      adminName: "某人",
      email: freshEmail(),
      password: PASSWORD,
    });
    form.append("kinds", "bidder");
    form.append("kinds", "regulator");
    const request = new Request("http://bidhall.test/signup", {
      method: "POST",
      headers: { cookie: browser.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    const result = (await signUpRoute.action({ request, context: { app, request: TEST_META }, params: {} } as never)) as unknown as {
      data: { error: { code: string; message: string } };
      init: { status: number };
    };
    expect(result.init.status).toBe(400);
    expect(result.data.error.code).toBe("ORGANISATION_KINDS_INCOMPATIBLE");
    expect(result.data.error.message).toContain("《招标投标法》第十四条");
  });

  it("refuses a name with a zero-width or bidi character, saying which, in the service and on the form", async () => {
    for (const [name, codePoint] of [
      ["福建海峡\u200b建设工程有限公司", "U+200B"],
      ["福建海峡建设\u202e司公限有", "U+202E"],
    ] as const) {
      const error = await signUp(app, { name }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "ORGANISATION_NAME_INVALID", status: 400, params: { problem: "invisible", codePoint } });
      expect((error as AppError).messageIn("zh-CN")).toContain(`不可见字符或文字方向控制字符（${codePoint}）`);
    }
    const browser = await freshBrowser(app);
    const response = await callRoute(app, signUpRoute.action as never, {
      url: "/signup",
      browser,
      form: {
        name: "福建海峡\u200b建设工程有限公司",
        uscc: randomUscc(),
        kinds: "bidder",
        regionCode: "350100",
        adminName: "某人",
        email: freshEmail(),
        password: PASSWORD,
      },
    });
    const body = (await response.json()) as { result: { error: Record<string, string[]> } };
    expect(body.result.error.name).toEqual([
      "单位名称含有不可见字符或文字方向控制字符（U+200B），这类字符会让两个名称看起来相同而实际不同，请删除后重新输入。",
    ]);
  });
});
