import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { applyForGuarantee, guaranteeOptionsFor } from "#app/services/guarantee/apply-for-guarantee.server.ts";
import { createGuaranteeProduct } from "#app/services/guarantee/guarantee-products.server.ts";
import { startGuaranteeIssue } from "#app/services/guarantee/issue-guarantee.server.ts";
import { decideApplication, payGuaranteeFee, supplementApplication } from "#app/services/guarantee/underwrite-application.server.ts";
import { completeSigning } from "#app/services/signing/complete-signing.server.ts";
import { prepareSigning } from "#app/services/signing/prepare-signing.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { enrol, organisationWithMember, publishedSection, type Enrolment, type Member } from "../bidding/helpers/bids.ts";
import { expectCode } from "../opening/helpers.ts";
import { TEST_META } from "../helpers/test-app.ts";
import { appOn, signAttributes } from "../signing/helpers.ts";

/**
 * Decision 0057 on both drivers: a guarantor's product, a bidder's application with every refusal
 * saving nothing, underwriting, the fee record, issuing and the letter signed through the browser
 * signing flow (the chain issue queued, the letter anchored).
 */
describe.each(["pg", "pglite"] as const)("guarantee applications and issuing (%s)", (driver) => {
  let app: AppContext & { close(): Promise<void> };
  let guarantor: Member;
  let guarantorCert: Enrolment;
  let otherGuarantor: Member;
  let bidder: Member;
  let unregistered: Member;
  let sectionId: string;
  let productId: string;
  let farProductId: string;

  const applications = () => app.db.selectFrom("guarantee_applications").selectAll().execute();
  const product = { kind: "bid" as const, feeRateBp: 15, minimumFeeFen: 50_000n, procurementTypes: ["engineering" as const], active: true };

  beforeAll(async () => {
    app = await appOn(driver, "fixed:2026-11-23T09:00:00+08:00");
    await ensurePlatformPki(app);
    const agency = await organisationWithMember(app, { name: "福建省招标代理有限公司", kinds: ["agency"], roles: ["operate"] });
    const tenderer = await organisationWithMember(app, { name: "福州市住房和城乡建设局", kinds: ["tenderer"], roles: ["admin"] });
    guarantor = await organisationWithMember(app, { name: "福建海峡融资担保有限公司", kinds: ["guarantor"], roles: ["operate", "sign"] });
    guarantorCert = await enrol(app, guarantor);
    otherGuarantor = await organisationWithMember(app, { name: "另一担保公司", kinds: ["guarantor"], roles: ["operate", "sign"] });
    bidder = await organisationWithMember(app, { name: "福建海峡建设工程有限公司", kinds: ["bidder"], roles: ["admin", "bid"] });
    unregistered = await organisationWithMember(app, { name: "未报名建设公司", kinds: ["bidder"], roles: ["bid"] });
    ({ sectionId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026140001",
    }));
    await registerForSection(app, { actor: bidder.actor, sectionId, meta: TEST_META });
    ({ productId } = await createGuaranteeProduct(app, {
      actor: guarantor.actor,
      input: { ...product, name: "投标保函（福建）", regionCodes: ["35"] },
      meta: TEST_META,
    }));
    ({ productId: farProductId } = await createGuaranteeProduct(app, {
      actor: otherGuarantor.actor,
      input: { ...product, name: "投标保函（北京）", regionCodes: ["11"] },
      meta: TEST_META,
    }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it("lists every product serving the section's region and type, with the section's terms prefilled", async () => {
    const options = await guaranteeOptionsFor(app, bidder.actor, sectionId);
    expect(options.products.map((p) => p.id)).toEqual([productId]);
    expect(options.amountFen).toBe("20000000");
    expect(options.products[0]!.feeFen).toBe("50000"); // 0.15% of 200,000 yuan = 300 yuan < the 500 yuan minimum
  });

  it("refuses what does not cover the section, and saves nothing", async () => {
    const options = await guaranteeOptionsFor(app, bidder.actor, sectionId);
    const good = {
      productId,
      amountYuan: 200_000_00n,
      validFrom: new Date(options.validFrom),
      validUntil: new Date(options.validUntil),
      note: "",
    };
    await expectCode(
      applyForGuarantee(app, { actor: bidder.actor, sectionId, input: { ...good, amountYuan: 199_999_99n }, meta: TEST_META }),
      "GUARANTEE_AMOUNT_TOO_LOW",
    );
    await expectCode(
      applyForGuarantee(app, {
        actor: bidder.actor,
        sectionId,
        input: { ...good, validUntil: new Date(good.validUntil.getTime() - 1000) },
        meta: TEST_META,
      }),
      "GUARANTEE_VALIDITY_TOO_SHORT",
    );
    await expectCode(
      applyForGuarantee(app, { actor: bidder.actor, sectionId, input: { ...good, productId: farProductId }, meta: TEST_META }),
      "GUARANTEE_PRODUCT_NOT_SERVING",
    );
    await expectCode(applyForGuarantee(app, { actor: unregistered.actor, sectionId, input: good, meta: TEST_META }), "BID_NOT_REGISTERED");
    await expectCode(applyForGuarantee(app, { actor: guarantor.actor, sectionId, input: good, meta: TEST_META }), "FORBIDDEN");
    expect(await applications()).toEqual([]);
  });

  it("takes an application through underwriting, the fee and the signed letter", async () => {
    const options = await guaranteeOptionsFor(app, bidder.actor, sectionId);
    const input = {
      productId,
      amountYuan: 200_000_00n,
      validFrom: new Date(options.validFrom),
      validUntil: new Date(options.validUntil),
      note: "请尽快出函",
    };
    const { applicationId } = await applyForGuarantee(app, { actor: bidder.actor, sectionId, input, meta: TEST_META });
    await expectCode(applyForGuarantee(app, { actor: bidder.actor, sectionId, input, meta: TEST_META }), "GUARANTEE_APPLICATION_EXISTS");
    await expectCode(
      payGuaranteeFee(app, { actor: bidder.actor, applicationId, meta: TEST_META }),
      "GUARANTEE_APPLICATION_UNEXPECTED_STATUS",
    );
    await expectCode(
      decideApplication(app, { actor: otherGuarantor.actor, applicationId, decision: { intent: "approve" }, meta: TEST_META }),
      "NOT_FOUND",
    );

    await decideApplication(app, {
      actor: guarantor.actor,
      applicationId,
      decision: { intent: "requestDocuments", text: "请补充营业执照" },
      meta: TEST_META,
    });
    await supplementApplication(app, { actor: bidder.actor, applicationId, text: "已上传营业执照", meta: TEST_META });
    await decideApplication(app, { actor: guarantor.actor, applicationId, decision: { intent: "approve" }, meta: TEST_META });
    const fee = await payGuaranteeFee(app, { actor: bidder.actor, applicationId, meta: TEST_META });
    expect(fee.amountFen).toBe("50000");
    const notices = await app.db.selectFrom("notices").select(["title"]).where("organisation_id", "=", bidder.organisationId).execute();
    expect(notices.map((n) => n.title)).toEqual(expect.arrayContaining(["担保机构要求补充材料", "担保机构已同意承保，请缴纳保函费用"]));

    const { guaranteeId, ledgerId } = await startGuaranteeIssue(app, { actor: guarantor.actor, applicationId, meta: TEST_META });
    expect(ledgerId).toMatch(/^0x[0-9a-f]{64}$/);
    const g = await app.db.selectFrom("guarantees").selectAll().where("id", "=", guaranteeId).executeTakeFirstOrThrow();
    // The chain sees commitments, never the bidder's or the section's id.
    for (const ref of [g.applicant_ref, g.subject_ref, g.beneficiary_ref]) {
      expect(ref).toMatch(/^0x[0-9a-f]{64}$/);
      expect(ref).not.toContain(bidder.organisationId.replaceAll("-", ""));
    }

    const prepared = await prepareSigning(app, guarantor.actor, {
      kind: "guarantee-letter",
      subjectId: guaranteeId,
      certificateSerial: guarantorCert.serialHex,
    });
    const signature = signAttributes(guarantorCert.privateKey, prepared.signedAttributesDer);
    const { sha256 } = await completeSigning(app, guarantor.actor, { requestId: prepared.requestId, signature, meta: TEST_META });
    const signed = await app.db.selectFrom("guarantees").selectAll().where("id", "=", guaranteeId).executeTakeFirstOrThrow();
    expect(signed.document_sha256).toBe(sha256);
    expect(signed.document_key).toBeTruthy();
    expect(await app.db.selectFrom("anchor_queue").select("sha256").where("sha256", "=", sha256).execute()).toHaveLength(1);
    const queued = await app.db.selectFrom("outbox").select(["key"]).where("key", "like", `guarantee:${guaranteeId}:issue:%`).execute();
    expect(queued).toHaveLength(1);
    // Signed once only.
    const again = prepareSigning(app, guarantor.actor, {
      kind: "guarantee-letter",
      subjectId: guaranteeId,
      certificateSerial: guarantorCert.serialHex,
    });
    await expectCode(again, "GUARANTEE_LETTER_INVALID");
    // Said in Chinese in the Chinese UI (the status name stays in the English message).
    const refusal = await again.catch((e: AppError) => e);
    expect((refusal as AppError).messageIn("zh-CN")).toBe("保函签章无效：该保函当前不在等待签章的状态。");
  });
});
