import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid } from "#app/services/bidding/submit-bid.server.ts";
import { importCredit } from "#app/services/credit/import-credit.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { enrol, organisationWithMember, sealBid, type Enrolment, type Member } from "../bidding/helpers/bids.ts";
import { advanceTo, contentKey, expectCode, minutes, signIn } from "./helpers.ts";

/**
 * Credit at the opening (decisions 34, 35) on real PostgreSQL: a credit commitment from a bidder not
 * rated red at the deadline — declared beside the envelope, or only inside bid.json — is recorded
 * as a defect for the evaluation, the bid staying decrypted and read out; a blue bidder is flagged
 * to the host and the regulator only; a government-procurement section with too few bids fails
 * citing 87号令 with the purchaser's next steps.
 */
describe("credit at the opening", () => {
  let app: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-credit-opening-"));
  let agency: Member, tenderer: Member, regulator: Member, operator: Member;
  /** lapsed: red at submission, orange before the deadline; hidden: orange, commitment only in bid.json; blue; red. */
  let lapsed: Member, hidden: Member, blue: Member, red: Member;
  let certs: Map<Member, Enrolment>;
  let works: string, goods: string;
  let deadline: Date;
  let openingId: string;

  const publish = async (type: "engineering" | "government", code: string) => {
    const method = type === "engineering" ? "comprehensiveEvaluation" : "comprehensiveScoring";
    const terms = sectionTerms({ name: "一标段", from: app.clock.now(), deadlineDays: 25, evaluationMethod: method, saleDays: 8 });
    const { projectId, sectionIds } = await createProject(app, {
      actor: agency.actor,
      project: {
        code,
        name: "闽江大道道路改造工程",
        regionCode: "350100",
        procurementType: type,
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tenderer.organisationId,
      },
      sections: [{ ...terms, securityForms: ["guarantee", "creditCommitment"] }],
      meta: TEST_META,
    });
    await uploadTenderDocument(app, {
      actor: agency.actor,
      projectId,
      title: "招标文件",
      filename: "t.pdf",
      bytes: tinyPdf(),
      meta: TEST_META,
    });
    await publishProject(app, { actor: agency.actor, projectId, announcement: { title: "招标公告", body: "欢迎投标" }, meta: TEST_META });
    return sectionIds[0]!;
  };

  const credit = (lines: string[]) =>
    importCredit(app, {
      actor: operator.actor,
      filename: "credit.csv",
      content: ["uscc,grade,effective_from,effective_to,source,reason,ban_scope,ban_until", ...lines].join("\n"),
      meta: TEST_META,
    });
  const uscc = (m: Member) => m.actor.membership.organisationUscc;

  const bid = async (
    m: Member,
    security: { inBid: { kind: "guarantee" | "credit-commitment"; reference: string }; declared: typeof security.inBid },
  ) => {
    const cert = certs.get(m)!;
    const s = await sealBid({
      dir,
      name: m.organisationId,
      sectionId: works,
      bidder: { uscc: uscc(m), name: m.actor.membership.organisationName },
      fields: {
        price: "1000000000",
        durationDays: 365,
        quality: "合格",
        projectManager: { name: "王建国", idNumber: "11010519491231002X" },
      },
      security: security.inBid,
      signer: cert,
      recipients: [cert.certificatePem],
      sealedAt: app.clock.now(),
    });
    await submitBid(app, {
      actor: m.actor,
      sectionId: works,
      envelopePath: s.envelopePath,
      packageDigest: s.packageDigest,
      security: security.declared,
      meta: TEST_META,
    });
  };

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    regulator = await organisationWithMember(app, { name: "福州市住建局", kinds: ["regulator"], roles: ["operate"], regionCode: "350100" });
    operator = await organisationWithMember(app, {
      name: "交易中心",
      kinds: ["operator"],
      roles: ["admin", "operate"],
      regionCode: "350000",
    });
    [lapsed, hidden, blue, red] = (await Promise.all(
      ["信用降级建设", "隐含承诺建设", "蓝色关注建设", "红色守信建设"].map((name) =>
        organisationWithMember(app, { name, kinds: ["bidder"], roles: ["admin", "bid"] }),
      ),
    )) as [Member, Member, Member, Member];
    const list = [lapsed, hidden, blue, red];
    certs = new Map((await Promise.all(list.map((m) => enrol(app, m)))).map((cert, i) => [list[i]!, cert]));
    works = await publish("engineering", "E3501002026001201");
    goods = await publish("government", "E3501002026001202");
    await credit([
      `${uscc(lapsed)},red,2026-01-01,,福建省住房和城乡建设厅,年度信用评价 AAA,,`,
      `${uscc(hidden)},orange,2026-01-01,,福建省住房和城乡建设厅,年度信用评价 A,,`,
      `${uscc(blue)},blue,2026-02-01,,福建省公共资源交易中心,重点关注名单,,`,
      `${uscc(red)},red,2026-01-01,,福建省住房和城乡建设厅,年度信用评价 AAA,,`,
    ]);
    for (const m of list) await registerForSection(app, { actor: m.actor, sectionId: works, meta: TEST_META });
    const commitment = (ref: string) => ({ kind: "credit-commitment" as const, reference: ref });
    const guarantee = (ref: string) => ({ kind: "guarantee" as const, reference: ref });
    await bid(lapsed, { inBid: commitment("XYCN-001"), declared: commitment("XYCN-001") });
    // At submission an orange bidder may not declare a commitment beside the envelope (decision 16) …
    await expectCode(bid(hidden, { inBid: commitment("XYCN-002"), declared: commitment("XYCN-002") }), "BID_CREDIT_COMMITMENT_NOT_ALLOWED");
    // … so it declares a guarantee there and puts the commitment only inside bid.json.
    await bid(hidden, { inBid: commitment("XYCN-002"), declared: guarantee("BG-002") });
    await bid(blue, { inBid: guarantee("BG-003"), declared: guarantee("BG-003") });
    await bid(red, { inBid: commitment("XYCN-004"), declared: commitment("XYCN-004") });
    // After its submission, another source rates the first bidder orange from before the deadline.
    await credit([`${uscc(lapsed)},orange,2026-11-30,,福州市住房和城乡建设局,合同履约评价一般,,`]);
    deadline = (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", works).executeTakeFirstOrThrow()).deadline_at;
    openingId = (await findOpeningOfSection(app, works)).openingId;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("flags the blue bidder to the host and the regulator, nobody else", async () => {
    await advanceTo(app, minutes(deadline, -20));
    for (const m of [lapsed, hidden, blue, red]) await signIn(app, m, certs.get(m)!, works);
    await advanceTo(app, minutes(deadline, 1));
    await recordOpeningTimedFacts(app, app.clock.now());
    await publishBidderList(app, { actor: agency.actor, openingId, meta: TEST_META });
    for (const viewer of [agency, regulator]) {
      const view = await readOpening(app, viewer.actor, openingId);
      const row = view.bidders!.find((b) => b.uscc === uscc(blue))!;
      expect(row.credit).toHaveLength(1);
      expect(row.credit![0]).toMatchObject({ kind: "grade", grade: "blue", bars: false });
      expect(row.credit![0]!.zh).toContain("福建省公共资源交易中心");
      expect(view.bidders!.find((b) => b.uscc === uscc(red))!.credit).toEqual([]);
    }
    for (const viewer of [null, blue.actor, red.actor]) {
      const view = await readOpening(app, viewer, openingId);
      expect(view.bidders!.every((b) => b.credit === null && b.defects === null)).toBe(true);
      expect(JSON.stringify(view)).not.toContain("重点关注");
    }
  });

  it("records a credit commitment of a bidder not red at the deadline as a defect for the evaluation, and reads the bid out", async () => {
    await advanceTo(app, minutes(deadline, 2));
    await openDecryptionWindow(app, { actor: agency.actor, openingId, meta: TEST_META });
    await advanceTo(app, minutes(deadline, 3));
    for (const m of [lapsed, hidden, blue, red])
      expect(
        await decryptBid(app, {
          actor: m.actor,
          openingId,
          contentKey: await contentKey(app, m, certs.get(m)!, openingId),
          meta: TEST_META,
        }),
      ).toEqual({ decrypted: true });

    const rows = await app.db.selectFrom("opening_bids").select(["organisation_id", "result", "rule", "defects"]).execute();
    const of = (m: Member) => rows.find((r) => r.organisation_id === m.organisationId)!;
    // Decrypted, not a decryption failure: the defect goes to the evaluation committee.
    for (const m of [lapsed, hidden, blue, red]) expect(of(m)).toMatchObject({ result: "decrypted", rule: "DECRYPTED" });
    expect(of(lapsed).defects).toMatchObject([{ code: "CREDIT_COMMITMENT_NOT_RED", grade: "orange", offeredIn: "both" }]);
    expect(of(hidden).defects).toMatchObject([
      { code: "DECLARATION_MISMATCH", declared: { kind: "guarantee", reference: "BG-002" }, inBid: { kind: "credit-commitment" } },
      { code: "CREDIT_COMMITMENT_NOT_RED", grade: "orange", offeredIn: "bid" },
    ]);
    expect(of(blue).defects).toEqual([]);
    expect(of(red).defects).toEqual([]);

    const host = await readOpening(app, agency.actor, openingId);
    const flagged = host.bidders!.find((b) => b.uscc === uscc(lapsed))!;
    expect(flagged.result).toBe("decrypted");
    expect(flagged.defects!.map((d) => d.code)).toEqual(["CREDIT_COMMITMENT_NOT_RED"]);
    expect(flagged.defects![0]!.zh).toContain("不属于解密失败");
    expect(flagged.defects![0]!.zh).toContain("招标投标法实施条例第五十一条");
    expect(flagged.defects![0]!.zh).toContain("福州市住房和城乡建设局");
    expect(flagged.defects![0]!.en).toContain("not a decryption failure");
    const regulatorView = await readOpening(app, regulator.actor, openingId);
    expect(regulatorView.bidders!.find((b) => b.uscc === uscc(hidden))!.defects).toHaveLength(2);
    // The bidder learns of its own defect; the others and the public do not.
    expect((await readOpening(app, hidden.actor, openingId)).ownBid!.defects.map((d) => d.code)).toEqual([
      "DECLARATION_MISMATCH",
      "CREDIT_COMMITMENT_NOT_RED",
    ]);
    expect((await readOpening(app, red.actor, openingId)).ownBid!.defects).toEqual([]);
    expect(JSON.stringify(await readOpening(app, null, openingId))).not.toContain("CREDIT_COMMITMENT_NOT_RED");
    const audit = await app.db
      .selectFrom("audit_log")
      .select(["type", "data"])
      .where("type", "=", "opening.security_defects_recorded")
      .execute();
    expect(audit).toHaveLength(2);
  });

  it("fails a government-procurement section with too few bids citing 87号令, with the purchaser's next steps", async () => {
    const goodsOpening = (await findOpeningOfSection(app, goods)).openingId;
    const view = await readOpening(app, agency.actor, goodsOpening);
    expect(view.phase).toBe("failed");
    expect(view.section.procurementType).toBe("government");
    expect(view.failure).toMatchObject({ kind: "tooFewBids", source: { zh: "87号令第四十一条", en: "MOF Order 87 Art 41" } });
    expect(view.failure!.nextStepSource.zh).toContain("87号令第四十三条");
    expect(view.failure!.nextSteps.map((s) => s.id)).toEqual(["correctAndRetender", "otherMethod"]);
    expect(JSON.stringify(view.failure)).not.toContain("招标投标法");
    const section = await app.db.selectFrom("sections").select("failed_reason").where("id", "=", goods).executeTakeFirstOrThrow();
    expect(section.failed_reason).toContain("87号令第四十一条");
  });
});
