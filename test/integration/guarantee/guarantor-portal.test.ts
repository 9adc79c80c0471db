import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatErrorMessage, isAppError } from "#app/domain/shared/app-error.ts";
import * as applicationRoute from "#app/routes/guarantor.applications.$applicationId.tsx";
import * as applicationsRoute from "#app/routes/guarantor.applications._index.tsx";
import * as sectionGuaranteesRoute from "#app/routes/sections.$sectionId.guarantees.tsx";
import type { AppContext } from "#app/server/context.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { readTodo } from "#app/services/dashboard/read-todo.server.ts";
import { applyForGuarantee, guaranteeOptionsFor } from "#app/services/guarantee/apply-for-guarantee.server.ts";
import { createGuaranteeProduct } from "#app/services/guarantee/guarantee-products.server.ts";
import { lodgeClaim } from "#app/services/guarantee/lodge-claim.server.ts";
import {
  listGuarantorApplications,
  listGuarantorGuarantees,
  readGuarantorApplication,
} from "#app/services/guarantee/read-guarantor-portal.server.ts";
import { listGuaranteeSections, readSectionGuarantees } from "#app/services/guarantee/read-section-guarantees.server.ts";
import { retryIssueByGuarantor } from "#app/services/guarantee/retry-guarantee-issue.server.ts";
import { terminateTender } from "#app/services/tendering/terminate-tender.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { createGuaranteeRow } from "#test/factories/guarantees.ts";
import { organisationWithMember, publishedSection, type Member } from "../bidding/helpers/bids.ts";
import { browserCookies } from "../bidding/helpers/pages.ts";
import { callRoute } from "../helpers/routes.ts";
import { TEST_META } from "../helpers/test-app.ts";
import { advanceTo, expectCode } from "../opening/helpers.ts";
import { appOn } from "../signing/helpers.ts";

/**
 * Decision 0070 on both drivers: the guarantor portal's reads are its own organisation's only; the
 * retry of a reverted issue; the tenderer's section guarantees sealed until the deadline; a claim
 * after validity + claim period refused with the date; a terminated section's guarantees released;
 * the routes' role and organisation checks.
 */
const DAY = 86_400_000;
const NO_ID = "00000000-0000-4000-8000-000000000000";

describe.each(["pg", "pglite"] as const)("the guarantor portal and the section guarantees (%s)", (driver) => {
  let app: AppContext & { close(): Promise<void> };
  let guarantor: Member, otherGuarantor: Member, bidder: Member, tenderer: Member, agency: Member, otherTenderer: Member;
  let sectionId: string;
  let projectId: string;
  let applicationId: string;

  const status = async (handler: unknown, who: Member | null, url: string, params: Record<string, string>) => {
    const cookie = await browserCookies(app, who && { personId: who.personId, organisationId: who.organisationId });
    const res = await callRoute(app as never, handler as never, { url, browser: { cookie, csrf: "x" }, params });
    return res.status;
  };

  beforeAll(async () => {
    app = await appOn(driver, "fixed:2026-11-23T09:00:00+08:00");
    await ensurePlatformPki(app);
    agency = await organisationWithMember(app, { name: "福建省招标代理有限公司", kinds: ["agency"], roles: ["operate"] });
    tenderer = await organisationWithMember(app, { name: "福州市城建集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    otherTenderer = await organisationWithMember(app, { name: "厦门市城建集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    guarantor = await organisationWithMember(app, { name: "福建海峡融资担保有限公司", kinds: ["guarantor"], roles: ["operate", "sign"] });
    otherGuarantor = await organisationWithMember(app, { name: "另一担保公司", kinds: ["guarantor"], roles: ["operate", "sign"] });
    bidder = await organisationWithMember(app, { name: "福建海峡建设工程有限公司", kinds: ["bidder"], roles: ["admin", "bid"] });
    ({ sectionId, projectId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026170001",
    }));
    await registerForSection(app, { actor: bidder.actor, sectionId, meta: TEST_META });
    const { productId } = await createGuaranteeProduct(app, {
      actor: guarantor.actor,
      input: {
        name: "投标保函（福建）",
        kind: "bid",
        feeRateBp: 50,
        minimumFeeFen: 20_000n,
        procurementTypes: ["engineering"],
        regionCodes: ["35"],
        active: true,
      },
      meta: TEST_META,
    });
    const options = await guaranteeOptionsFor(app, bidder.actor, sectionId);
    ({ applicationId } = await applyForGuarantee(app, {
      actor: bidder.actor,
      sectionId,
      input: {
        productId,
        amountYuan: BigInt(options.amountFen),
        validFrom: new Date(options.validFrom),
        validUntil: new Date(options.validUntil),
        note: "",
      },
      meta: TEST_META,
    }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it("shows the guarantor its own applications with the section's terms, and nobody else's", async () => {
    const list = await listGuarantorApplications(app, guarantor.actor);
    expect(list.map((a) => [a.id, a.status, a.applicantName])).toEqual([[applicationId, "submitted", "福建海峡建设工程有限公司"]]);
    const detail = await readGuarantorApplication(app, guarantor.actor, applicationId);
    expect(detail.amountFen).toBe(detail.section.requiredFen);
    expect(detail.beneficiaryName).toBe("福州市城建集团");
    expect(detail.events.map((e) => e.step)).toEqual(["submitted"]);
    expect(await listGuarantorApplications(app, otherGuarantor.actor)).toEqual([]);
    await expectCode(readGuarantorApplication(app, otherGuarantor.actor, applicationId), "NOT_FOUND");
    await expectCode(listGuarantorApplications(app, bidder.actor), "FORBIDDEN");
    await expectCode(listGuarantorGuarantees(app, tenderer.actor), "FORBIDDEN");
    // The dashboard tells the guarantor, and only it, of the application to underwrite.
    expect((await readTodo(app, guarantor.actor)).map((i) => [i.kind, i.params.count])).toContainEqual(["guarantee.underwrite", 1]);
    expect((await readTodo(app, otherGuarantor.actor)).map((i) => i.kind)).not.toContain("guarantee.underwrite");
  });

  it("answers the portal's pages to the guarantor only: 404 for another guarantor's application, 403 to a bidder", async () => {
    const url = `/guarantor/applications/${applicationId}`;
    expect(await status(applicationRoute.loader, guarantor, url, { applicationId })).toBe(200);
    expect(await status(applicationRoute.loader, otherGuarantor, url, { applicationId })).toBe(404);
    expect(await status(applicationRoute.loader, bidder, url, { applicationId })).toBe(403);
    expect(await status(applicationsRoute.loader, guarantor, "/guarantor/applications", {})).toBe(200);
    expect(await status(applicationsRoute.loader, tenderer, "/guarantor/applications", {})).toBe(403);
    expect(await status(applicationsRoute.loader, null, "/guarantor/applications", {})).toBeGreaterThanOrEqual(300);
  });

  it("retries only an issue the ledger refused, with its signed letter, and puts the application back to issuing", async () => {
    await expectCode(
      retryIssueByGuarantor(app, { actor: guarantor.actor, applicationId, meta: TEST_META }),
      "GUARANTEE_APPLICATION_UNEXPECTED_STATUS",
    );
    const g = await createGuaranteeRow(app.db, {
      guarantorOrganisationId: guarantor.organisationId,
      guarantorPersonId: guarantor.personId,
      applicantOrganisationId: bidder.organisationId,
      applicantPersonId: bidder.personId,
      sectionId,
      beneficiaryOrganisationId: tenderer.organisationId,
      amountFen: 100_000n,
      validFrom: app.clock.now(),
      validUntil: new Date(app.clock.now().getTime() + 120 * DAY),
      now: app.clock.now(),
    });
    await app.db
      .updateTable("guarantees")
      .set({ status: "issue_failed", issue_error: "GuaranteeLedgerAlreadyIssued" })
      .where("id", "=", g.id)
      .execute();
    await app.db.updateTable("guarantee_applications").set({ status: "issue_failed" }).where("id", "=", g.application_id).execute();
    await expectCode(
      retryIssueByGuarantor(app, { actor: otherGuarantor.actor, applicationId: g.application_id, meta: TEST_META }),
      "NOT_FOUND",
    );
    await expectCode(retryIssueByGuarantor(app, { actor: bidder.actor, applicationId: g.application_id, meta: TEST_META }), "FORBIDDEN");
    const { key } = await retryIssueByGuarantor(app, { actor: guarantor.actor, applicationId: g.application_id, meta: TEST_META });
    expect(key).toMatch(new RegExp(`^guarantee:${g.id}:issue:\\d+$`));
    const after = await app.db.selectFrom("guarantees").select(["status", "issue_error"]).where("id", "=", g.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: "issuing", issue_error: null });
    const application = await app.db
      .selectFrom("guarantee_applications")
      .select("status")
      .where("id", "=", g.application_id)
      .executeTakeFirstOrThrow();
    expect(application.status).toBe("issuing");
    expect(await app.db.selectFrom("outbox").select("key").where("key", "=", key).execute()).toHaveLength(1);
    // Once issuing again, a second retry is refused.
    await expectCode(
      retryIssueByGuarantor(app, { actor: guarantor.actor, applicationId: g.application_id, meta: TEST_META }),
      "GUARANTEE_APPLICATION_UNEXPECTED_STATUS",
    );
  });

  it("keeps the section's guarantees sealed before the deadline, from the tenderer and the agency alike", async () => {
    const view = await readSectionGuarantees(app, tenderer.actor, sectionId);
    expect(view.sealed).toBe(true);
    expect(view.guarantees).toEqual([]);
    expect(await listGuaranteeSections(app, tenderer.actor)).toEqual([]);
    expect(await listGuaranteeSections(app, agency.actor)).toEqual([]);
    await expectCode(readSectionGuarantees(app, otherTenderer.actor, sectionId), "NOT_FOUND");
    await expectCode(readSectionGuarantees(app, bidder.actor, sectionId), "NOT_FOUND");
    const url = `/sections/${sectionId}/guarantees`;
    expect(await status(sectionGuaranteesRoute.loader, tenderer, url, { sectionId })).toBe(200);
    expect(await status(sectionGuaranteesRoute.loader, otherTenderer, url, { sectionId })).toBe(404);
    expect(await status(sectionGuaranteesRoute.loader, guarantor, url, { sectionId })).toBe(404);
    expect(await status(sectionGuaranteesRoute.loader, tenderer, `/sections/${NO_ID}/guarantees`, { sectionId: NO_ID })).toBe(404);
  });

  it("releases the guarantees of a terminated section on the ledger", async () => {
    const issued = await app.db
      .updateTable("guarantees")
      .set({ status: "issued" })
      .where("section_id", "=", sectionId)
      .returning("id")
      .execute();
    expect(issued.length).toBeGreaterThan(0);
    await terminateTender(app, {
      actor: agency.actor,
      projectId,
      sectionIds: [sectionId],
      reason: "项目资金未落实，终止招标",
      meta: TEST_META,
    });
    const keys = (await app.db.selectFrom("outbox").select("key").where("key", "like", "guarantee:%:release").execute()).map((r) => r.key);
    expect(keys.sort()).toEqual(issued.map((g) => `guarantee:${g.id}:release`).sort());
    // A terminated section is no longer sealed: its (unbound) guarantees are listed for its tenderer.
    expect((await listGuaranteeSections(app, tenderer.actor)).map((s) => s.id)).toEqual([sectionId]);
  });

  it("refuses a claim after the guarantee's validity and claim period, naming the last day", async () => {
    const now = app.clock.now();
    const g = await createGuaranteeRow(app.db, {
      guarantorOrganisationId: guarantor.organisationId,
      guarantorPersonId: guarantor.personId,
      applicantOrganisationId: bidder.organisationId,
      applicantPersonId: bidder.personId,
      sectionId,
      beneficiaryOrganisationId: tenderer.organisationId,
      amountFen: 100_000n,
      validFrom: now,
      validUntil: new Date(now.getTime() + 10 * DAY),
      claimPeriodDays: 30,
      now,
    });
    await app.db.updateTable("guarantees").set({ status: "bound" }).where("id", "=", g.id).execute();
    // The section above was terminated, which refuses every claim; this one stands on a live section.
    const { sectionId: live } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026170002",
    });
    await app.db.updateTable("guarantees").set({ section_id: live }).where("id", "=", g.id).execute();
    await advanceTo(app, new Date(now.getTime() + 41 * DAY));
    const refused = await lodgeClaim(app, {
      actor: tenderer.actor,
      guaranteeId: g.id,
      ground: "refusedContract",
      statement: "中标人拒绝签订合同",
      meta: TEST_META,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppError(refused) && refused.code).toBe("GUARANTEE_CLAIM_PERIOD_OVER");
    const message = isAppError(refused) ? formatErrorMessage(refused.code, refused.params, "zh-CN") : "";
    // Valid until 2026-12-03 09:00, claims until 30 days later (Beijing time).
    expect(message).toContain("2027/01/02");
    expect(message).toContain("2026/12/03");
    expect(message).toContain("30 日");
    expect(await app.db.selectFrom("guarantee_claims").select("id").where("guarantee_id", "=", g.id).execute()).toEqual([]);
  });
});
