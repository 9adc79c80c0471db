import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as signUpRoute from "#app/routes/signup.tsx";
import { callRoute, freshBrowser } from "../helpers/routes.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * Errors at the field on the registration form (issue 13, decision 45): each field's error says
 * what is wrong with it, in words — never a translation key.
 */
describe("the sign-up form's errors at the field", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  async function errorsFor(form: Record<string, string>) {
    const browser = await freshBrowser(app);
    const response = await callRoute(app, signUpRoute.action as never, {
      url: "/signup",
      browser,
      form: {
        name: "福建另一建设有限公司",
        kinds: "bidder",
        regionCode: "350100",
        adminName: "某人",
        email: "a@example.cn",
        password: "a-long-password",
        ...form,
      },
    });
    const body = (await response.json()) as { result: { error?: Record<string, string[]> } };
    return body.result.error ?? {};
  }

  it("says whether a USCC's length, a character or its check digit is wrong", async () => {
    expect((await errorsFor({ uscc: "91350100M000100Y4" })).uscc).toEqual(["统一社会信用代码应为 18 位，当前为 17 位。"]);
    expect((await errorsFor({ uscc: "91350100I000100Y43" })).uscc).toEqual(["第 9 位的字符“I”不在代码字符集中（不使用 I、O、S、V、Z）。"]);
    expect((await errorsFor({ uscc: "91350100M000100Y44" })).uscc).toEqual(["校验码错误：第 18 位应为“3”，而不是“4”。"]);
  });

  it("names each missing field under that field", async () => {
    const errors = await errorsFor({ uscc: "91350100M000100Y43", adminName: "", email: "" });
    expect(errors.adminName).toEqual(["此项必填。"]);
    expect(errors.email).toEqual(["此项必填。"]);
    expect(errors.uscc).toBeUndefined();
  });
});
