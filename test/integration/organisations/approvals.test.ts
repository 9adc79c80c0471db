import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "#app/domain/shared/app-error.ts";
import type { OrganisationKind, OrganisationStatus } from "#db/schema.ts";
import { getActor, type Actor } from "#app/server/session.server.ts";
import { logIn } from "#app/services/auth/log-in.server.ts";
import { decideOrganisation } from "#app/services/organisations/decide-organisation.server.ts";
import { listOrganisationsForApproval } from "#app/services/organisations/read-organisations.server.ts";
import { signUpOrganisation } from "#app/services/organisations/sign-up-organisation.server.ts";
import * as approvalsRoute from "#app/routes/operator.approvals.tsx";
import { createOrganisation, createOrganisationWithMember, randomUscc } from "#test/factories/organisations.ts";
import { callRoute, freshBrowser } from "../helpers/routes.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";

const PASSWORD = "correct horse battery";

describe("the operator's approvals", () => {
  let app: TestApp;
  let operator: Actor;
  let operatorCookie: string;

  beforeAll(async () => {
    app = await createTestApp();
    await createOrganisationWithMember(app.db, {
      organisation: { name: "交易中心", kinds: ["operator"] },
      person: { name: "运营", email: "op@example.cn", password: PASSWORD },
      roles: ["admin", "operate"],
    });
    const { setCookie } = await logIn(app, { email: "op@example.cn", password: PASSWORD, meta: TEST_META });
    operatorCookie = setCookie.split(";")[0]!;
    operator = (await getActor(app, new Request("http://x/", { headers: { cookie: operatorCookie } })))!;
  });
  afterAll(() => app.close());

  const pendingOrganisation = (name: string, kinds: OrganisationKind[], status: OrganisationStatus = "pending") =>
    createOrganisation(app.db, { name, kinds, status });

  it("refuses to approve an organisation whose kinds may not meet, naming the rule; rejecting it still works", async () => {
    // Written straight into the database, as data from before the rule (or any other path) could be.
    const mixed = await pendingOrganisation("监管兼投标有限公司", ["bidder", "regulator"]);
    const error = await decideOrganisation(app, { actor: operator, organisationId: mixed.id, decision: "approve", meta: TEST_META }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "ORGANISATION_KINDS_INCOMPATIBLE", params: { rule: "regulator-not-a-market-party" } });
    expect((error as AppError).messageIn("zh-CN")).toContain("同一单位不得既是投标人又是行政监督部门");
    expect((await app.db.selectFrom("organisations").select("status").where("id", "=", mixed.id).executeTakeFirstOrThrow()).status).toBe(
      "pending",
    );
    for (const kinds of [
      ["operator", "guarantor"],
      ["operator", "regulator"],
      ["agency", "regulator"],
    ] as OrganisationKind[][]) {
      const other = await pendingOrganisation(`混合单位 ${kinds.join("+")}`, kinds);
      await expect(
        decideOrganisation(app, { actor: operator, organisationId: other.id, decision: "approve", meta: TEST_META }),
      ).rejects.toMatchObject({
        code: "ORGANISATION_KINDS_INCOMPATIBLE",
      });
    }
    await decideOrganisation(app, { actor: operator, organisationId: mixed.id, decision: "reject", reason: "类型冲突", meta: TEST_META });
    expect((await app.db.selectFrom("organisations").select("status").where("id", "=", mixed.id).executeTakeFirstOrThrow()).status).toBe(
      "rejected",
    );
  });

  it("flags an exact or look-alike name to the operator, but not a different legal form", async () => {
    await pendingOrganisation("福建海峡建设工程有限公司", ["bidder"], "approved");
    await pendingOrganisation("ABC路桥有限公司", ["bidder"], "approved");
    const signUp = async (name: string) => {
      const uscc = randomUscc();
      await signUpOrganisation(app, {
        organisation: { name, uscc, kinds: ["bidder"], regionCode: "350100" },
        admin: { name: "某人", email: `${uscc.toLowerCase()}@example.cn`, password: PASSWORD },
        meta: TEST_META,
      });
      return uscc;
    };
    const exact = await signUp("福建海峡建设工程有限公司");
    const spaced = await signUp(" 福建 海峡·建设工程有限公司 ");
    const fullWidth = await signUp("ＡＢＣ路桥有限公司");
    const bracketed = await signUp("【ABC】路桥有限公司");
    const otherForm = await signUp("福建海峡建设工程有限责任公司");
    const unrelated = await signUp("闽江路桥集团有限公司");

    const { pending } = await listOrganisationsForApproval(app, operator);
    const similar = (uscc: string) => pending.find((p) => p.uscc === uscc)!.similar.map((s) => `${s.match}:${s.name}`);
    expect(similar(exact)).toEqual(["same:福建海峡建设工程有限公司", "lookAlike:福建 海峡·建设工程有限公司"]);
    expect(similar(spaced)).toEqual(["lookAlike:福建海峡建设工程有限公司", "lookAlike:福建海峡建设工程有限公司"]);
    // ＡＢＣ is stored as ABC (NFKC), so the name is the same.
    expect(similar(fullWidth)).toEqual(["same:ABC路桥有限公司", "lookAlike:【ABC】路桥有限公司"]);
    expect(similar(bracketed)).toEqual(["lookAlike:ABC路桥有限公司", "lookAlike:ABC路桥有限公司"]);
    expect(similar(otherForm)).toEqual([]);
    expect(similar(unrelated)).toEqual([]);

    // The page shows it to the operator.
    const page = await callRoute(app, approvalsRoute.loader as never, {
      url: "/operator/approvals",
      browser: { ...(await freshBrowser(app)), cookie: operatorCookie },
    });
    const body = (await page.json()) as { pending: { uscc: string; similar: { match: string; status: string }[] }[] };
    expect(body.pending.find((p) => p.uscc === exact)?.similar).toEqual([
      expect.objectContaining({ match: "same", status: "approved" }),
      expect.objectContaining({ match: "lookAlike", status: "pending" }),
    ]);
  });
});
