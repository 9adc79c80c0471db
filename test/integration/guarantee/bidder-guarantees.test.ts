import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "#app/server/context.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { browseAuditLog } from "#app/services/audit/browse-audit-log.server.ts";
import { getSealingKit } from "#app/services/bidding/get-sealing-kit.server.ts";
import { submitBid, withdrawBid } from "#app/services/bidding/submit-bid.server.ts";
import { readTodo } from "#app/services/dashboard/read-todo.server.ts";
import { applyForGuarantee, guaranteeOptionsFor } from "#app/services/guarantee/apply-for-guarantee.server.ts";
import { listOwnGuarantees, readOwnApplication, readOwnGuaranteeLetter } from "#app/services/guarantee/bidder-guarantees.server.ts";
import { createGuaranteeProduct } from "#app/services/guarantee/guarantee-products.server.ts";
import { decideApplication, payGuaranteeFee } from "#app/services/guarantee/underwrite-application.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { createGuaranteeRow } from "#test/factories/guarantees.ts";
import {
  enrol,
  organisationWithMember,
  publishedSection,
  sealBid,
  storedFiles,
  type Enrolment,
  type Member,
} from "../bidding/helpers/bids.ts";
import { TEST_META } from "../helpers/test-app.ts";
import { expectCode } from "../opening/helpers.ts";
import { appOn } from "../signing/helpers.ts";

const DAY = 86_400_000;

/**
 * The bidder's side of electronic guarantees on both drivers (issue 14, decision 0072): its own
 * applications and letter and nobody else's, the dashboard's to-dos, the declaration checked at
 * submission (GUARANTEE_DECLARATION_INVALID, nothing saved) and written beside the envelope, and a
 * withdrawal's release queued for the deadline, taken back when the guarantee is declared again.
 */
describe.each(["pg", "pglite"] as const)("the bidder's guarantees (%s)", (driver) => {
  let app: AppContext & { close(): Promise<void> };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bidhall-bidder-guarantees-${driver}-`));
  let agency: Member, tenderer: Member, guarantor: Member, a: Member, b: Member;
  let certA: Enrolment, certB: Enrolment;
  let sectionId: string, otherSectionId: string, productId: string, applicationId: string;
  let deadline: Date;
  const fields = {
    price: "1000000000",
    durationDays: 365,
    quality: "合格",
    projectManager: { name: "王建国", idNumber: "11010519491231002X" },
  };

  const guaranteeFor = async (m: Member, section: string, status: "issued" | "issuing" | "bound" = "issued") => {
    const now = app.clock.now();
    const row = await createGuaranteeRow(app.db, {
      guarantorOrganisationId: guarantor.organisationId,
      guarantorPersonId: guarantor.personId,
      applicantOrganisationId: m.organisationId,
      applicantPersonId: m.personId,
      sectionId: section,
      beneficiaryOrganisationId: tenderer.organisationId,
      amountFen: 20_000_000n,
      validFrom: now,
      validUntil: new Date(deadline.getTime() + 120 * DAY),
      now,
    });
    await app.db.updateTable("guarantees").set({ status, issued_at: now }).where("id", "=", row.id).execute();
    return row;
  };
  const seal = async (m: Member, cert: Enrolment, reference: string) =>
    sealBid({
      dir,
      name: `${m.organisationId}-${Math.random()}`,
      sectionId,
      bidder: { uscc: m.actor.membership.organisationUscc, name: m.actor.membership.organisationName },
      fields,
      security: { kind: "guarantee", reference },
      signer: cert,
      recipients: [cert.certificatePem],
      sealedAt: app.clock.now(),
    });
  const submit = async (m: Member, cert: Enrolment, reference: string) => {
    const s = await seal(m, cert, reference);
    return submitBid(app, {
      actor: m.actor,
      sectionId,
      envelopePath: s.envelopePath,
      packageDigest: s.packageDigest,
      security: { kind: "guarantee", reference },
      meta: TEST_META,
    });
  };

  beforeAll(async () => {
    app = await appOn(driver, "fixed:2026-11-23T09:00:00+08:00");
    await ensurePlatformPki(app);
    agency = await organisationWithMember(app, { name: "福建省招标代理有限公司", kinds: ["agency"], roles: ["operate"] });
    tenderer = await organisationWithMember(app, { name: "福州市城市建设投资集团", kinds: ["tenderer"], roles: ["admin"] });
    guarantor = await organisationWithMember(app, { name: "福建海峡融资担保有限公司", kinds: ["guarantor"], roles: ["operate", "sign"] });
    a = await organisationWithMember(app, { name: "福建海峡建设工程有限公司", kinds: ["bidder"], roles: ["admin", "bid"] });
    b = await organisationWithMember(app, { name: "闽江路桥集团有限公司", kinds: ["bidder"], roles: ["admin", "bid"] });
    [certA, certB] = await Promise.all([enrol(app, a), enrol(app, b)]);
    ({ sectionId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026140101",
    }));
    ({ sectionId: otherSectionId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026140102",
    }));
    for (const m of [a, b])
      for (const s of [sectionId, otherSectionId]) await registerForSection(app, { actor: m.actor, sectionId: s, meta: TEST_META });
    deadline = (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", sectionId).executeTakeFirstOrThrow())
      .deadline_at;
    ({ productId } = await createGuaranteeProduct(app, {
      actor: guarantor.actor,
      input: {
        name: "投标保函",
        kind: "bid",
        feeRateBp: 15,
        minimumFeeFen: 50_000n,
        procurementTypes: ["engineering"],
        regionCodes: ["35"],
        active: true,
      },
      meta: TEST_META,
    }));
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows an organisation its own applications, fee record and to-dos, and nobody else's", async () => {
    const options = await guaranteeOptionsFor(app, a.actor, sectionId);
    ({ applicationId } = await applyForGuarantee(app, {
      actor: a.actor,
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
    expect((await listOwnGuarantees(app, a.actor)).map((r) => r.applicationId)).toEqual([applicationId]);
    expect(await listOwnGuarantees(app, b.actor)).toEqual([]);
    await expectCode(readOwnApplication(app, b.actor, applicationId), "NOT_FOUND");
    await expectCode(listOwnGuarantees(app, guarantor.actor), "FORBIDDEN");
    // B pays A's fee: not found, nothing recorded.
    await decideApplication(app, { actor: guarantor.actor, applicationId, decision: { intent: "approve" }, meta: TEST_META });
    await expectCode(payGuaranteeFee(app, { actor: b.actor, applicationId, meta: TEST_META }), "NOT_FOUND");
    expect((await readTodo(app, a.actor)).map((i) => i.kind)).toContain("guarantee.fee_due");
    expect((await readTodo(app, b.actor)).map((i) => i.kind)).not.toContain("guarantee.fee_due");
    const { reference } = await payGuaranteeFee(app, { actor: a.actor, applicationId, meta: TEST_META });
    const own = await readOwnApplication(app, a.actor, applicationId);
    expect(own.status).toBe("fee_paid");
    expect(own.payment).toMatchObject({ amountFen: "50000", reference, payer: a.actor.membership.organisationName });
    expect(own.events.map((e) => e.step)).toEqual(["submitted", "approved", "fee_paid"]);
    expect((await readTodo(app, a.actor)).map((i) => i.kind)).not.toContain("guarantee.fee_due");
    // Sealed before the deadline: the operator's audit shows the type and day only.
    const operator = await organisationWithMember(app, { name: "省交易中心", kinds: ["operator"], roles: ["operate"] });
    const audit = await browseAuditLog(app, operator.actor, { type: "guarantee_application.fee_paid" });
    expect(audit.rows.length).toBeGreaterThan(0);
    expect(audit.rows.every((r) => r.sealed)).toBe(true);
  });

  it("refuses a declared guarantee that is not the organisation's, for another section, not issued or bound — saving nothing", async () => {
    const ofB = await guaranteeFor(b, sectionId);
    const otherSection = await guaranteeFor(a, otherSectionId);
    const issuing = await guaranteeFor(a, sectionId, "issuing");
    const bound = await guaranteeFor(a, sectionId, "bound");
    const before = storedFiles(app);
    for (const [reference, reason] of [
      [ofB.ledger_id, "平台上没有本单位的这份保函"],
      [ofB.id, "平台上没有本单位的这份保函"],
      [otherSection.ledger_id, "其他标段"],
      [issuing.ledger_id, "尚未在账本上开立成功"],
      [bound.ledger_id, "已绑定至其他投标"],
    ] as const) {
      const e = await submit(a, certA, reference).catch((x: unknown) => x);
      expect(e, reference).toMatchObject({ code: "GUARANTEE_DECLARATION_INVALID" });
      expect((e as { messageIn(l: string): string }).messageIn("zh-CN")).toContain(reason);
    }
    expect(await app.db.selectFrom("bid_versions").select("id").execute()).toEqual([]);
    expect(storedFiles(app)).toEqual(before);
    // A guarantee number from outside the platform is still taken as typed (checked at the opening).
    await submit(b, certB, "BG-OUTSIDE-2026-01");
    const v = await app.db.selectFrom("bid_versions").select(["security_reference", "security_guarantee_id"]).executeTakeFirstOrThrow();
    expect(v).toEqual({ security_reference: "BG-OUTSIDE-2026-01", security_guarantee_id: null });
  });

  it("offers the issued guarantee in the sealing kit and writes it beside the envelope", async () => {
    const g = await guaranteeFor(a, sectionId);
    await app.db.updateTable("guarantees").set({ application_id: applicationId }).where("id", "=", g.id).execute();
    const kit = await getSealingKit(app, a.actor, sectionId);
    expect(kit.guarantees.map((x) => x.ledgerId)).toEqual([g.ledger_id]);
    expect((await getSealingKit(app, b.actor, sectionId)).guarantees.map((x) => x.ledgerId)).not.toContain(g.ledger_id);
    await app.db.updateTable("guarantee_applications").set({ status: "issued" }).where("id", "=", applicationId).execute();
    expect((await readTodo(app, a.actor)).map((i) => i.kind)).toContain("guarantee.declare");

    await submit(a, certA, g.ledger_id.toUpperCase().replace("0X", "0x"));
    const v = await app.db
      .selectFrom("bid_versions as v")
      .innerJoin("bids as b", "b.id", "v.bid_id")
      .select(["v.security_guarantee_id", "v.security_kind"])
      .where("b.organisation_id", "=", a.organisationId)
      .executeTakeFirstOrThrow();
    expect(v).toEqual({ security_guarantee_id: g.id, security_kind: "guarantee" });
    expect((await readTodo(app, a.actor)).map((i) => i.kind)).not.toContain("guarantee.declare");
    // The letter: its applicant only (none stored here: not found either way).
    await expectCode(readOwnGuaranteeLetter(app, b.actor, g.id), "NOT_FOUND");
  });

  it("queues a withdrawn bid's release for the deadline and takes it back when the guarantee is declared again", async () => {
    const g = (await getSealingKit(app, a.actor, sectionId)).guarantees[0]!;
    await withdrawBid(app, { actor: a.actor, sectionId, meta: TEST_META });
    const queued = await app.db.selectFrom("outbox").selectAll().where("key", "=", `guarantee:${g.id}:release`).executeTakeFirstOrThrow();
    expect(queued).toMatchObject({ status: "pending", kind: "ledger.send" });
    expect(queued.run_after.getTime()).toBe(deadline.getTime());
    const requested = await app.db.selectFrom("audit_log").select(["data"]).where("type", "=", "guarantee.release_requested").execute();
    expect(requested.map((r) => r.data)).toContainEqual({ guaranteeId: g.id, sectionId, event: "withdrawal" });

    // Bidding again with the same guarantee: the release is taken back.
    await submit(a, certA, g.ledgerId);
    expect(await app.db.selectFrom("outbox").select("id").where("key", "=", `guarantee:${g.id}:release`).execute()).toEqual([]);
    expect(await app.db.selectFrom("audit_log").select("type").where("type", "=", "guarantee.release_cancelled").execute()).toHaveLength(1);
    // And withdrawing again queues it again (the key is free).
    await withdrawBid(app, { actor: a.actor, sectionId, meta: TEST_META });
    expect(await app.db.selectFrom("outbox").select("status").where("key", "=", `guarantee:${g.id}:release`).execute()).toEqual([
      { status: "pending" },
    ]);
    // B's guarantee is left alone.
    const ofB = await app.db.selectFrom("guarantees").select("id").where("applicant_organisation_id", "=", b.organisationId).execute();
    expect(ofB.length).toBeGreaterThan(0);
    for (const x of ofB)
      expect(await app.db.selectFrom("outbox").select("id").where("key", "=", `guarantee:${x.id}:release`).execute()).toEqual([]);
  });
});
