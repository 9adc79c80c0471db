import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "#app/domain/shared/app-error.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid, withdrawBid } from "#app/services/bidding/submit-bid.server.ts";
import { answerObjection } from "#app/services/opening/answer-objection.server.ts";
import { closeDecryptionWindowEarly } from "#app/services/opening/close-decryption-window-early.server.ts";
import { closeOpening } from "#app/services/opening/close-opening.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { declareOpeningFailed } from "#app/services/opening/declare-opening-failed.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { suspendOpeningOfSection } from "#app/services/opening/list-openings-for-regulator.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { publishReadingOut } from "#app/services/opening/publish-reading-out.server.ts";
import { raiseObjection } from "#app/services/opening/raise-objection.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { resumeOpening } from "#app/services/opening/resume-opening.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import {
  enrol,
  organisationWithMember,
  publishedSection,
  sealBid,
  storedPath,
  type Enrolment,
  type Member,
} from "../bidding/helpers/bids.ts";
import { advanceTo, contentKey, expectCode, minutes, signIn } from "./helpers.ts";

/**
 * Issue 12's opening rules on real PostgreSQL under a controlled clock (decisions 38, 39): a
 * suspension covering the deadline moves it and freezes every bid meanwhile (a government-procurement
 * section); a bid whose signature fails after a successful decryption is read out, its defect
 * recorded for the evaluation; the opening cannot close while an objection is unanswered, and the
 * opening record then carries the answer; a declared failure needs a legal ground of the section's
 * type, and before the reading-out only one that needs no reading-out.
 */
describe("the opening rules of issue 12", () => {
  let app: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-opening-rules-"));
  let agency: Member, tenderer: Member, regulator: Member;
  let a: Member, b: Member, c: Member;
  let certs: Map<Member, Enrolment>;
  let eng: string, gp: string;
  let deadline: Date;
  let engOpening: string;
  const price = new Map<Member, string>();

  const fields = (p: string) => ({
    price: p,
    durationDays: 365,
    quality: "合格",
    projectManager: { name: "王建国", idNumber: "11010519491231002X" },
  });
  /** `signer`: whose certificate signs the manifest (another organisation's makes the signature fail). */
  const bidIn = async (sectionId: string, m: Member, signer: Member = m) => {
    const s = await sealBid({
      dir,
      name: `${sectionId}-${m.organisationId}-${app.clock.now().getTime()}`,
      sectionId,
      bidder: { uscc: m.actor.membership.organisationUscc, name: m.actor.membership.organisationName },
      fields: fields(price.get(m)!),
      signer: certs.get(signer)!,
      recipients: [certs.get(m)!.certificatePem],
      sealedAt: app.clock.now(),
    });
    return submitBid(app, { actor: m.actor, sectionId, envelopePath: s.envelopePath, packageDigest: s.packageDigest, meta: TEST_META });
  };
  const sectionDeadline = async (id: string) =>
    (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", id).executeTakeFirstOrThrow()).deadline_at;
  const bidRow = (m: Member, openingId: string) =>
    app.db
      .selectFrom("opening_bids")
      .selectAll()
      .where("opening_id", "=", openingId)
      .where("organisation_id", "=", m.organisationId)
      .executeTakeFirstOrThrow();
  const messageOf = async (promise: Promise<unknown>, lang: "zh-CN" | "en" = "zh-CN") => {
    const e = await promise.then(
      () => null,
      (x: unknown) => x,
    );
    if (!isAppError(e)) throw e ?? new Error("expected a refusal");
    return e.messageIn(lang);
  };

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    agency = await organisationWithMember(app, { name: "榕城招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    tenderer = await organisationWithMember(app, { name: "福州市第一医院", kinds: ["tenderer"], roles: ["admin", "operate"] });
    regulator = await organisationWithMember(app, { name: "福州市财政局", kinds: ["regulator"], roles: ["operate"], regionCode: "350100" });
    [a, b, c] = (await Promise.all(
      ["海峡医疗设备", "闽江科技", "鹭岛器械"].map((name) =>
        organisationWithMember(app, { name, kinds: ["bidder"], roles: ["admin", "bid"] }),
      ),
    )) as [Member, Member, Member];
    const list = [a, b, c];
    certs = new Map((await Promise.all(list.map((m) => enrol(app, m)))).map((cert, i) => [list[i]!, cert]));
    price.set(a, "1234567890").set(b, "1198000000").set(c, "1250000000");
    const section = async (code: string, procurementType: "engineering" | "government") =>
      (await publishedSection(app, { agency: agency.actor, tendererOrganisationId: tenderer.organisationId, code, procurementType }))
        .sectionId;
    eng = await section("E3501002026001201", "engineering");
    gp = await section("E3501002026001202", "government");
    for (const s of [eng, gp]) for (const m of list) await registerForSection(app, { actor: m.actor, sectionId: s, meta: TEST_META });
    await bidIn(eng, a);
    await bidIn(eng, b, c); // 闽江科技's manifest signed with 鹭岛器械's certificate
    await bidIn(eng, c);
    await bidIn(gp, a);
    deadline = await sectionDeadline(eng);
    expect(await sectionDeadline(gp)).toEqual(deadline);
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a suspension covering the deadline freezes every bid, then moves the deadline by the time suspended (government procurement)", async () => {
    await advanceTo(app, minutes(deadline, -120));
    const { openingId } = await suspendOpeningOfSection(app, {
      actor: regulator.actor,
      sectionId: gp,
      reason: "接到举报，调查中",
      meta: TEST_META,
    });
    // Nothing changes a bid while suspended, a withdrawal included; the message cites GP's article, not 招标投标法.
    const refused = await messageOf(withdrawBid(app, { actor: a.actor, sectionId: gp, meta: TEST_META }));
    expect(refused).toContain("政府采购法第五十七条");
    expect(refused).not.toContain("招标投标法");
    await advanceTo(app, minutes(deadline, 60));
    // Past the announced deadline, still suspended: refused as suspended, not as late.
    await expectCode(bidIn(gp, b), "SECTION_SUSPENDED");
    await recordOpeningTimedFacts(app, app.clock.now());
    const frozen = await app.db
      .selectFrom("openings")
      .select("valid_bids_at_deadline")
      .where("id", "=", openingId)
      .executeTakeFirstOrThrow();
    expect(frozen.valid_bids_at_deadline).toBeNull(); // no bids counted, no 流标 while suspended

    const resumed = await resumeOpening(app, { actor: regulator.actor, openingId, reason: "调查完毕", meta: TEST_META });
    // Suspended at −2 h, resumed at +1 h: 3 h suspended; the bidders again have the 2 h they had left.
    expect(resumed.deadlineMoved).toEqual({ from: deadline, to: minutes(deadline, 180) });
    expect(await sectionDeadline(gp)).toEqual(minutes(deadline, 180));
    const moves = await app.db.selectFrom("section_deadline_moves").selectAll().where("section_id", "=", gp).execute();
    expect(moves).toMatchObject([
      { from_deadline_at: deadline, to_deadline_at: minutes(deadline, 180), suspended_at: minutes(deadline, -120) },
    ]);
    expect(resumed.phase).toBe("scheduled");
    // The engineering section, never suspended, keeps its deadline.
    expect(await sectionDeadline(eng)).toEqual(deadline);
    // Bidding goes on until the moved deadline.
    await bidIn(gp, b);
    await bidIn(gp, c);
    await withdrawBid(app, { actor: a.actor, sectionId: gp, meta: TEST_META });
    await bidIn(gp, a);
  });

  it("reads out a bid whose signature fails after a successful decryption, its defect recorded for the evaluation (条例 51)", async () => {
    await recordOpeningTimedFacts(app, app.clock.now());
    engOpening = (await findOpeningOfSection(app, eng)).openingId;
    for (const m of [a, b, c]) await signIn(app, m, certs.get(m)!, eng);
    await publishBidderList(app, { actor: agency.actor, openingId: engOpening, meta: TEST_META });
    await openDecryptionWindow(app, { actor: agency.actor, openingId: engOpening, meta: TEST_META });
    await advanceTo(app, minutes(app.clock.now(), 1));
    const decrypt = async (m: Member) =>
      decryptBid(app, {
        actor: m.actor,
        openingId: engOpening,
        contentKey: await contentKey(app, m, certs.get(m)!, engOpening),
        meta: TEST_META,
      });
    expect(await decrypt(a)).toEqual({ decrypted: true });
    expect(await decrypt(b)).toEqual({ decrypted: true, defect: "SIGNATURE_INVALID" });
    expect(await decrypt(c)).toEqual({ decrypted: true });
    const rowB = await bidRow(b, engOpening);
    expect(rowB).toMatchObject({ result: "decrypted", rule: "DECRYPTED_WITH_DEFECTS" });
    expect(rowB.defects).toMatchObject([{ code: "SIGNATURE_INVALID" }]);
    expect((rowB.fields as { price: string }).price).toBe(price.get(b));
    const asHost = await readOpening(app, agency.actor, engOpening);
    const hostB = asHost.bidders!.find((x) => x.organisationId === b.organisationId)!;
    expect(hostB.defects![0]!.zh).toContain("不属于解密失败");
    expect(hostB.defects![0]!.zh).toContain("招标投标法实施条例第五十一条");

    // Three bids opened: "fewer than three opened" does not hold, and 废标 for over-budget prices is GP's ground only.
    await expectCode(
      declareOpeningFailed(app, { actor: agency.actor, openingId: engOpening, ground: "tooFewOpened", reason: "x", meta: TEST_META }),
      "OPENING_FAILURE_GROUND_NOT_MET",
    );
    await expectCode(
      declareOpeningFailed(app, { actor: agency.actor, openingId: engOpening, ground: "overBudget", reason: "x", meta: TEST_META }),
      "OPENING_FAILURE_GROUND_UNKNOWN",
    );
    await closeDecryptionWindowEarly(app, { actor: agency.actor, openingId: engOpening, meta: TEST_META });
    const out = await publishReadingOut(app, { actor: agency.actor, openingId: engOpening, meta: TEST_META });
    const readB = out.rows.find((r) => r.bidderName === "闽江科技")!;
    expect(readB).toMatchObject({ result: "decrypted", rule: "DECRYPTED_WITH_DEFECTS" });
    expect(readB.price?.fen.toString()).toBe(price.get(b));
    expect(out.rows.every((r) => r.result === "decrypted")).toBe(true);
  });

  it("cannot close with an unanswered objection; once answered it closes and the opening record carries the answer (条例 44)", async () => {
    const { objectionId } = await raiseObjection(app, {
      actor: c.actor,
      openingId: engOpening,
      text: "闽江科技的电子签名不是其本单位证书",
      meta: TEST_META,
    });
    await advanceTo(app, minutes(app.clock.now(), 31)); // past the 30-minute confirmation period
    await recordOpeningTimedFacts(app, app.clock.now());
    const ended = await app.db.selectFrom("openings").selectAll().where("id", "=", engOpening).executeTakeFirstOrThrow();
    expect(ended.confirmation_ended_at).not.toBeNull();
    expect(ended.opening_record_key).toBeNull(); // waits for the answer

    const refused = await messageOf(closeOpening(app, { actor: agency.actor, openingId: engOpening, meta: TEST_META }));
    expect(refused).toContain("1 项异议未答复");
    expect(refused).toContain("招标投标法实施条例第四十四条");
    expect((await readOpening(app, null, engOpening)).phase).toBe("confirming");

    await answerObjection(app, {
      actor: agency.actor,
      openingId: engOpening,
      objectionId,
      answer: "已记录，提交评标委员会评审",
      meta: TEST_META,
    });
    await closeOpening(app, { actor: agency.actor, openingId: engOpening, meta: TEST_META });
    const closed = await app.db.selectFrom("openings").selectAll().where("id", "=", engOpening).executeTakeFirstOrThrow();
    expect(closed.closed_at).not.toBeNull();
    expect(closed.opening_record_key).not.toBeNull();
    const text = execFileSync("pdftotext", [storedPath(app, closed.opening_record_key!), "-"])
      .toString()
      .replace(/\s+/g, "");
    // The table wraps the objection's text across lines; the answer fits its cell.
    expect(text).toContain("异议及答复");
    expect(text).toContain("闽江科技的电子签名不是其本");
    expect(text).toContain("已记录，提交评标委员会评审");
  });

  it("a government-procurement failure needs a GP法 36 ground; before the reading-out only one that needs no prices", async () => {
    const moved = await sectionDeadline(gp);
    await advanceTo(app, minutes(moved, 1));
    await recordOpeningTimedFacts(app, app.clock.now());
    const { openingId } = await findOpeningOfSection(app, gp);
    await publishBidderList(app, { actor: agency.actor, openingId, meta: TEST_META });
    const host = await readOpening(app, agency.actor, openingId);
    expect(host.failureGrounds!.map((g) => g.id)).toEqual(["tooFewOpened", "illegality", "cancelled"]);
    const refused = await messageOf(
      declareOpeningFailed(app, { actor: agency.actor, openingId, ground: "overBudget", reason: "报价均超预算", meta: TEST_META }),
    );
    expect(refused).toContain("政府采购法第三十六条第一款第（三）项");
    expect(refused).toContain("唱标之后");
    await declareOpeningFailed(app, {
      actor: agency.actor,
      openingId,
      ground: "cancelled",
      reason: "财政预算调整，采购任务取消",
      meta: TEST_META,
    });
    const failed = await readOpening(app, null, openingId);
    expect(failed.phase).toBe("failed");
    expect(failed.failure).toMatchObject({
      kind: "declared",
      ground: { id: "cancelled" },
      source: { zh: "政府采购法第三十六条第一款第（四）项" },
    });
    const section = await app.db.selectFrom("sections").select("failed_reason").where("id", "=", gp).executeTakeFirstOrThrow();
    expect(section.failed_reason).toContain("政府采购法第三十六条第一款第（四）项");
    expect(section.failed_reason).not.toContain("招标投标法");
    // 办法 32: the failed opening has its signed record too, with the ground, its article and GP's words.
    const row = await app.db.selectFrom("openings").selectAll().where("id", "=", openingId).executeTakeFirstOrThrow();
    expect(row.opening_record_key).not.toBeNull();
    const text = execFileSync("pdftotext", [storedPath(app, row.opening_record_key!), "-"])
      .toString()
      .replace(/\s+/g, "");
    expect(text).toContain("开标记录表（流标）");
    expect(text).toContain("政府采购法第三十六条第一款第（四）项");
    expect(text).toContain("财政预算调整，采购任务取消");
    expect(text).toContain("询问或回避申请及答复");
    expect(text).not.toContain("质疑");
    expect(await recordOpeningTimedFacts(app, app.clock.now())).toBe(0); // generated once
  });
});
